//! Who may do what: tourist A, tourist B, gate staff and anonymous against every endpoint,
//! each expecting its exact status. Writes that use something up run last, in the order
//! that leaves the owner's own try for the end.

use serde_json::{Value, json};
use tongyou_client::PlatformClient;
use tongyou_core::api::{GateSignIn, PaymentMethod};
use tongyou_platform::config::DEMO_GATE_STAFF;

use crate::booking::{full_combo, place, request, tourist, visit_date};
use crate::platform;

#[derive(Debug, Clone, Copy)]
enum Who {
    A,
    B,
    Gate,
    Anonymous,
}

const EVERYONE: [Who; 4] = [Who::B, Who::Gate, Who::Anonymous, Who::A];

struct Row {
    method: reqwest::Method,
    path: String,
    body: Option<Value>,
    key: bool,
    /// Expected status for A, B, gate staff and anonymous.
    expect: [u16; 4],
}

fn row(method: reqwest::Method, path: &str, body: Option<Value>, expect: [u16; 4]) -> Row {
    Row {
        method,
        path: path.to_owned(),
        body,
        key: false,
        expect,
    }
}

#[tokio::test]
async fn every_endpoint_answers_each_caller_as_it_should() {
    use reqwest::Method as M;
    let dir = tempfile::tempdir().unwrap();
    let p = platform(&dir).await;
    let url = p.url();
    let a = tourist(&url, "13800138050").await;
    let b = tourist(&url, "13800138051").await;
    let gate = {
        let c = PlatformClient::new(&url).unwrap();
        c.request_code(DEMO_GATE_STAFF).await.unwrap();
        let code = c.dev_sign_in_code(DEMO_GATE_STAFF).await.unwrap();
        let sign_in = GateSignIn {
            mobile: DEMO_GATE_STAFF.into(),
            code,
            region_id: "huangshan".into(),
            gate_id: "south-gate".into(),
        };
        c.gate_sign_in(&sign_in).await.unwrap().session.token
    };
    let a_order = place(&a, "a1", &request(&a, full_combo(), PaymentMethod::Wallet)).await;
    let a_waiting = place(&a, "a2", &request(&a, full_combo(), PaymentMethod::Alipay)).await;
    let a_traveller = a.client.travellers(&a.token).await.unwrap()[0].id;
    let order_body =
        serde_json::to_value(request(&a, full_combo(), PaymentMethod::Wallet)).unwrap();
    let date = visit_date();
    let plan = json!({
        "region_id": "huangshan", "start": date, "days": 1,
        "party": { "adults": 2, "children": [], "seniors": 0 }, "profile": "leisure"
    });
    let traveller = json!({
        "name": "王五", "id_kind": "passport", "id_number": "E12345678", "birth_date": "1990-01-01",
        "consent": tongyou_core::privacy::NOTICE_VERSION
    });
    let bad_callback =
        json!({ "payment_id": a_waiting.payment.id, "paid": true, "signature": "00" });
    let scans = json!({ "scans": [] });

    let rows = vec![
        // Public reads.
        row(M::GET, "/health", None, [200; 4]),
        row(M::GET, "/regions", None, [200; 4]),
        row(M::GET, "/regions/huangshan/catalog", None, [200; 4]),
        row(
            M::GET,
            &format!("/regions/huangshan/availability/{date}"),
            None,
            [200; 4],
        ),
        row(
            M::GET,
            &format!("/regions/huangshan/crowd/{date}"),
            None,
            [200; 4],
        ),
        row(
            M::GET,
            &format!("/regions/huangshan/gate-counts/{date}"),
            None,
            [200; 4],
        ),
        row(M::POST, "/plans", Some(plan), [200; 4]),
        row(M::GET, "/keys", None, [200; 4]),
        row(M::GET, "/openapi.json", None, [200; 4]),
        // A tourist's own things; another account's are not found.
        row(M::GET, "/travellers", None, [200, 200, 200, 401]),
        row(
            M::POST,
            "/travellers",
            Some(traveller),
            [201, 201, 201, 401],
        ),
        row(M::GET, "/orders", None, [200, 200, 200, 401]),
        row(M::GET, "/me/export", None, [200, 200, 200, 401]),
        // The event stream opens only for `Accept: text/event-stream` (`events.rs`).
        row(M::GET, "/events", None, [406, 406, 406, 401]),
        row(
            M::GET,
            &format!("/orders/{}", a_order.id),
            None,
            [200, 404, 404, 401],
        ),
        // B and the gate name A's traveller, which they do not have.
        Row {
            key: true,
            ..row(M::POST, "/orders", Some(order_body), [201, 422, 422, 401])
        },
        // Gate rights: only the gate sign-in's session.
        row(M::GET, "/gate/revocations", None, [403, 403, 200, 401]),
        row(M::GET, "/gate/scans", None, [403, 403, 200, 401]),
        row(M::POST, "/gate/scans", Some(scans), [403, 403, 200, 401]),
        // A callback must carry the provider's signature, whoever sends it.
        row(M::POST, "/payments/callback", Some(bad_callback), [401; 4]),
        // Uses something up: the owner goes last.
        row(
            M::DELETE,
            &format!("/travellers/{a_traveller}"),
            None,
            [204, 404, 404, 401],
        ),
        Row {
            key: true,
            ..row(
                M::POST,
                &format!("/orders/{}/cancel", a_order.id),
                None,
                [200, 404, 404, 401],
            )
        },
        // A's Alipay order still waits for its payment, which holds A's deletion back;
        // B and the gate staff delete theirs.
        row(M::DELETE, "/me", None, [409, 204, 204, 401]),
        row(M::DELETE, "/auth/sessions", None, [204, 401, 401, 401]),
    ];

    let http = reqwest::Client::new();
    let mut wrong = Vec::new();
    for (n, r) in rows.iter().enumerate() {
        for who in EVERYONE {
            let mut send = http.request(r.method.clone(), format!("{url}/api/v1{}", r.path));
            let token = match who {
                Who::A => Some(&a.token),
                Who::B => Some(&b.token),
                Who::Gate => Some(&gate),
                Who::Anonymous => None,
            };
            if let Some(token) = token {
                send = send.bearer_auth(token);
            }
            if r.key {
                send = send.header("idempotency-key", format!("matrix-{n}-{who:?}"));
            }
            if let Some(body) = &r.body {
                send = send.json(body);
            }
            let got = send.send().await.unwrap().status().as_u16();
            let expected = r.expect[who as usize];
            if got != expected {
                wrong.push(format!(
                    "{} {} as {who:?}: {got}, expected {expected}",
                    r.method, r.path
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    p.stop().await;
}

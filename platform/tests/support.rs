//! Support through the real client: trip shares (made, read, ended, expired), support cases
//! and their chat, the agents' console (cookie session, CSRF, claim races, hand-over), and
//! who may reach what — each refused call refused with its exact status and no data.

use chrono::{DateTime, Duration, Utc};
use tongyou_client::{ConsoleClient, EventMessage, PlatformClient};
use tongyou_core::api::{
    AgentRole, AgentWayOut, ApplyWayOut, Author, Case, CaseCategory, CaseRequest, CaseState,
    GateScan, Order, PassState, PaymentMethod, Provider, RefundLine, ReissuePass, ShareRequest,
    SubOrder, SupportAudit,
};

use tongyou_core::catalog::{Fen, GeoPoint};

use crate::api_error;
use crate::booking::{Tourist, full_combo, place, request, tourist, visit_date};

const AGENT_PASSWORD: &str = "demo-agent-password";
const SUPERVISOR_PASSWORD: &str = "demo-supervisor-password";

fn share_until(trip_id: &str, from_now: Duration) -> ShareRequest {
    ShareRequest {
        trip_id: trip_id.into(),
        expires_at: (Utc::now() + from_now).to_rfc3339(),
    }
}

async fn booked(url: &str, mobile: &str) -> (Tourist, String) {
    let t = tourist(url, mobile).await;
    let order = place(&t, "k1", &request(&t, full_combo(), PaymentMethod::Wallet)).await;
    (t, format!("huangshan-{}", order.id))
}

async fn console(url: &str, login: &str, password: &str) -> ConsoleClient {
    let c = PlatformClient::new(url).unwrap().console();
    c.sign_in(login, password).await.unwrap();
    c
}

fn help(category: CaseCategory, trip_id: Option<&str>, message: &str) -> CaseRequest {
    CaseRequest {
        category,
        message: message.into(),
        trip_id: trip_id.map(str::to_owned),
        item: None,
        location: Some(GeoPoint {
            lat: 30.13,
            lon: 118.17,
        }),
        asked_at: None,
    }
}

#[tokio::test]
async fn a_share_opens_the_trip_read_only_until_ended_and_lists_every_view() {
    let dir = tempfile::tempdir().unwrap();
    let p = crate::platform(&dir).await;
    let (t, trip_id) = booked(&p.url(), "13800138601").await;
    let share = t
        .client
        .share_trip(&t.token, &share_until(&trip_id, Duration::hours(72)))
        .await
        .unwrap();
    let path = share
        .path
        .clone()
        .expect("the made share carries its address");
    assert!(path.starts_with("/s/") && path.len() == 3 + 64, "{path}");
    assert!(share.live);

    // Anyone with the address reads the trip: every item, every pass, nothing personal.
    let anyone = PlatformClient::new(&p.url()).unwrap();
    let shared = anyone.shared_trip(&path).await.unwrap();
    assert_eq!(shared.trip.trip_id, trip_id);
    assert!(shared.trip.items.len() >= 5, "{:?}", shared.trip.items);
    assert!(!shared.passes.is_empty());
    assert!(shared.passes.iter().all(|p| p.state == PassState::Valid));
    let json = serde_json::to_string(&shared).unwrap();
    for secret in [
        "110105198912310028",
        "110105201603150029",
        "13800138601",
        "张三",
    ] {
        assert!(!json.contains(secret), "the share leaks {secret}");
    }
    assert!(json.contains("张*"), "holders are shown masked");
    let (status, zh) = anyone.share_page(&path, "zh").await.unwrap();
    assert_eq!(status, 200);
    assert!(zh.contains("共享行程") && zh.contains("已确认"), "{zh}");
    let (_, en) = anyone.share_page(&path, "en").await.unwrap();
    assert!(
        en.contains("shared trip") && en.contains("confirmed"),
        "{en}"
    );
    assert!(!en.contains("110105198912310028"));

    // The owner sees each read; the list never carries the address again.
    let mine = t.client.shares(&t.token).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].path, None);
    assert_eq!(mine[0].views.len(), 3, "{:?}", mine[0].views);
    assert!(
        mine[0]
            .views
            .iter()
            .all(|v| v.who == "link" && v.what == "viewed")
    );

    // Another tourist can neither read the list's share nor end it.
    let other = tourist(&p.url(), "13800138602").await;
    assert!(other.client.shares(&other.token).await.unwrap().is_empty());
    let (status, _) = api_error(other.client.end_share(&other.token, share.id).await);
    assert_eq!(status, 404);

    // Ended: the address answers as if it never was, at once.
    let ended = t.client.end_share(&t.token, share.id).await.unwrap();
    assert!(!ended.live && ended.ended_at.is_some());
    let (status, error) = api_error(anyone.shared_trip(&path).await);
    assert_eq!((status, error.message.as_str()), (404, "not found"));
    let (status, page) = anyone.share_page(&path, "en").await.unwrap();
    assert_eq!(status, 404);
    assert!(page.contains("This share has ended"), "{page}");
    let (status, _) = api_error(anyone.shared_trip(&format!("/s/{}", "0".repeat(64))).await);
    assert_eq!(status, 404, "a guessed token is a plain 404");

    // The account's export has the share with every view, and no token.
    let export = t.client.export_account(&t.token).await.unwrap();
    assert_eq!(export.shares.len(), 1);
    assert_eq!(
        (export.shares[0].id, export.shares[0].views.len()),
        (share.id, 3)
    );
    assert!(
        !serde_json::to_string(&export)
            .unwrap()
            .contains(path.trim_start_matches("/s/"))
    );
}

#[tokio::test]
async fn a_share_expires_and_its_expiry_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let p = crate::platform(&dir).await;
    let (t, trip_id) = booked(&p.url(), "13800138611").await;
    for (asked, says) in [
        (Duration::hours(-1), "The expiry is in the past"),
        (Duration::days(31), "A share lasts at most 30 days"),
    ] {
        let (status, error) = api_error(
            t.client
                .share_trip(&t.token, &share_until(&trip_id, asked))
                .await,
        );
        assert_eq!(status, 422);
        assert_eq!(error.fields[0].field, "expires_at");
        assert_eq!(error.fields[0].message.en, says);
    }
    let (status, error) = api_error(
        t.client
            .share_trip(
                &t.token,
                &share_until("huangshan-999999", Duration::hours(1)),
            )
            .await,
    );
    assert_eq!((status, error.fields[0].field.as_str()), (422, "trip_id"));

    // A share of two seconds: read, then gone once the platform's clock passes it.
    let short = t
        .client
        .share_trip(&t.token, &share_until(&trip_id, Duration::seconds(2)))
        .await
        .unwrap();
    let path = short.path.unwrap();
    t.client.shared_trip(&path).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let (status, _) = api_error(t.client.shared_trip(&path).await);
    assert_eq!(status, 404);
    assert!(!t.client.shares(&t.token).await.unwrap()[0].live);
}

#[tokio::test]
async fn a_case_lands_once_queues_by_urgency_and_becomes_a_chat() {
    let dir = tempfile::tempdir().unwrap();
    let p = crate::platform(&dir).await;
    let (t, trip_id) = booked(&p.url(), "13800138621").await;
    let other = tourist(&p.url(), "13800138622").await;

    // An outbox sends the same case three times: one case.
    let asked = help(
        CaseCategory::Booking,
        Some(&trip_id),
        "  酒店说没有我们的房间  ",
    );
    let first = t
        .client
        .open_case(&t.token, "case-1", &asked)
        .await
        .unwrap();
    for _ in 0..2 {
        let again = t
            .client
            .open_case(&t.token, "case-1", &asked)
            .await
            .unwrap();
        assert_eq!(again.id, first.id);
    }
    assert_eq!(t.client.cases(&t.token).await.unwrap().len(), 1);
    assert_eq!(first.state, CaseState::Waiting);
    assert_eq!(first.messages.len(), 1);
    assert_eq!(first.messages[0].text, "酒店说没有我们的房间");
    assert!(first.share_id.is_some(), "the trip is shared with the case");
    // A later refusal at a gate, one tap and no words, goes first.
    let gate = other
        .client
        .open_case(
            &other.token,
            "case-1",
            &help(CaseCategory::GateRefused, None, ""),
        )
        .await
        .unwrap();
    let agent = console(&p.url(), "agent", AGENT_PASSWORD).await;
    let queue = agent.queue().await.unwrap();
    assert_eq!(
        queue.iter().map(|q| q.case_id).collect::<Vec<_>>(),
        vec![gate.id, first.id]
    );
    assert_eq!(queue[0].urgent.as_ref().unwrap().en, "Refused at a gate");
    assert_eq!(queue[1].urgent, None);
    assert_eq!(queue[1].unread, 1);
    assert_eq!(
        queue[1].last_message.as_deref(),
        Some("酒店说没有我们的房间")
    );

    // Two agents claim the same case at once: one gets it.
    let supervisor = console(&p.url(), "supervisor", SUPERVISOR_PASSWORD).await;
    let (a, b) = tokio::join!(agent.claim(first.id), supervisor.claim(first.id));
    assert!(
        a.is_ok() != b.is_ok(),
        "exactly one claim wins: {a:?} {b:?}"
    );
    let (status, _) = api_error(if a.is_ok() { b } else { a });
    assert_eq!(status, 409);
    let holder = agent.queue().await.unwrap();
    let line = holder.iter().find(|q| q.case_id == first.id).unwrap();
    assert_eq!(line.state, CaseState::Claimed);
    // Whoever won, the case goes to the agent for the rest of the test.
    if line.agent.as_deref() != Some("小林 Lin") {
        supervisor.hand_over(first.id, "agent").await.unwrap();
    }

    // The agent sees the trip with every sub-order's status and where the tourist is.
    let detail = agent.case(first.id).await.unwrap();
    let trip = detail.trip.as_ref().expect("the share is live");
    assert_eq!(trip.trip.trip_id, trip_id);
    assert!(!trip.passes.is_empty());
    assert_eq!(detail.location.map(|l| l.lat), Some(30.13));
    assert_eq!(detail.case.unread, 0, "opening the case reads it");

    // The chat, both ways, with unread counts.
    agent
        .say(first.id, "您好，我来帮您联系酒店。")
        .await
        .unwrap();
    let seen = t.client.case(&t.token, first.id).await.unwrap();
    assert_eq!(seen.agent.as_deref(), Some("小林 Lin"));
    let said = seen
        .messages
        .iter()
        .rfind(|m| m.author == Author::Agent)
        .unwrap();
    assert_eq!(said.text, "您好，我来帮您联系酒店。");
    assert!(seen.unread >= 1);
    assert_eq!(
        t.client.read_case(&t.token, first.id).await.unwrap().unread,
        0
    );
    t.client.say(&t.token, first.id, "谢谢！").await.unwrap();
    let line = agent.queue().await.unwrap();
    assert_eq!(
        line.iter().find(|q| q.case_id == first.id).unwrap().unread,
        1
    );

    // The tourist sees the agent's views of the trip beside the share.
    let shares = t.client.shares(&t.token).await.unwrap();
    let share = shares
        .iter()
        .find(|s| Some(s.id) == first.share_id)
        .unwrap();
    assert_eq!(share.case_id, Some(first.id));
    assert!(
        share
            .views
            .iter()
            .any(|v| v.who == "小林 Lin" && v.what == "viewed")
    );

    // Its queue line says the share is live; ended, the line changes, so an open console
    // page learns it at once.
    let shared = |queue: &[tongyou_core::api::QueueEntry]| {
        queue
            .iter()
            .find(|l| l.case_id == first.id)
            .map(|l| l.shared)
    };
    assert_eq!(shared(&agent.queue().await.unwrap()), Some(true));
    let share_id = first.share_id.unwrap();
    t.client.end_share(&t.token, share_id).await.unwrap();
    assert_eq!(shared(&agent.queue().await.unwrap()), Some(false));

    // The account's export has the case with its chat.
    let export = t.client.export_account(&t.token).await.unwrap();
    let exported = export.cases.iter().find(|c| c.id == first.id).unwrap();
    assert_eq!(
        exported.messages,
        agent.case(first.id).await.unwrap().case.messages
    );

    // Closing the case ends its share: the agent keeps the chat but loses the trip.
    agent.close(first.id).await.unwrap();
    let after = agent.case(first.id).await.unwrap();
    assert_eq!(after.case.state, CaseState::Closed);
    assert!(after.trip.is_none());
    let (status, _) = api_error(t.client.say(&t.token, first.id, "还有一件事").await);
    assert_eq!(status, 409);
}

#[tokio::test]
async fn messages_that_are_empty_or_too_long_are_refused_by_field() {
    let dir = tempfile::tempdir().unwrap();
    let p = crate::platform(&dir).await;
    let t = tourist(&p.url(), "13800138631").await;
    let case = t
        .client
        .open_case(&t.token, "k", &help(CaseCategory::Other, None, ""))
        .await
        .unwrap();
    assert!(case.messages.is_empty(), "one tap, no words, is a case");
    for (text, field, says) in [
        ("   ", "text", "The message is empty"),
        (
            &*"长".repeat(10_000),
            "text",
            "A message is at most 2000 characters; this one has 10000",
        ),
    ] {
        let (status, error) = api_error(t.client.say(&t.token, case.id, text).await);
        assert_eq!(status, 422);
        assert_eq!(
            (
                error.fields[0].field.as_str(),
                error.fields[0].message.en.as_str()
            ),
            (field, says)
        );
    }
    let (status, error) = api_error(
        t.client
            .open_case(
                &t.token,
                "k2",
                &help(CaseCategory::Other, None, &"x".repeat(10_000)),
            )
            .await,
    );
    assert_eq!((status, error.fields[0].field.as_str()), (422, "message"));
    let agent = console(&p.url(), "agent", AGENT_PASSWORD).await;
    agent.claim(case.id).await.unwrap();
    let (status, error) = api_error(agent.say(case.id, "").await);
    assert_eq!((status, error.fields[0].field.as_str()), (422, "text"));
}

#[tokio::test]
async fn console_sign_in_is_a_strict_cookie_limited_per_login_with_csrf_on_writes() {
    let dir = tempfile::tempdir().unwrap();
    let p = crate::platform(&dir).await;
    let client = PlatformClient::new(&p.url()).unwrap();
    let cookies = client
        .console()
        .sign_in_cookie("agent", AGENT_PASSWORD)
        .await
        .unwrap();
    let cookie = cookies
        .iter()
        .find(|c| c.starts_with("tongyou_console="))
        .unwrap();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }

    // Five wrong passwords: each a plain 401; then the login waits, right password or not.
    let c = client.console();
    for _ in 0..4 {
        let (status, error) = api_error(c.sign_in("agent", "wrong password!!").await);
        assert_eq!(status, 401);
        assert!(
            error.message.contains("wrong login or password"),
            "{}",
            error.message
        );
    }
    let (status, _) = api_error(c.sign_in("nobody", "wrong password!!").await);
    assert_eq!(
        status, 401,
        "an unknown login answers like a wrong password"
    );
    let (status, _) = api_error(c.sign_in("agent", "wrong password!!").await);
    assert_eq!(status, 401);
    let (status, error) = api_error(c.sign_in("agent", AGENT_PASSWORD).await);
    assert_eq!(status, 429);
    assert!(error.message.contains("try again in"), "{}", error.message);
    // The other login is not locked by it.
    let supervisor = console(&p.url(), "supervisor", SUPERVISOR_PASSWORD).await;

    // A write without the CSRF token (a forged cross-site form) is refused; with it, taken.
    let t = tourist(&p.url(), "13800138641").await;
    let case = t
        .client
        .open_case(&t.token, "k", &help(CaseCategory::Other, None, "hi"))
        .await
        .unwrap();
    let (status, _) = api_error(supervisor.claim_without_csrf(case.id).await);
    assert_eq!(status, 403);
    // A reloaded page gets a fresh token; the old one stops working.
    let old = supervisor.session().unwrap();
    supervisor.me().await.unwrap();
    let stale = supervisor.clone();
    stale.keep(Some(old));
    let (status, _) = api_error(stale.claim(case.id).await);
    assert_eq!(status, 403);
    let fresh = console(&p.url(), "supervisor", SUPERVISOR_PASSWORD).await;
    fresh.claim(case.id).await.unwrap();

    // Signed out: the cookie no longer opens anything.
    let held = fresh.session();
    fresh.sign_out().await.unwrap();
    fresh.keep(held);
    let (status, _) = api_error(fresh.queue().await);
    assert_eq!(status, 401);
}

/// The status a call answered with.
fn status<T>(r: Result<T, tongyou_client::ClientError>) -> u16 {
    match r {
        Ok(_) => 200,
        Err(tongyou_client::ClientError::Api { status, .. }) => status,
        Err(e) => panic!("{e}"),
    }
}

/// Who may reach what: tourist A (the case's), tourist B, anonymous, the agent holding the
/// case, another agent and a supervisor, each call with its exact status; the audit log
/// records the allowed calls and none of the refused ones.
#[tokio::test]
async fn every_support_endpoint_answers_each_caller_exactly() {
    let dir = tempfile::tempdir().unwrap();
    // A second plain agent, made as an operator makes one: by the command, before start.
    let added = tongyou_platform::add_agent(
        &dir.path().join("platform.db"),
        "zhao",
        "赵 Zhao",
        AgentRole::Agent,
        "zhao's long password",
    );
    assert!(added.unwrap());
    let p = crate::platform(&dir).await;
    let url = p.url();
    let (a, trip_id) = booked(&url, "13800138651").await;
    let b = tourist(&url, "13800138652").await;
    let share = a
        .client
        .share_trip(&a.token, &share_until(&trip_id, Duration::hours(1)))
        .await
        .unwrap();
    let case = a
        .client
        .open_case(
            &a.token,
            "k",
            &help(CaseCategory::Transport, Some(&trip_id), "车没来"),
        )
        .await
        .unwrap();
    let anonymous = PlatformClient::new(&url).unwrap();

    // The tourist's endpoints: their own only, and nothing without a session.
    assert_eq!(status(a.client.case(&a.token, case.id).await), 200);
    assert_eq!(status(b.client.case(&b.token, case.id).await), 404);
    assert_eq!(status(anonymous.case("", case.id).await), 401);
    assert_eq!(status(b.client.say(&b.token, case.id, "hi").await), 404);
    assert_eq!(status(b.client.read_case(&b.token, case.id).await), 404);
    assert_eq!(status(anonymous.shares("").await), 401);
    assert_eq!(status(b.client.end_share(&b.token, share.id).await), 404);
    assert_eq!(
        status(
            b.client
                .share_trip(&b.token, &share_until(&trip_id, Duration::hours(1)))
                .await
        ),
        422,
        "another tourist's trip is no trip of theirs"
    );

    // The console: nothing without a session; a tourist's bearer token is no session.
    let nobody = anonymous.console();
    assert_eq!(status(nobody.queue().await), 401);
    assert_eq!(status(nobody.case(case.id).await), 401);
    assert_eq!(status(nobody.claim(case.id).await), 401);
    assert_eq!(status(nobody.audit().await), 401);
    let order_id: i64 = trip_id.trim_start_matches("huangshan-").parse().unwrap();
    let entry = a.client.order(&a.token, order_id).await.unwrap().passes[0]
        .pass_id
        .clone();
    let refund = RefundLine {
        order_id,
        line: "ticket:audio-guide".into(),
    };
    let reissue = ReissuePass {
        pass_id: entry.clone(),
    };
    let way = AgentWayOut {
        order_id,
        disruption_id: 999_999,
        way_out: "refund".into(),
    };
    // Every action of an agent on the trip: (refunds, refund, reissue, way out).
    let actions = |c: &ConsoleClient| {
        let c = c.clone();
        let (refund, reissue, way) = (refund.clone(), reissue.clone(), way.clone());
        async move {
            [
                status(c.refunds(case.id).await),
                status(c.refund(case.id, &refund).await),
                status(c.reissue(case.id, &reissue).await),
                status(c.way_out(case.id, &way).await),
            ]
        }
    };
    assert_eq!(actions(&nobody).await, [401; 4]);

    let holder = console(&url, "agent", AGENT_PASSWORD).await;
    let supervisor = console(&url, "supervisor", SUPERVISOR_PASSWORD).await;
    let second = console(&url, "zhao", "zhao's long password").await;

    // Before a claim no plain agent sees the trip; a supervisor may.
    assert_eq!(status(holder.case(case.id).await), 403);
    assert_eq!(status(holder.say(case.id, "hi").await), 403);
    assert_eq!(status(holder.close(case.id).await), 403);
    assert_eq!(
        status(holder.audit().await),
        403,
        "the audit log is for supervisors"
    );
    assert_eq!(status(holder.case(999_999).await), 404);
    let before = supervisor.audit().await.unwrap().len();
    assert_eq!(actions(&holder).await, [403; 4], "not claimed yet");
    assert_eq!(actions(&supervisor).await, [403; 4], "not theirs");

    assert_eq!(status(holder.claim(case.id).await), 200);
    assert_eq!(status(second.claim(case.id).await), 409);
    assert_eq!(
        status(second.case(case.id).await),
        403,
        "another agent's case"
    );
    assert_eq!(status(second.say(case.id, "hi").await), 403);
    assert_eq!(status(second.close(case.id).await), 403);
    assert_eq!(status(second.hand_over(case.id, "zhao").await), 403);
    assert_eq!(status(holder.case(case.id).await), 200);
    assert_eq!(status(holder.say(case.id, "马上到").await), 200);
    assert_eq!(status(supervisor.case(case.id).await), 200);
    let (code, _) = api_error(holder.hand_over(case.id, "nobody").await);
    assert_eq!(code, 422);
    // Acting on the trip: its holder alone, with the CSRF token on each write.
    assert_eq!(actions(&second).await, [403; 4], "another agent's case");
    assert_eq!(
        actions(&supervisor).await,
        [403; 4],
        "a supervisor acts on no case they do not hold"
    );
    let forged = anonymous.console();
    forged.keep(holder.session().map(|(cookie, _)| (cookie, String::new())));
    assert_eq!(status(forged.refund(case.id, &refund).await), 403);
    assert_eq!(status(forged.reissue(case.id, &reissue).await), 403);
    assert_eq!(status(forged.way_out(case.id, &way).await), 403);
    assert_eq!(status(holder.refunds(999_999).await), 404);
    let elsewhere = RefundLine {
        order_id: 999_999,
        ..refund.clone()
    };
    assert_eq!(status(holder.refund(case.id, &elsewhere).await), 404);
    assert_eq!(
        status(holder.way_out(case.id, &way).await),
        404,
        "no such disruption of the order"
    );
    assert_eq!(status(holder.refunds(case.id).await), 200);

    // The log: the allowed calls, in order, and none of the refused ones.
    let log = supervisor.audit().await.unwrap();
    let new: Vec<(String, String)> = log[..log.len() - before]
        .iter()
        .rev()
        .map(|l| (l.agent.clone(), l.action.clone()))
        .collect();
    let line = |agent: &str, action: &str| (agent.to_owned(), action.to_owned());
    assert_eq!(
        new,
        vec![
            line("agent", "claimed"),
            line("agent", "viewed"),
            line("agent", "viewed"),
            line("agent", "sent_message"),
            line("supervisor", "viewed"),
            line("agent", "viewed_refunds"),
        ]
    );
    assert!(
        log.iter()
            .all(|l| l.case_id.is_none() || l.case_id == Some(case.id))
    );

    // The tourist ends the share: the agent keeps the case but loses the trip at once.
    let shares = a.client.shares(&a.token).await.unwrap();
    let case_share = shares.iter().find(|s| s.case_id == Some(case.id)).unwrap();
    a.client.end_share(&a.token, case_share.id).await.unwrap();
    let detail = holder.case(case.id).await.unwrap();
    assert!(detail.trip.is_none());
    assert_eq!(detail.case.messages.last().unwrap().text, "马上到");

    // Nothing more is done on a trip no longer shared, nor on a closed case; none of it is
    // logged, and the order stays as it was.
    let before = supervisor.audit().await.unwrap().len();
    assert_eq!(actions(&holder).await, [409; 4], "the share ended");
    assert_eq!(status(holder.close(case.id).await), 200);
    let (code, error) = api_error(holder.refunds(case.id).await);
    assert_eq!((code, error.message.as_str()), (409, "this case is closed"));
    assert_eq!(actions(&holder).await, [409; 4], "the case is closed");
    assert_eq!(actions(&second).await, [403; 4]);
    let log = supervisor.audit().await.unwrap();
    assert_eq!(
        log[..log.len() - before]
            .iter()
            .map(|l| l.action.as_str())
            .collect::<Vec<_>>(),
        ["closed"]
    );
    let order = a.client.order(&a.token, order_id).await.unwrap();
    assert_eq!(order.payment.refunded, Fen(0));
    assert!(order.passes.iter().all(|p| p.state == PassState::Valid));
}

/// The next message of a stream that is not a heartbeat, or a failed test.
async fn next(stream: &mut tongyou_client::EventStream) -> tongyou_client::EventMessage {
    crate::events::next(stream).await
}

#[tokio::test]
async fn the_chat_arrives_live_on_both_streams_and_a_reconnect_starts_with_what_it_missed() {
    use tongyou_client::EventMessage;

    let dir = tempfile::tempdir().unwrap();
    let p = crate::platform(&dir).await;
    let (t, trip_id) = booked(&p.url(), "13800138661").await;
    let agent = console(&p.url(), "agent", AGENT_PASSWORD).await;
    let mut queue = agent.queue_stream().await.unwrap();
    assert_eq!(next(&mut queue).await, EventMessage::Queue(vec![]));
    let (mut events, _) = crate::events::live(&t.client, &t.token).await;

    // The tourist taps help: the console's queue shows the case.
    let case = t
        .client
        .open_case(
            &t.token,
            "k",
            &help(CaseCategory::GateRefused, Some(&trip_id), "闸机不认"),
        )
        .await
        .unwrap();
    let EventMessage::QueueChanges(changes) = next(&mut queue).await else {
        panic!("expected the queue's changes");
    };
    assert_eq!(changes.lines.len(), 1, "only the new line");
    assert!(changes.left.is_empty());
    assert_eq!(
        (changes.lines[0].case_id, changes.lines[0].unread),
        (case.id, 1)
    );

    // The agent claims and writes: the tourist's stream carries the case each time.
    let EventMessage::Case(opened) = next(&mut events).await else {
        panic!("expected the case");
    };
    assert_eq!((opened.id, opened.state), (case.id, CaseState::Waiting));
    agent.claim(case.id).await.unwrap();
    let claimed = loop {
        let EventMessage::Case(c) = next(&mut events).await else {
            panic!("expected the case");
        };
        if c.state == CaseState::Claimed {
            break c;
        }
    };
    assert_eq!(claimed.agent.as_deref(), Some("小林 Lin"));
    agent.say(case.id, "请出示身份证").await.unwrap();
    let said = loop {
        let EventMessage::Case(c) = next(&mut events).await else {
            panic!("expected the case");
        };
        if c.messages.iter().any(|m| m.text == "请出示身份证") {
            break c;
        }
    };
    assert!(said.unread >= 1);

    // The tourist answers: the console's line shows one unread.
    t.client.say(&t.token, case.id, "好的").await.unwrap();
    let unread = loop {
        let EventMessage::QueueChanges(changes) = next(&mut queue).await else {
            panic!("expected the queue's changes");
        };
        if let Some(line) = changes.lines.first()
            && line.last_message.as_deref() == Some("好的")
        {
            break line.unread;
        }
    };
    assert_eq!(unread, 1);

    // Offline meanwhile: a new stream starts with the case as it now is, carrying what
    // was missed, and then stays live.
    drop(events);
    agent.say(case.id, "已为您重新出票").await.unwrap();
    let (mut events, _) = crate::events::live(&t.client, &t.token).await;
    let EventMessage::Case(missed) = next(&mut events).await else {
        panic!("expected the case first");
    };
    assert_eq!(missed.id, case.id);
    assert_eq!(missed.messages.last().unwrap().text, "已为您重新出票");
    agent.say(case.id, "请走南门").await.unwrap();
    let EventMessage::Case(live) = next(&mut events).await else {
        panic!("expected the case");
    };
    assert_eq!(live.messages.last().unwrap().text, "请走南门");

    // Closed: the case leaves the queue.
    agent.close(case.id).await.unwrap();
    loop {
        let EventMessage::QueueChanges(changes) = next(&mut queue).await else {
            panic!("expected the queue's changes");
        };
        if changes.left == vec![case.id] {
            break;
        }
    }
}

/// `tongyou-platform agent add`, the real binary: the password from standard input, a
/// login made once and never overwritten, a short password refused by name; the agent
/// then signs in to a started platform, and no password shows on the command line.
#[tokio::test]
async fn the_agent_add_command_makes_an_account_once() {
    use std::io::Write;
    use std::process::{Command, Stdio};

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("platform.db");
    let add = |login: &str, password: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tongyou-platform"))
            .args(["agent", "add", "--db"])
            .arg(&db)
            .args([login, "周 Zhou", "supervisor"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        let out = child.wait_with_output().unwrap();
        let said = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), said)
    };
    let (made, said) = add("zhou", "a long enough secret");
    assert!(made, "{said}");
    assert!(said.contains("agent zhou added"), "{said}");
    let (again, said) = add("zhou", "another long secret!");
    assert!(!again);
    assert!(
        said.contains("already exists; it was left as it is"),
        "{said}"
    );
    let (short, said) = add("wu", "short");
    assert!(!short);
    assert!(
        said.contains("password: A password has at least 12 characters"),
        "{said}"
    );

    let p = crate::platform(&dir).await;
    let zhou = PlatformClient::new(&p.url()).unwrap().console();
    let (status, _) = api_error(zhou.sign_in("zhou", "another long secret!").await);
    assert_eq!(status, 401, "the first password stands");
    let me = zhou.sign_in("zhou", "a long enough secret").await.unwrap();
    assert_eq!(
        (me.name.as_str(), me.role),
        ("周 Zhou", AgentRole::Supervisor)
    );
}

/// A tourist with the full combo booked and paid, who asks for help on its trip; the agent
/// has claimed the case.
async fn helped(url: &str, mobile: &str) -> (Tourist, Order, Case, ConsoleClient) {
    let t = tourist(url, mobile).await;
    let order = place(&t, "k1", &request(&t, full_combo(), PaymentMethod::Wallet)).await;
    let trip_id = format!("huangshan-{}", order.id);
    let case = t
        .client
        .open_case(
            &t.token,
            "help-1",
            &help(CaseCategory::Booking, Some(&trip_id), "导览器坏了"),
        )
        .await
        .unwrap();
    let agent = console(url, "agent", AGENT_PASSWORD).await;
    agent.claim(case.id).await.unwrap();
    (t, order, case, agent)
}

fn scenic(order: &Order) -> &SubOrder {
    order
        .sub_orders
        .iter()
        .find(|s| s.provider == Provider::Scenic)
        .unwrap()
}

/// The audit lines about `case`, oldest first, as (action, detail).
async fn audited(supervisor: &ConsoleClient, case: i64) -> Vec<SupportAudit> {
    let mut lines: Vec<SupportAudit> = supervisor
        .audit()
        .await
        .unwrap()
        .into_iter()
        .filter(|l| l.case_id == Some(case))
        .collect();
    lines.reverse();
    lines
}

#[tokio::test]
async fn an_agent_refunds_one_line_under_its_rule_once() {
    let dir = tempfile::tempdir().unwrap();
    let p = crate::platform(&dir).await;
    let (t, order, case, agent) = helped(&p.url(), "13800138671").await;
    let audio = scenic(&order)
        .lines
        .iter()
        .find(|l| l.product_id == "audio-guide")
        .unwrap()
        .clone();
    let (mut events, _) = crate::events::live(&t.client, &t.token).await;

    // Every line of the trip with its rule; the visit is a week ahead, before the rule's
    // deadline, so all of it would go back.
    let options = agent.refunds(case.id).await.unwrap();
    let lines: Vec<&str> = options.iter().map(|o| o.line.as_str()).collect();
    for line in ["ticket:entry", "lift:yungu", "ticket:audio-guide"] {
        assert!(lines.contains(&line), "{lines:?}");
    }
    assert!(options.iter().any(|o| o.line.starts_with("hotel:")));
    assert!(options.iter().all(|o| o.blocked.is_none()), "{options:?}");
    let option = options
        .iter()
        .find(|o| o.line == "ticket:audio-guide")
        .unwrap();
    assert_eq!(
        (option.order_id, option.sub_order_id),
        (order.id, scenic(&order).id)
    );
    assert_eq!(option.name.en, "Audio guide rental");
    assert_eq!(
        option.rule.en,
        "Tickets and rentals: free until 17:00 the day before, then 80% back"
    );
    assert_eq!(
        (option.paid_fen, option.refund_fen),
        (audio.pay.0, audio.pay.0)
    );

    // Refunded: that line alone, its pass revoked, the tourist told in the chat.
    let refund = RefundLine {
        order_id: order.id,
        line: "ticket:audio-guide".into(),
    };
    let detail = agent.refund(case.id, &refund).await.unwrap();
    let yuan = audio.pay.display_yuan();
    let said = detail.case.messages.last().unwrap();
    assert_eq!(said.author, Author::System);
    assert_eq!(
        said.text,
        format!("已为您退款：语音导览器租赁 {yuan} · Refunded: Audio guide rental {yuan}")
    );
    let trip = detail.trip.expect("the share is live");
    for pass in &trip.passes {
        let revoked = pass.state == PassState::Revoked;
        assert_eq!(revoked, pass.name.en == "Audio guide rental", "{pass:?}");
    }
    let now = t.client.order(&t.token, order.id).await.unwrap();
    let sub = scenic(&now);
    assert_eq!(sub.refunded, audio.pay);
    assert_eq!(
        sub.note.as_ref().unwrap().en,
        format!("Support refunded {yuan} under the refund rule.")
    );
    assert_eq!(now.payment.refunded, audio.pay);
    let audio_pass = now
        .passes
        .iter()
        .find(|p| p.product_id == "audio-guide")
        .unwrap();
    assert_eq!(audio_pass.state, PassState::Revoked);

    // The tourist's app hears of it on the account's event stream, the order as it now is.
    let heard = loop {
        if let EventMessage::Event(event) = crate::events::next(&mut events).await
            && scenic(&event.order).refunded == audio.pay
        {
            break event;
        }
    };
    assert_eq!(heard.order_id, order.id);

    // The tourist sees the agent's actions beside the share; the log has them.
    let share = t
        .client
        .shares(&t.token)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.case_id == Some(case.id))
        .unwrap();
    let whats: Vec<&str> = share
        .views
        .iter()
        .filter(|v| v.who == "小林 Lin")
        .map(|v| v.what.as_str())
        .collect();
    assert_eq!(&whats[..2], ["refund", "viewed_refunds"], "{whats:?}");
    let supervisor = console(&p.url(), "supervisor", SUPERVISOR_PASSWORD).await;
    let log = audited(&supervisor, case.id).await;
    let line = log.iter().find(|l| l.action == "refund").unwrap();
    assert_eq!(line.agent, "agent");
    assert_eq!(line.share_id, Some(share.id));
    assert_eq!(
        line.detail.as_deref(),
        Some(format!("order {} ticket:audio-guide {yuan}", order.id).as_str())
    );

    // The same refund again moves nothing: the line says why.
    let (status, error) = api_error(agent.refund(case.id, &refund).await);
    assert_eq!(
        (status, error.message.as_str()),
        (409, "This line was refunded already")
    );
    let again = t.client.order(&t.token, order.id).await.unwrap();
    assert_eq!(again.payment.refunded, audio.pay);
    let options = agent.refunds(case.id).await.unwrap();
    let option = options
        .iter()
        .find(|o| o.line == "ticket:audio-guide")
        .unwrap();
    assert_eq!(option.refund_fen, 0);
    assert_eq!(
        option.blocked.as_ref().unwrap().en,
        "This line was refunded already"
    );
    let refunds = audited(&supervisor, case.id)
        .await
        .iter()
        .filter(|l| l.action == "refund")
        .count();
    assert_eq!(refunds, 1, "a refused call leaves no audit line");
    // A line the order does not have.
    let (status, error) = api_error(
        agent
            .refund(
                case.id,
                &RefundLine {
                    order_id: order.id,
                    line: "ticket:no-such".into(),
                },
            )
            .await,
    );
    assert_eq!((status, error.fields[0].field.as_str()), (422, "line"));

    // Cancelling the order later pays back the rest, never the line again.
    let cancelled = t
        .client
        .cancel_order(&t.token, "c1", order.id)
        .await
        .unwrap();
    assert_eq!(cancelled.payment.refunded, order.payment.amount);
}

#[tokio::test]
async fn an_agent_issues_a_pass_again_in_the_place_of_the_old_one() {
    let dir = tempfile::tempdir().unwrap();
    let p = crate::platform(&dir).await;
    let (t, order, case, agent) = helped(&p.url(), "13800138681").await;
    let entries: Vec<_> = order
        .passes
        .iter()
        .filter(|p| p.product_id == "entry")
        .collect();

    // The first guest's pass again: the old one revoked, a new one for the same holder,
    // product, day and slot.
    let old = entries[0];
    let detail = agent
        .reissue(
            case.id,
            &ReissuePass {
                pass_id: old.pass_id.clone(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        detail.case.messages.last().unwrap().text,
        "已为您重新出票：门票，原票作废 · A new pass was issued: Entry ticket; the old one no longer opens gates"
    );
    let now = t.client.order(&t.token, order.id).await.unwrap();
    let was = now
        .passes
        .iter()
        .find(|p| p.pass_id == old.pass_id)
        .unwrap();
    assert_eq!(was.state, PassState::Revoked);
    let fresh = now.passes.last().unwrap();
    assert_ne!(fresh.pass_id, old.pass_id);
    assert_eq!(fresh.state, PassState::Valid);
    assert_eq!(
        (
            &fresh.product_id,
            &fresh.holder,
            &fresh.date,
            fresh.slot,
            fresh.sub_order_id
        ),
        (
            &old.product_id,
            &old.holder,
            &old.date,
            old.slot,
            old.sub_order_id
        )
    );
    assert_ne!(fresh.code, old.code);
    let signed = tongyou_core::pass::read_unverified(&fresh.code).unwrap();
    assert_eq!(hex::encode(signed.pass_id), fresh.pass_id);
    assert_eq!(signed.party, read_party(&old.code));
    assert_eq!(now.passes.len(), order.passes.len() + 1);
    let audit = console(&p.url(), "supervisor", SUPERVISOR_PASSWORD).await;
    let line = audited(&audit, case.id)
        .await
        .into_iter()
        .find(|l| l.action == "reissued_pass")
        .unwrap();
    assert_eq!(
        line.detail.unwrap(),
        format!(
            "order {} pass {} -> {}",
            order.id, old.pass_id, fresh.pass_id
        )
    );

    // The first guest goes through the gate on the new pass.
    let gate = crate::gates::staff(&t.client, "south-gate").await;
    let scan = GateScan {
        nonce: format!("{:032x}", 1),
        region_id: "huangshan".into(),
        gate_id: "south-gate".into(),
        scanned_at: DateTime::<Utc>::from_timestamp(signed.valid_from + 12 * 3600, 0)
            .unwrap()
            .to_rfc3339(),
        pass_id: Some(fresh.pass_id.clone()),
        refusal: None,
        people: 1,
    };
    let upload = tongyou_core::api::ScanUpload { scans: vec![scan] };
    t.client.upload_scans(&gate, &upload).await.unwrap();

    // Only a valid pass is issued again: not the revoked one, nor the used one.
    for (pass, says) in [
        (&old.pass_id, "this pass is revoked"),
        (&fresh.pass_id, "this pass is used"),
    ] {
        let (status, error) = api_error(
            agent
                .reissue(
                    case.id,
                    &ReissuePass {
                        pass_id: pass.clone(),
                    },
                )
                .await,
        );
        assert_eq!(status, 409);
        assert!(error.message.starts_with(says), "{}", error.message);
    }
    let (status, _) = api_error(
        agent
            .reissue(
                case.id,
                &ReissuePass {
                    pass_id: "0".repeat(32),
                },
            )
            .await,
    );
    assert_eq!(status, 404);

    // The new pass stands in the old one's place: the first guest's entry counts as
    // used, so the entry line's refund is the other two guests'.
    let entry_lines: Vec<_> = scenic(&order)
        .lines
        .iter()
        .filter(|l| l.product_id == "entry")
        .collect();
    let option = agent
        .refunds(case.id)
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.line == "ticket:entry")
        .unwrap();
    assert_eq!(
        option.refund_fen,
        entry_lines[1].pay.0 + entry_lines[2].pay.0,
        "{option:?}"
    );
    assert_eq!(option.blocked, None);
}

fn read_party(code: &str) -> tongyou_core::pass::Party {
    tongyou_core::pass::read_unverified(code).unwrap().party
}

#[tokio::test]
async fn an_agent_applies_a_way_out_as_the_tourist_would() {
    let dir = tempfile::tempdir().unwrap();
    let p = crate::platform(&dir).await;
    let (t, order, case, agent) = helped(&p.url(), "13800138691").await;
    let op = PlatformClient::new(&p.url()).unwrap();
    op.request_code("13900139001").await.unwrap();
    let code = op.dev_sign_in_code("13900139001").await.unwrap();
    let op_token = op.sign_in("13900139001", &code).await.unwrap().token;
    let date: chrono::NaiveDate = visit_date().parse().unwrap();
    let next_day = (date + chrono::Days::new(1)).to_string();
    let storm = tongyou_core::api::DisruptionRequest {
        region_id: "huangshan".into(),
        kind: tongyou_core::api::DisruptionKind::AreaClosed,
        from: format!("{date}T00:00"),
        to: format!("{next_day}T00:00"),
        reason: tongyou_core::api::Text::new("暴雨预警", "A storm warning"),
    };
    let posted = op.post_disruption(&op_token, &storm).await.unwrap();
    // The case shows the agent what hits the trip and the ways out, as the tourist sees them.
    let seen = agent.case(case.id).await.unwrap();
    assert_eq!(seen.disruptions.len(), 1, "{:?}", seen.disruptions);
    assert_eq!(
        (
            seen.disruptions[0].order_id,
            seen.disruptions[0].disruption.id
        ),
        (order.id, posted.id)
    );
    let ways: Vec<&str> = seen.disruptions[0]
        .ways_out
        .iter()
        .map(|w| w.id.as_str())
        .collect();
    assert!(
        ways.contains(&"delay") && ways.contains(&"refund"),
        "{ways:?}"
    );
    let way = AgentWayOut {
        order_id: order.id,
        disruption_id: posted.id,
        way_out: "delay".into(),
    };
    let detail = agent.way_out(case.id, &way).await.unwrap();
    assert!(
        detail.disruptions.is_empty(),
        "taken: nothing left to choose"
    );
    let said = &detail.case.messages.last().unwrap().text;
    assert!(
        said.starts_with("已为您办理：") && said.contains(" · Done for you: "),
        "{said}"
    );
    let moved = t.client.order(&t.token, order.id).await.unwrap();
    assert_eq!(moved.date, next_day);
    assert!(t.client.disruptions(&t.token).await.unwrap().is_empty());
    // Taken once: the tourist's own try and the agent's second are refused.
    let (status, _) = api_error(agent.way_out(case.id, &way).await);
    assert_eq!(status, 409);
    let (status, _) = api_error(
        t.client
            .apply_way_out(
                &t.token,
                "d1",
                order.id,
                &ApplyWayOut {
                    disruption_id: posted.id,
                    way_out: "delay".into(),
                },
            )
            .await,
    );
    assert_eq!(status, 409);
    let supervisor = console(&p.url(), "supervisor", SUPERVISOR_PASSWORD).await;
    let taken: Vec<_> = audited(&supervisor, case.id)
        .await
        .into_iter()
        .filter(|l| l.action == "applied_way_out")
        .collect();
    assert_eq!(taken.len(), 1);
    assert_eq!(
        taken[0].detail.as_deref(),
        Some(format!("order {} disruption {} way delay", order.id, posted.id).as_str())
    );
}

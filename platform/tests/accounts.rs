use tongyou_client::PlatformClient;
use tongyou_core::api::{ErrorCode, IdKind, TravellerInput};

use crate::{api_error, platform, platform_with};

const MOBILE: &str = "13800138000";
const ID: &str = "11010519491231002X";

async fn signed_in(client: &PlatformClient) -> String {
    client.request_code(MOBILE).await.unwrap();
    let code = client.dev_sign_in_code(MOBILE).await.unwrap();
    client.sign_in(MOBILE, &code).await.unwrap().token
}

fn resident(name: &str, id: &str) -> TravellerInput {
    TravellerInput {
        name: name.into(),
        id_kind: IdKind::ResidentId,
        id_number: id.into(),
        birth_date: None,
        consent: Some(tongyou_core::privacy::NOTICE_VERSION.into()),
    }
}

#[tokio::test]
async fn sign_in_with_a_code_and_save_a_traveller() {
    let dir = tempfile::tempdir().unwrap();
    let p = platform(&dir).await;
    let client = PlatformClient::new(&p.url()).unwrap();
    let sent = client.request_code("138 0013 8000").await.unwrap();
    assert_eq!(sent.mobile, "138****8000");
    let code = client.dev_sign_in_code(MOBILE).await.unwrap();
    let session = client.sign_in(MOBILE, &code).await.unwrap();
    assert_eq!(session.mobile, "138****8000");

    let saved = client
        .add_traveller(&session.token, &resident("张三", ID))
        .await
        .unwrap();
    assert_eq!(saved.id_masked, "1101**********002X");
    assert_eq!(saved.birth_date, "1949-12-31");
    assert_eq!(
        client.travellers(&session.token).await.unwrap(),
        std::slice::from_ref(&saved)
    );
    client
        .remove_traveller(&session.token, saved.id)
        .await
        .unwrap();
    assert!(client.travellers(&session.token).await.unwrap().is_empty());
    // An id is never given out twice, so a late "remove N" cannot hit someone new.
    let again = client
        .add_traveller(&session.token, &resident("张三", ID))
        .await
        .unwrap();
    assert!(again.id > saved.id, "{} after {}", again.id, saved.id);
    p.stop().await;
}

#[tokio::test]
async fn a_bad_id_number_names_the_field_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let p = platform(&dir).await;
    let client = PlatformClient::new(&p.url()).unwrap();
    let token = signed_in(&client).await;
    let (status, error) = api_error(
        client
            .add_traveller(&token, &resident("李四", "110105194912310021"))
            .await,
    );
    assert_eq!(status, 422);
    assert_eq!(error.code, ErrorCode::Invalid);
    assert_eq!(error.fields.len(), 1);
    assert_eq!(error.fields[0].field, "id_number");
    assert!(
        error.fields[0].message.zh.contains("校验位"),
        "{:?}",
        error.fields[0]
    );
    assert!(
        error.fields[0].message.en.contains("check digit"),
        "{:?}",
        error.fields[0]
    );
    assert!(
        client.travellers(&token).await.unwrap().is_empty(),
        "nothing saved"
    );
    p.stop().await;
}

#[tokio::test]
async fn the_full_id_number_is_never_returned_or_stored_in_plain_text() {
    let dir = tempfile::tempdir().unwrap();
    let p = platform(&dir).await;
    let client = PlatformClient::new(&p.url()).unwrap();
    let token = signed_in(&client).await;
    client
        .add_traveller(&token, &resident("张三", ID))
        .await
        .unwrap();
    let raw = reqwest::Client::new()
        .get(format!("{}/api/v1/travellers", p.url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(raw.contains("002X") && !raw.contains(ID), "{raw}");
    p.stop().await;
    for file in ["platform.db", "platform.db-wal"] {
        let bytes = std::fs::read(dir.path().join(file)).unwrap_or_default();
        assert!(
            !bytes.windows(ID.len()).any(|w| w == ID.as_bytes()),
            "{file} holds the ID in plain text"
        );
    }
}

#[tokio::test]
async fn travellers_need_a_session() {
    let dir = tempfile::tempdir().unwrap();
    let p = platform(&dir).await;
    let client = PlatformClient::new(&p.url()).unwrap();
    let (status, error) = api_error(client.travellers("not-a-token").await);
    assert_eq!((status, error.code), (401, ErrorCode::Unauthorized));
    let (status, _) = api_error(client.sign_in(MOBILE, "123456").await);
    assert_eq!(status, 401);
    p.stop().await;
}

#[tokio::test]
async fn codes_are_not_resent_within_a_minute_and_numbers_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let p = platform(&dir).await;
    let client = PlatformClient::new(&p.url()).unwrap();
    client.request_code(MOBILE).await.unwrap();
    let (status, error) = api_error(client.request_code(MOBILE).await);
    assert_eq!((status, error.code), (429, ErrorCode::TooManyRequests));
    let (status, error) = api_error(client.request_code("1380013800").await);
    assert_eq!(status, 422);
    assert_eq!(error.fields[0].field, "mobile");
    assert!(error.fields[0].message.zh.contains("11 位"));
    p.stop().await;
}

#[tokio::test]
async fn a_malformed_body_answers_in_the_api_error_shape() {
    let dir = tempfile::tempdir().unwrap();
    let p = platform(&dir).await;
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/code", p.url()))
        .header("content-type", "application/json")
        .body("{\"phone\": 1}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let error: tongyou_core::api::ApiError = response.json().await.unwrap();
    assert_eq!(error.code, ErrorCode::Invalid);
    assert!(error.message.contains("mobile"), "{}", error.message);
    p.stop().await;
}

#[tokio::test]
async fn a_limited_request_says_when_to_come_back() {
    let dir = tempfile::tempdir().unwrap();
    let p = platform_with(&dir, |c| {
        c.limits.sign_ins_per_address =
            tongyou_platform::limits::Limit::new(2, chrono::Duration::hours(1))
    })
    .await;
    let url = format!("{}/api/v1/auth/session", p.url());
    let http = reqwest::Client::new();
    let body = serde_json::json!({ "mobile": MOBILE, "code": "000000" });
    for _ in 0..2 {
        let answer = http.post(&url).json(&body).send().await.unwrap();
        assert_eq!(answer.status(), 401);
    }
    let answer = http.post(&url).json(&body).send().await.unwrap();
    assert_eq!(answer.status(), 429);
    let wait: i64 = answer.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&wait), "Retry-After: {wait}");
    let error: tongyou_core::api::ApiError = answer.json().await.unwrap();
    assert_eq!(error.code, ErrorCode::TooManyRequests);

    // The one-minute resend wait says so too.
    let client = PlatformClient::new(&p.url()).unwrap();
    client.request_code(MOBILE).await.unwrap();
    let again = http
        .post(format!("{}/api/v1/auth/code", p.url()))
        .json(&serde_json::json!({ "mobile": MOBILE }))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 429);
    assert!(again.headers().contains_key("retry-after"));
    p.stop().await;
}

#[tokio::test]
async fn signing_out_ends_the_session_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let p = platform(&dir).await;
    let client = PlatformClient::new(&p.url()).unwrap();
    let token = signed_in(&client).await;
    // Seen once, so the platform now answers it from memory.
    client.travellers(&token).await.unwrap();
    client.sign_out(&token).await.unwrap();
    let (status, _) = api_error(client.travellers(&token).await);
    assert_eq!(status, 401, "the signed-out token no longer works");
    // Signing out again is answered plainly; with no token it is refused.
    client.sign_out(&token).await.unwrap();
    let (status, _) = api_error(client.sign_out_everywhere("").await);
    assert_eq!(status, 401);

    // Everywhere: every session of the account goes, the one in memory at once.
    let other = PlatformClient::new(&p.url()).unwrap();
    let code = {
        // The one-minute resend wait does not apply to another number.
        other.request_code("13900139001").await.unwrap();
        other.dev_sign_in_code("13900139001").await.unwrap()
    };
    let second = other.sign_in("13900139001", &code).await.unwrap().token;
    other.travellers(&second).await.unwrap();
    other.sign_out_everywhere(&second).await.unwrap();
    let (status, _) = api_error(other.travellers(&second).await);
    assert_eq!(status, 401);
    p.stop().await;
}

/// A tourist exports what the platform holds of them, then deletes the account: the
/// travellers, ID numbers, sessions and the number go; the orders stay for accounting
/// with nothing personal beyond masked names; the number can start afresh.
#[tokio::test]
async fn a_tourist_exports_their_data_and_deletes_the_account() {
    use tongyou_core::api::PaymentMethod;
    let (dir, p, t) = crate::booking::fresh("13800138070").await;
    let order = crate::booking::place(
        &t,
        "k",
        &crate::booking::request(&t, crate::booking::full_combo(), PaymentMethod::Wallet),
    )
    .await;
    let export = t.client.export_account(&t.token).await.unwrap();
    assert_eq!(export.mobile, "138****8070");
    assert_eq!(export.travellers.len(), 3);
    assert_eq!(export.orders.len(), 1);
    assert_eq!(export.orders[0].id, order.id);
    assert_eq!(export.sessions, 1);
    assert_eq!(
        export.consent.as_ref().map(|c| c.0.as_str()),
        Some(tongyou_core::privacy::NOTICE_VERSION)
    );
    let json = serde_json::to_string(&export).unwrap();
    assert!(!json.contains("110105198912310028"), "no full ID number");

    // An order still waiting for its payment holds the deletion back.
    let waiting = crate::booking::place(
        &t,
        "k2",
        &crate::booking::request(&t, crate::booking::full_combo(), PaymentMethod::Alipay),
    )
    .await;
    assert_eq!(api_error(t.client.delete_account(&t.token).await).0, 409);
    t.client
        .cancel_order(&t.token, "c", waiting.id)
        .await
        .unwrap();

    t.client.delete_account(&t.token).await.unwrap();
    assert_eq!(api_error(t.client.travellers(&t.token).await).0, 401);
    let db = rusqlite::Connection::open(dir.path().join("platform.db")).unwrap();
    let count = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT COUNT(*) FROM traveller"), 0);
    assert_eq!(count("SELECT COUNT(*) FROM session"), 0);
    assert_eq!(
        count("SELECT COUNT(*) FROM account WHERE mobile = '13800138070'"),
        0
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM booking_order"),
        2,
        "kept for accounting"
    );
    let travellers_json: String = db
        .query_row(
            "SELECT travellers_json FROM booking_order WHERE id = ?1",
            [order.id],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!travellers_json.contains("holder_hash"));
    assert!(!travellers_json.contains("110105"));

    // The same number starts afresh, with nothing of the old account.
    let again = crate::booking::tourist(&p.url(), "13800138070").await;
    assert!(again.client.orders(&again.token).await.unwrap().is_empty());
    let fresh = again.client.export_account(&again.token).await.unwrap();
    assert_ne!(fresh.account_id, export.account_id);
    drop(db);
    p.stop().await;
}

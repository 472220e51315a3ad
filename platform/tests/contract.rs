//! The API's shape at its edges: every refusal answers in the `ApiError` JSON shape with
//! the status the OpenAPI document names, however malformed the request.

use tongyou_core::api::{ApiError, ErrorCode};

use crate::platform;

async fn json_error(response: reqwest::Response) -> (u16, ApiError) {
    let status = response.status().as_u16();
    let error: ApiError = response
        .json()
        .await
        .expect("the error answers in the ApiError shape");
    (status, error)
}

#[tokio::test]
async fn malformed_requests_answer_in_the_error_shape() {
    let dir = tempfile::tempdir().unwrap();
    let p = platform(&dir).await;
    let api = format!("{}/api/v1", p.url());
    let http = reqwest::Client::new();

    // A body past the limit.
    let huge = serde_json::json!({ "mobile": "1".repeat(2 * 1024 * 1024) });
    let (status, error) = json_error(
        http.post(format!("{api}/auth/code"))
            .json(&huge)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, error.code), (413, ErrorCode::Invalid));

    // A date that is no date.
    let (status, error) = json_error(
        http.get(format!("{api}/regions/huangshan/availability/2026-13-45"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, error.code), (422, ErrorCode::Invalid));

    // A method the endpoint does not take.
    let (status, _) = json_error(http.put(format!("{api}/regions")).send().await.unwrap()).await;
    assert_eq!(status, 405);

    // Dates in one form only: `+002026-12-10` is not a date here.
    let (status, error) = json_error(
        http.get(format!(
            "{api}/regions/huangshan/availability/+002026-12-10"
        ))
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!((status, error.fields[0].field.as_str()), (422, "date"));
    p.stop().await;
}

#[tokio::test]
async fn an_idempotency_key_has_a_length_limit() {
    let (_dir, p, t) = crate::booking::fresh("13800138040").await;
    let request = crate::booking::request(
        &t,
        crate::booking::full_combo(),
        tongyou_core::api::PaymentMethod::Wallet,
    );
    let http = reqwest::Client::new();
    for key in ["k".repeat(100 * 1024), "k".repeat(129), "has space".into()] {
        let (status, error) = json_error(
            http.post(format!("{}/api/v1/orders", p.url()))
                .bearer_auth(&t.token)
                .header("idempotency-key", key)
                .json(&request)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!((status, error.code), (400, ErrorCode::Invalid));
        assert!(error.message.contains("Idempotency-Key"));
    }
    // A path parameter that is not a number.
    let (status, error) = json_error(
        http.get(format!("{}/api/v1/orders/abc", p.url()))
            .bearer_auth(&t.token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, error.code), (400, ErrorCode::Invalid));
    // Nothing was ordered.
    assert!(t.client.orders(&t.token).await.unwrap().is_empty());
    let ok = t
        .client
        .place_order(&t.token, &"k".repeat(128), &request)
        .await;
    assert!(ok.is_ok());
    p.stop().await;
}

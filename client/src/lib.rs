//! The typed client of the platform's `/api/v1`. Nothing else in the project builds
//! platform requests by hand: the device (`tongyou-device`), the tests and the benchmarks
//! all use this.
//!
//! A platform that cannot be reached is [`ClientError::Offline`], distinct from the
//! platform answering with an error, because the app treats the two very differently.
//!
//! The account's live events come as an [`EventStream`] ([`PlatformClient::events`]),
//! read by a small server-sent events reader of its own (`sse`). The agents' console API
//! has its own [`ConsoleClient`], which keeps a cookie session as a browser does.

mod events;
mod guide;
mod sse;
mod support;

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use serde::de::DeserializeOwned;
use tongyou_core::api::{
    API_PREFIX, ApiError, Availability, CalendarFeed, CalendarFeedRequest, CashierAction,
    CatalogSnapshot, CodeRequest, CodeSent, CrowdForecast, ErrorCode, Fault, GateCount, GateScan,
    GateSession, GateSignIn, Health, Lang, Order, OrderRequest, Plan, PlanRequest, RegionSummary,
    RevocationDelta, ScanReceipt, ScanUpload, SensorReading, Session, SignIn, Traveller,
    TravellerInput, Vehicle,
};
use tongyou_core::api::{Affected, ApplyWayOut, AuditEntry, Disruption, DisruptionRequest};

pub use events::{EventMessage, EventStream, STREAM_SILENCE};
pub use support::{CSRF_HEADER, ConsoleClient, SESSION_COOKIE};

/// The header that makes a write safe to retry: the same key replays the first answer.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// No answer: no network, the platform down, or a time-out.
    #[error("platform unreachable: {0}")]
    Offline(String),
    /// The platform answered with an error.
    #[error("platform said {status}: {}", error.message)]
    Api { status: u16, error: ApiError },
    /// The platform answered something this client does not understand.
    #[error("unexpected answer from the platform: {0}")]
    Protocol(String),
    #[error("`{0}` is not a valid platform address")]
    BadUrl(String),
}

impl ClientError {
    pub fn is_offline(&self) -> bool {
        matches!(self, ClientError::Offline(_))
    }
}

#[derive(Debug, Clone)]
pub struct PlatformClient {
    base: String,
    http: reqwest::Client,
    /// For event streams, which stay open: no overall time-out, only one on silence.
    streams: reqwest::Client,
}

impl PlatformClient {
    /// `base` is the platform's root, such as `http://127.0.0.1:8787`.
    pub fn new(base: &str) -> Result<PlatformClient, ClientError> {
        let base = base.trim_end_matches('/');
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(ClientError::BadUrl(base.to_owned()));
        }
        let http = reqwest::Client::builder()
            // On a mountain a dead link should fail fast, not hang the sync for minutes.
            .connect_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        let streams = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .read_timeout(STREAM_SILENCE)
            .build()
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        Ok(PlatformClient {
            base: base.to_owned(),
            http,
            streams,
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    pub async fn health(&self) -> Result<Health, ClientError> {
        self.get_json("/health").await
    }

    pub async fn regions(&self) -> Result<Vec<RegionSummary>, ClientError> {
        self.get_json("/regions").await
    }

    /// A region's catalog; `Ok(None)` when `known_version` is still current.
    pub async fn catalog(
        &self,
        region_id: &str,
        known_version: Option<&str>,
    ) -> Result<Option<CatalogSnapshot>, ClientError> {
        let mut request = self
            .http
            .get(self.url(&format!("/regions/{region_id}/catalog")));
        if let Some(v) = known_version {
            request = request.header(IF_NONE_MATCH, format!("\"{v}\""));
        }
        let response = request.send().await.map_err(offline)?;
        if response.status() == StatusCode::NOT_MODIFIED {
            return Ok(None);
        }
        let etag = response
            .headers()
            .get(ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let snapshot: CatalogSnapshot = decode(response).await?;
        if etag.is_some_and(|e| e.trim_matches('"') != snapshot.version) {
            return Err(ClientError::Protocol(
                "ETag and catalog version differ".into(),
            ));
        }
        Ok(Some(snapshot))
    }

    /// Asks the platform to text a sign-in code to `mobile`.
    pub async fn request_code(&self, mobile: &str) -> Result<CodeSent, ClientError> {
        let body = CodeRequest {
            mobile: mobile.to_owned(),
        };
        decode(
            self.http
                .post(self.url("/auth/code"))
                .json(&body)
                .send()
                .await
                .map_err(offline)?,
        )
        .await
    }

    /// Dev-mode platforms only: the code last "texted" to `mobile`.
    pub async fn dev_sign_in_code(&self, mobile: &str) -> Result<String, ClientError> {
        #[derive(serde::Deserialize)]
        struct Code {
            code: String,
        }
        let code: Code = self
            .get_json(&format!("/dev/sign-in-code/{mobile}"))
            .await?;
        Ok(code.code)
    }

    pub async fn sign_in(&self, mobile: &str, code: &str) -> Result<Session, ClientError> {
        let body = SignIn {
            mobile: mobile.to_owned(),
            code: code.to_owned(),
        };
        decode(
            self.http
                .post(self.url("/auth/session"))
                .json(&body)
                .send()
                .await
                .map_err(offline)?,
        )
        .await
    }

    /// Ends this session on the platform.
    pub async fn sign_out(&self, token: &str) -> Result<(), ClientError> {
        let request = self
            .http
            .delete(self.url("/auth/session"))
            .bearer_auth(token);
        no_content(request.send().await.map_err(offline)?).await
    }

    /// Ends every session of the account, on every device.
    pub async fn sign_out_everywhere(&self, token: &str) -> Result<(), ClientError> {
        let request = self
            .http
            .delete(self.url("/auth/sessions"))
            .bearer_auth(token);
        no_content(request.send().await.map_err(offline)?).await
    }

    /// Everything the platform holds of the account (ID numbers masked).
    pub async fn export_account(
        &self,
        token: &str,
    ) -> Result<tongyou_core::api::AccountExport, ClientError> {
        let request = self.http.get(self.url("/me/export")).bearer_auth(token);
        decode(request.send().await.map_err(offline)?).await
    }

    /// Deletes the account's personal data; every session of it ends.
    pub async fn delete_account(&self, token: &str) -> Result<(), ClientError> {
        let request = self.http.delete(self.url("/me")).bearer_auth(token);
        no_content(request.send().await.map_err(offline)?).await
    }

    pub async fn travellers(&self, token: &str) -> Result<Vec<Traveller>, ClientError> {
        let response = self
            .http
            .get(self.url("/travellers"))
            .bearer_auth(token)
            .send()
            .await
            .map_err(offline)?;
        decode(response).await
    }

    pub async fn add_traveller(
        &self,
        token: &str,
        input: &TravellerInput,
    ) -> Result<Traveller, ClientError> {
        let request = self
            .http
            .post(self.url("/travellers"))
            .bearer_auth(token)
            .json(input);
        decode(request.send().await.map_err(offline)?).await
    }

    pub async fn remove_traveller(&self, token: &str, id: i64) -> Result<(), ClientError> {
        let request = self
            .http
            .delete(self.url(&format!("/travellers/{id}")))
            .bearer_auth(token);
        no_content(request.send().await.map_err(offline)?).await
    }

    /// Places a combo order and runs the booking saga. The answer is the order in
    /// whatever state the saga reached: confirmed, failed (nothing charged, with the
    /// reason), or awaiting payment at the provider's cashier. Retrying with the same
    /// `idempotency_key` is safe: it replays the first answer.
    pub async fn place_order(
        &self,
        token: &str,
        idempotency_key: &str,
        order: &OrderRequest,
    ) -> Result<Order, ClientError> {
        let request = self
            .http
            .post(self.url("/orders"))
            .bearer_auth(token)
            .header(IDEMPOTENCY_KEY, idempotency_key)
            .json(order);
        decode(request.send().await.map_err(offline)?).await
    }

    pub async fn orders(&self, token: &str) -> Result<Vec<Order>, ClientError> {
        let request = self.http.get(self.url("/orders")).bearer_auth(token);
        decode(request.send().await.map_err(offline)?).await
    }

    pub async fn order(&self, token: &str, id: i64) -> Result<Order, ClientError> {
        let request = self
            .http
            .get(self.url(&format!("/orders/{id}")))
            .bearer_auth(token);
        decode(request.send().await.map_err(offline)?).await
    }

    /// Cancels what can still be cancelled, refunding by each product's rule.
    pub async fn cancel_order(
        &self,
        token: &str,
        idempotency_key: &str,
        id: i64,
    ) -> Result<Order, ClientError> {
        let request = self
            .http
            .post(self.url(&format!("/orders/{id}/cancel")))
            .bearer_auth(token)
            .header(IDEMPOTENCY_KEY, idempotency_key);
        decode(request.send().await.map_err(offline)?).await
    }

    /// The account's orders an active disruption hits, each with its ways out.
    pub async fn disruptions(&self, token: &str) -> Result<Vec<Affected>, ClientError> {
        let request = self.http.get(self.url("/disruptions")).bearer_auth(token);
        decode(request.send().await.map_err(offline)?).await
    }

    /// Applies one way out of a disruption to an order; the same key replays it.
    pub async fn apply_way_out(
        &self,
        token: &str,
        idempotency_key: &str,
        order_id: i64,
        way: &ApplyWayOut,
    ) -> Result<Order, ClientError> {
        let request = self
            .http
            .post(self.url(&format!("/orders/{order_id}/disruption")))
            .bearer_auth(token)
            .header(IDEMPOTENCY_KEY, idempotency_key)
            .json(way);
        decode(request.send().await.map_err(offline)?).await
    }

    /// Operators: posts a disruption.
    pub async fn post_disruption(
        &self,
        token: &str,
        request: &DisruptionRequest,
    ) -> Result<Disruption, ClientError> {
        let request = self
            .http
            .post(self.url("/operator/disruptions"))
            .bearer_auth(token)
            .json(request);
        decode(request.send().await.map_err(offline)?).await
    }

    /// Operators: changes an active disruption.
    pub async fn update_disruption(
        &self,
        token: &str,
        id: i64,
        request: &DisruptionRequest,
    ) -> Result<Disruption, ClientError> {
        let request = self
            .http
            .put(self.url(&format!("/operator/disruptions/{id}")))
            .bearer_auth(token)
            .json(request);
        decode(request.send().await.map_err(offline)?).await
    }

    /// Operators: lifts a disruption.
    pub async fn lift_disruption(&self, token: &str, id: i64) -> Result<Disruption, ClientError> {
        let request = self
            .http
            .delete(self.url(&format!("/operator/disruptions/{id}")))
            .bearer_auth(token);
        decode(request.send().await.map_err(offline)?).await
    }

    /// Operators: the newest disruptions.
    pub async fn operator_disruptions(&self, token: &str) -> Result<Vec<Disruption>, ClientError> {
        let request = self
            .http
            .get(self.url("/operator/disruptions"))
            .bearer_auth(token);
        decode(request.send().await.map_err(offline)?).await
    }

    /// Operators: the newest lines of the audit log.
    pub async fn operator_audit(&self, token: &str) -> Result<Vec<AuditEntry>, ClientError> {
        let request = self
            .http
            .get(self.url("/operator/audit"))
            .bearer_auth(token);
        decode(request.send().await.map_err(offline)?).await
    }

    /// Opens a subscribable calendar of one of the account's trips, in `lang`. The feed's
    /// address ([`PlatformClient::feed_url`]) is known only from this answer; an earlier
    /// feed of the trip stops working.
    pub async fn open_calendar(
        &self,
        token: &str,
        trip_id: &str,
        lang: Lang,
    ) -> Result<CalendarFeed, ClientError> {
        let request = self
            .http
            .post(self.url(&format!("/trips/{trip_id}/calendar")))
            .bearer_auth(token)
            .json(&CalendarFeedRequest { lang });
        decode(request.send().await.map_err(offline)?).await
    }

    /// Ends the trip's calendar feed.
    pub async fn revoke_calendar(&self, token: &str, trip_id: &str) -> Result<(), ClientError> {
        let request = self
            .http
            .delete(self.url(&format!("/trips/{trip_id}/calendar")))
            .bearer_auth(token);
        no_content(request.send().await.map_err(offline)?).await
    }

    /// The address a calendar app subscribes to, as `https://…` (or `http://` for a
    /// platform on plain HTTP); [`webcal`] makes the link that opens a calendar app.
    pub fn feed_url(&self, feed: &CalendarFeed) -> String {
        format!("{}{}", self.base, feed.path)
    }

    /// What a calendar app reads at a feed's path: the iCalendar text.
    pub async fn calendar(&self, path: &str) -> Result<String, ClientError> {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .map_err(offline)?;
        let status = response.status();
        let body = response.bytes().await.map_err(offline)?;
        if !status.is_success() {
            return Err(api_error(status, &body));
        }
        String::from_utf8(body.to_vec()).map_err(|e| ClientError::Protocol(e.to_string()))
    }

    /// Opens the account's live event stream. With `last_event_id` (the last event this
    /// device applied) it first sends every kept event after it; without one, or when
    /// those are no longer all kept, it starts with [`EventMessage::Resync`]. Then each
    /// new event as it happens, and a heartbeat every 15 s. An account may have 8 streams
    /// open (429 past that): keep one per device and drop it when done.
    pub async fn events(
        &self,
        token: &str,
        last_event_id: Option<i64>,
    ) -> Result<EventStream, ClientError> {
        let mut request = self
            .streams
            .get(self.url("/events"))
            .bearer_auth(token)
            .header(ACCEPT, "text/event-stream");
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id.to_string());
        }
        event_stream(request.send().await.map_err(offline)?).await
    }

    /// Places left per entry slot on a date.
    pub async fn availability(
        &self,
        region_id: &str,
        date: &str,
    ) -> Result<Availability, ClientError> {
        self.get_json(&format!("/regions/{region_id}/availability/{date}"))
            .await
    }

    /// The simulated payment provider's cashier: pay or refuse a pending payment. Its
    /// result reaches the platform as a signed callback, as a real provider's would.
    pub async fn cashier(&self, payment_id: &str, approve: bool) -> Result<(), ClientError> {
        let response = self
            .http
            .post(self.url(&format!("/sim-pay/{payment_id}")))
            .json(&CashierAction { approve })
            .send()
            .await
            .map_err(offline)?;
        decode::<serde_json::Value>(response).await.map(drop)
    }

    /// Dev mode only: make a provider fail at a step until [`clear_faults`].
    ///
    /// [`clear_faults`]: PlatformClient::clear_faults
    pub async fn set_fault(&self, fault: Fault) -> Result<(), ClientError> {
        let response = self
            .http
            .post(self.url("/dev/faults"))
            .json(&fault)
            .send()
            .await
            .map_err(offline)?;
        decode::<serde_json::Value>(response).await.map(drop)
    }

    pub async fn clear_faults(&self) -> Result<(), ClientError> {
        let response = self
            .http
            .delete(self.url("/dev/faults"))
            .send()
            .await
            .map_err(offline)?;
        decode::<serde_json::Value>(response).await.map(drop)
    }

    /// Dev mode only: run the hold-expiry sweeper as if it were `at` (RFC 3339); returns
    /// how many holds it released.
    pub async fn dev_sweep(&self, at: &str) -> Result<usize, ClientError> {
        Ok(self.dev_sweep_all(at).await?.0)
    }

    /// Dev mode only: [`PlatformClient::dev_sweep`], also refunding the disruption cases
    /// whose ways out closed by `at`: (holds released, cases refunded).
    pub async fn dev_sweep_all(&self, at: &str) -> Result<(usize, usize), ClientError> {
        #[derive(serde::Deserialize)]
        struct Swept {
            released: usize,
            #[serde(default)]
            expired: usize,
        }
        let response = self
            .http
            .post(self.url("/dev/sweep"))
            .json(&serde_json::json!({ "at": at }))
            .send()
            .await
            .map_err(offline)?;
        let swept = decode::<Swept>(response).await?;
        Ok((swept.released, swept.expired))
    }

    /// Dev mode only: gives an order's shuttle booking its vehicle and driver, as the
    /// transport company would the evening before: the transport sub-order `sub_order_id`,
    /// or the order's one when `None`. Answers with the order.
    pub async fn dev_assign_vehicle(
        &self,
        order_id: i64,
        sub_order_id: Option<i64>,
        vehicle: &Vehicle,
    ) -> Result<Order, ClientError> {
        let body = serde_json::json!({
            "order_id": order_id,
            "sub_order_id": sub_order_id,
            "plate": vehicle.plate,
            "driver": vehicle.driver,
            "driver_phone": vehicle.driver_phone,
        });
        let response = self
            .http
            .post(self.url("/dev/vehicle"))
            .json(&body)
            .send()
            .await
            .map_err(offline)?;
        decode(response).await
    }

    /// Dev mode only: places held right now per provider module (`scenic`, `hotel`,
    /// `transport`); all zero once every hold is settled.
    pub async fn dev_held(&self) -> Result<std::collections::BTreeMap<String, u64>, ClientError> {
        self.get_json("/dev/held").await
    }

    /// The public keys that verify passes.
    pub async fn public_keys(&self) -> Result<Vec<tongyou_core::api::PublicKey>, ClientError> {
        self.get_json("/keys").await
    }

    /// Signs gate staff in for one gate. Only accounts the platform lists as gate staff
    /// of the region get a session (403 otherwise).
    pub async fn gate_sign_in(&self, sign_in: &GateSignIn) -> Result<GateSession, ClientError> {
        let request = self.http.post(self.url("/gate/session")).json(sign_in);
        decode(request.send().await.map_err(offline)?).await
    }

    /// The passes of the gate's region revoked after `since` (0 for all of them).
    pub async fn revocations(
        &self,
        gate_token: &str,
        since: i64,
    ) -> Result<RevocationDelta, ClientError> {
        let request = self
            .http
            .get(self.url("/gate/revocations"))
            .query(&[("since", since)])
            .bearer_auth(gate_token);
        decode(request.send().await.map_err(offline)?).await
    }

    /// Uploads a gate's scan log. Safe to repeat: the platform keeps one entry per nonce.
    pub async fn upload_scans(
        &self,
        gate_token: &str,
        upload: &ScanUpload,
    ) -> Result<ScanReceipt, ClientError> {
        let request = self
            .http
            .post(self.url("/gate/scans"))
            .bearer_auth(gate_token)
            .json(upload);
        decode(request.send().await.map_err(offline)?).await
    }

    /// The scans the platform has recorded for the gate's region, newest first.
    pub async fn gate_scans(&self, gate_token: &str) -> Result<Vec<GateScan>, ClientError> {
        let request = self
            .http
            .get(self.url("/gate/scans"))
            .bearer_auth(gate_token);
        decode(request.send().await.map_err(offline)?).await
    }

    /// People admitted per gate and hour in a region on a local date (`YYYY-MM-DD`).
    pub async fn gate_counts(
        &self,
        region_id: &str,
        date: &str,
    ) -> Result<Vec<GateCount>, ClientError> {
        self.get_json(&format!("/regions/{region_id}/gate-counts/{date}"))
            .await
    }

    /// Each sight's forecast crowding by hour on a region-local date (`YYYY-MM-DD`).
    pub async fn crowd(&self, region_id: &str, date: &str) -> Result<CrowdForecast, ClientError> {
        self.get_json(&format!("/regions/{region_id}/crowd/{date}"))
            .await
    }

    /// Three plans for a trip. When none is possible the answer is an `invalid` error whose
    /// one field names the blocking constraint.
    pub async fn plans(&self, request: &PlanRequest) -> Result<Vec<Plan>, ClientError> {
        let response = self.http.post(self.url("/plans")).json(request);
        decode(response.send().await.map_err(offline)?).await
    }

    /// Dev platforms only: feeds a simulated sensor's head count at a sight.
    pub async fn dev_sensor(&self, reading: &SensorReading) -> Result<(), ClientError> {
        let response = self
            .http
            .post(self.url("/dev/sensors"))
            .json(reading)
            .send()
            .await
            .map_err(offline)?;
        if response.status().is_success() {
            return Ok(());
        }
        decode::<serde_json::Value>(response).await.map(drop)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{API_PREFIX}{path}", self.base)
    }

    async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let response = self
            .http
            .get(self.url(path))
            .send()
            .await
            .map_err(offline)?;
        decode(response).await
    }
}

fn offline(e: reqwest::Error) -> ClientError {
    ClientError::Offline(e.to_string())
}

/// A feed address as the `webcal://` link that calendar apps open to subscribe.
pub fn webcal(url: &str) -> String {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    format!("webcal://{rest}")
}

async fn decode<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, ClientError> {
    let status = response.status();
    let body = response.bytes().await.map_err(offline)?;
    if status.is_success() {
        return serde_json::from_slice(&body).map_err(|e| ClientError::Protocol(e.to_string()));
    }
    Err(api_error(status, &body))
}

/// The platform's error answer: its `ApiError`, or the start of whatever else it sent.
fn api_error(status: StatusCode, body: &[u8]) -> ClientError {
    let error = serde_json::from_slice::<ApiError>(body).unwrap_or_else(|_| {
        ApiError::new(
            ErrorCode::Internal,
            String::from_utf8_lossy(body)
                .chars()
                .take(200)
                .collect::<String>(),
        )
    });
    ClientError::Api {
        status: status.as_u16(),
        error,
    }
}

/// An event stream's answer as an [`EventStream`], or the platform's error.
async fn event_stream(response: reqwest::Response) -> Result<EventStream, ClientError> {
    let status = response.status();
    if !status.is_success() {
        let body = response.bytes().await.map_err(offline)?;
        return Err(api_error(status, &body));
    }
    let is_stream = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"));
    if !is_stream {
        return Err(ClientError::Protocol(
            "the event stream answered with something else than text/event-stream".into(),
        ));
    }
    Ok(EventStream::new(response))
}

/// An answer with no body on success, else the platform's error.
async fn no_content(response: reqwest::Response) -> Result<(), ClientError> {
    if response.status().is_success() {
        return Ok(());
    }
    decode::<serde_json::Value>(response).await.map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_addresses_without_a_scheme() {
        assert!(matches!(
            PlatformClient::new("127.0.0.1:8787"),
            Err(ClientError::BadUrl(_))
        ));
        let c = PlatformClient::new("http://127.0.0.1:8787/").unwrap();
        assert_eq!(c.url("/regions"), "http://127.0.0.1:8787/api/v1/regions");
    }
}

//! Support: the tourist's shares and cases ([`PlatformClient`]), and the agents' console
//! API ([`ConsoleClient`]: a cookie session and a CSRF token on every write, as the console
//! page in a browser has them).

use std::sync::{Arc, Mutex};

use reqwest::header::{COOKIE, SET_COOKIE};
use tongyou_core::api::{
    AgentMe, AgentSignIn, AgentWayOut, Case, CaseDetail, CaseRequest, HandOver, MessageRequest,
    QueueEntry, RefundLine, RefundOption, ReissuePass, Share, ShareRequest, SharedTrip,
    SupportAudit,
};

use super::{ClientError, IDEMPOTENCY_KEY, PlatformClient, decode, offline};

/// The console's session cookie and the header its writes carry the CSRF token in.
pub const SESSION_COOKIE: &str = "tongyou_console";
pub const CSRF_HEADER: &str = "X-CSRF-Token";

impl PlatformClient {
    /// Shares one of the account's trips; the answer alone carries the address.
    pub async fn share_trip(
        &self,
        token: &str,
        request: &ShareRequest,
    ) -> Result<Share, ClientError> {
        let request = self
            .http
            .post(self.url("/shares"))
            .bearer_auth(token)
            .json(request);
        decode(request.send().await.map_err(offline)?).await
    }

    /// The account's shares with who reached each.
    pub async fn shares(&self, token: &str) -> Result<Vec<Share>, ClientError> {
        let request = self.http.get(self.url("/shares")).bearer_auth(token);
        decode(request.send().await.map_err(offline)?).await
    }

    /// Ends a share at once.
    pub async fn end_share(&self, token: &str, id: i64) -> Result<Share, ClientError> {
        let request = self
            .http
            .delete(self.url(&format!("/shares/{id}")))
            .bearer_auth(token);
        decode(request.send().await.map_err(offline)?).await
    }

    /// The trip behind a share's address (`/s/{token}` or the token alone), as anyone
    /// with the address reads it.
    pub async fn shared_trip(&self, path: &str) -> Result<SharedTrip, ClientError> {
        let share_token = path.rsplit('/').next().unwrap_or(path);
        self.get_json(&format!("/shared/{share_token}")).await
    }

    /// The share page's HTML, with its status.
    pub async fn share_page(&self, path: &str, lang: &str) -> Result<(u16, String), ClientError> {
        let response = self
            .http
            .get(format!("{}{path}?lang={lang}", self.base))
            .send()
            .await
            .map_err(offline)?;
        let status = response.status().as_u16();
        Ok((status, response.text().await.map_err(offline)?))
    }

    /// Opens a support case; the same key lands one case however often it is sent.
    pub async fn open_case(
        &self,
        token: &str,
        idempotency_key: &str,
        request: &CaseRequest,
    ) -> Result<Case, ClientError> {
        let request = self
            .http
            .post(self.url("/cases"))
            .bearer_auth(token)
            .header(IDEMPOTENCY_KEY, idempotency_key)
            .json(request);
        decode(request.send().await.map_err(offline)?).await
    }

    pub async fn cases(&self, token: &str) -> Result<Vec<Case>, ClientError> {
        let request = self.http.get(self.url("/cases")).bearer_auth(token);
        decode(request.send().await.map_err(offline)?).await
    }

    pub async fn case(&self, token: &str, id: i64) -> Result<Case, ClientError> {
        let request = self
            .http
            .get(self.url(&format!("/cases/{id}")))
            .bearer_auth(token);
        decode(request.send().await.map_err(offline)?).await
    }

    /// The tourist writes in their case.
    pub async fn say(&self, token: &str, id: i64, text: &str) -> Result<Case, ClientError> {
        let request = self
            .http
            .post(self.url(&format!("/cases/{id}/messages")))
            .bearer_auth(token)
            .json(&MessageRequest { text: text.into() });
        decode(request.send().await.map_err(offline)?).await
    }

    /// The tourist has read the case to its newest message.
    pub async fn read_case(&self, token: &str, id: i64) -> Result<Case, ClientError> {
        let request = self
            .http
            .post(self.url(&format!("/cases/{id}/read")))
            .bearer_auth(token);
        decode(request.send().await.map_err(offline)?).await
    }

    /// A console client on the same platform, not signed in.
    pub fn console(&self) -> ConsoleClient {
        ConsoleClient {
            platform: self.clone(),
            session: Arc::new(Mutex::new(None)),
        }
    }
}

/// The agents' console API. Keeps the session cookie and CSRF token it signed in with.
#[derive(Debug, Clone)]
pub struct ConsoleClient {
    platform: PlatformClient,
    session: Arc<Mutex<Option<(String, String)>>>,
}

impl ConsoleClient {
    /// Signs in; the cookie and the CSRF token are kept for the calls after.
    pub async fn sign_in(&self, login: &str, password: &str) -> Result<AgentMe, ClientError> {
        let response = self.send_sign_in(login, password).await?;
        let cookie = response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| {
                v.split(';')
                    .next()?
                    .trim()
                    .strip_prefix(SESSION_COOKIE)?
                    .strip_prefix('=')
                    .map(str::to_owned)
            });
        let me: AgentMe = decode(response).await?;
        let cookie = cookie.ok_or_else(|| ClientError::Protocol("no session cookie".into()))?;
        self.keep(Some((cookie, me.csrf.clone())));
        Ok(me)
    }

    /// The raw `Set-Cookie` of a sign-in, for tests of its attributes.
    pub async fn sign_in_cookie(
        &self,
        login: &str,
        password: &str,
    ) -> Result<Vec<String>, ClientError> {
        let response = self.send_sign_in(login, password).await?;
        Ok(response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect())
    }

    async fn send_sign_in(
        &self,
        login: &str,
        password: &str,
    ) -> Result<reqwest::Response, ClientError> {
        self.platform
            .http
            .post(self.platform.url("/console/session"))
            .json(&AgentSignIn {
                login: login.into(),
                password: password.into(),
            })
            .send()
            .await
            .map_err(offline)
    }

    pub async fn sign_out(&self) -> Result<(), ClientError> {
        let request = self.with_session(
            self.platform
                .http
                .delete(self.platform.url("/console/session")),
            true,
        );
        super::no_content(request.send().await.map_err(offline)?).await?;
        self.keep(None);
        Ok(())
    }

    /// The session and CSRF token this client holds, for tests that replay or drop them.
    pub fn session(&self) -> Option<(String, String)> {
        self.session.lock().ok().and_then(|s| s.clone())
    }

    /// Holds another session (or none), for tests.
    pub fn keep(&self, session: Option<(String, String)>) {
        if let Ok(mut held) = self.session.lock() {
            *held = session;
        }
    }

    pub async fn me(&self) -> Result<AgentMe, ClientError> {
        let me: AgentMe = self.get("/console/me").await?;
        if let Some((cookie, _)) = self.session() {
            self.keep(Some((cookie, me.csrf.clone())));
        }
        Ok(me)
    }

    pub async fn queue(&self) -> Result<Vec<QueueEntry>, ClientError> {
        self.get("/console/queue").await
    }

    pub async fn case(&self, id: i64) -> Result<CaseDetail, ClientError> {
        self.get(&format!("/console/cases/{id}")).await
    }

    pub async fn claim(&self, id: i64) -> Result<CaseDetail, ClientError> {
        self.post(&format!("/console/cases/{id}/claim"), None::<&()>)
            .await
    }

    pub async fn hand_over(&self, id: i64, to_login: &str) -> Result<Case, ClientError> {
        let body = HandOver {
            to_login: to_login.into(),
        };
        self.post(&format!("/console/cases/{id}/hand-over"), Some(&body))
            .await
    }

    pub async fn say(&self, id: i64, text: &str) -> Result<Case, ClientError> {
        let body = MessageRequest { text: text.into() };
        self.post(&format!("/console/cases/{id}/messages"), Some(&body))
            .await
    }

    pub async fn close(&self, id: i64) -> Result<Case, ClientError> {
        self.post(&format!("/console/cases/{id}/close"), None::<&()>)
            .await
    }

    /// What may be refunded on the case's trip: each line with its rule and what would go
    /// back now.
    pub async fn refunds(&self, id: i64) -> Result<Vec<RefundOption>, ClientError> {
        self.get(&format!("/console/cases/{id}/refunds")).await
    }

    /// Refunds one line of the case's trip under its rule.
    pub async fn refund(&self, id: i64, line: &RefundLine) -> Result<CaseDetail, ClientError> {
        self.post(&format!("/console/cases/{id}/refund"), Some(line))
            .await
    }

    /// Issues a pass of the case's trip again; the old one is revoked.
    pub async fn reissue(&self, id: i64, pass: &ReissuePass) -> Result<CaseDetail, ClientError> {
        self.post(&format!("/console/cases/{id}/reissue"), Some(pass))
            .await
    }

    /// Applies a way out of a disruption for the tourist.
    pub async fn way_out(&self, id: i64, way: &AgentWayOut) -> Result<CaseDetail, ClientError> {
        self.post(&format!("/console/cases/{id}/way-out"), Some(way))
            .await
    }

    /// The live queue: [`crate::EventMessage::Queue`] at once and after each change.
    pub async fn queue_stream(&self) -> Result<crate::EventStream, ClientError> {
        let request = self.with_session(
            self.platform
                .streams
                .get(self.platform.url("/console/stream"))
                .header(reqwest::header::ACCEPT, "text/event-stream"),
            false,
        );
        super::event_stream(request.send().await.map_err(offline)?).await
    }

    pub async fn audit(&self) -> Result<Vec<SupportAudit>, ClientError> {
        self.get("/console/audit").await
    }

    /// A write with the session cookie but no CSRF token, as a forged cross-site form would
    /// send it: for tests.
    pub async fn claim_without_csrf(&self, id: i64) -> Result<CaseDetail, ClientError> {
        let request = self.with_session(
            self.platform
                .http
                .post(self.platform.url(&format!("/console/cases/{id}/claim"))),
            false,
        );
        decode(request.send().await.map_err(offline)?).await
    }

    fn with_session(
        &self,
        request: reqwest::RequestBuilder,
        csrf: bool,
    ) -> reqwest::RequestBuilder {
        match self.session() {
            Some((cookie, token)) => {
                let request = request.header(COOKIE, format!("{SESSION_COOKIE}={cookie}"));
                if csrf {
                    request.header(CSRF_HEADER, token)
                } else {
                    request
                }
            }
            None => request,
        }
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let request = self.with_session(self.platform.http.get(self.platform.url(path)), false);
        decode(request.send().await.map_err(offline)?).await
    }

    async fn post<T: serde::de::DeserializeOwned, B: serde::Serialize>(
        &self,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ClientError> {
        let mut request = self.with_session(self.platform.http.post(self.platform.url(path)), true);
        if let Some(body) = body {
            request = request.json(body);
        }
        decode(request.send().await.map_err(offline)?).await
    }
}

//! Help on the device: asking for it (one tap; with no network the request waits in the
//! outbox and is sent when the platform answers), the cases with their chat (kept on the
//! device, so they read offline), and the tourist's shares of a trip with who viewed them.

use chrono::Utc;
use tongyou_core::api::{Case, CaseRequest, Share, ShareRequest};
use tongyou_core::catalog::GeoPoint;
use tongyou_core::support::{check_expiry, check_message};
use tongyou_offline_store::outbox::OutboxWrite;

use crate::outbox::{self, refused_now};
use crate::{CommandError, Device};

impl Device {
    /// Asks for help. `place` (a sight of `region`) stands for the tourist's position where
    /// the device has no location of its own. Online the platform's case comes back; with
    /// no network the case as it will be sent, under the provisional id `-entry id`.
    pub async fn ask_for_help(
        &self,
        mut request: CaseRequest,
        region: Option<String>,
        place: Option<String>,
    ) -> Result<Case, CommandError> {
        let session = self.signed_in()?;
        request.message = check_message(&request.message, true, "message")
            .map_err(|e| CommandError::Invalid(vec![e]))?;
        if request.location.is_none()
            && let (Some(region), Some(place)) = (region, place)
        {
            request.location = self.place_location(&region, &place)?;
        }
        request
            .asked_at
            .get_or_insert_with(|| Utc::now().to_rfc3339());
        let entry = outbox::write(self, OutboxWrite::OpenCase { request }).await?;
        if let Some(refused) = refused_now(self, &entry) {
            return Err(refused);
        }
        let id = entry.result_id.unwrap_or(-entry.id);
        self.store
            .case(session.account_id, id)?
            .ok_or_else(|| CommandError::NotFound(format!("case {id}")))
    }

    fn place_location(&self, region: &str, place: &str) -> Result<Option<GeoPoint>, CommandError> {
        Ok(self.store.catalog(region)?.and_then(|stored| {
            stored
                .catalog
                .sights
                .iter()
                .find(|s| s.id == place)
                .map(|s| s.location)
        }))
    }

    /// The tourist's cases, newest first: the platform's word when it answers (then kept),
    /// else the device's copies; help requests still waiting come first.
    pub async fn cases(&self) -> Result<Vec<Case>, CommandError> {
        let session = self.signed_in()?;
        match self.client.cases(&session.token).await {
            Ok(cases) => self.store.save_cases(session.account_id, &cases)?,
            Err(e) if e.is_offline() => {}
            Err(e) => return Err(self.on_platform_error(e.into())),
        }
        Ok(self.store.cases(session.account_id)?)
    }

    /// One case with its chat, as fresh as the platform can say.
    pub async fn case(&self, id: i64) -> Result<Case, CommandError> {
        let session = self.signed_in()?;
        let account = session.account_id;
        let kept = self.store.case(account, id)?;
        let real = kept.as_ref().map_or(id, |c| c.id);
        if real > 0 {
            match self.client.case(&session.token, real).await {
                Ok(case) => {
                    self.store.save_case(account, &case)?;
                    return Ok(case);
                }
                Err(e) if e.is_offline() => {}
                Err(e) => return Err(self.on_platform_error(e.into())),
            }
        }
        kept.ok_or_else(|| CommandError::NotFound(format!("case {id}")))
    }

    /// The tourist writes in a case. Needs the platform: with none, the error says so and
    /// the screen keeps what was typed.
    pub async fn say(&self, case_id: i64, text: String) -> Result<Case, CommandError> {
        let session = self.signed_in()?;
        let text =
            check_message(&text, false, "text").map_err(|e| CommandError::Invalid(vec![e]))?;
        let id = self.sent_case_id(session.account_id, case_id)?;
        let case = self
            .client
            .say(&session.token, id, &text)
            .await
            .map_err(|e| self.on_platform_error(e.into()))?;
        self.store.save_case(session.account_id, &case)?;
        Ok(case)
    }

    /// The tourist has read a case to its newest message. Offline it stays unread on the
    /// platform (and so on the device) until the next time.
    pub async fn read_case(&self, case_id: i64) -> Result<Case, CommandError> {
        let session = self.signed_in()?;
        let account = session.account_id;
        if let Ok(id) = self.sent_case_id(account, case_id) {
            match self.client.read_case(&session.token, id).await {
                Ok(case) => {
                    self.store.save_case(account, &case)?;
                    return Ok(case);
                }
                Err(e) if e.is_offline() => {}
                Err(e) => return Err(self.on_platform_error(e.into())),
            }
        }
        self.store
            .case(account, case_id)?
            .ok_or_else(|| CommandError::NotFound(format!("case {case_id}")))
    }

    /// The platform's id of a case, or "still waiting to be sent".
    fn sent_case_id(&self, account: i64, case_id: i64) -> Result<i64, CommandError> {
        match self.store.case(account, case_id)? {
            Some(case) if case.id > 0 => Ok(case.id),
            Some(_) => Err(CommandError::Offline(
                "the help request has not been sent yet".into(),
            )),
            None => Err(CommandError::NotFound(format!("case {case_id}"))),
        }
    }

    /// Shares a trip, read-only, for `hours` from now; the answer's `path` is the whole link (at most 30 days, checked here by the
    /// platform's rule before anything is sent).
    pub async fn share_trip(&self, trip_id: String, hours: u32) -> Result<Share, CommandError> {
        let session = self.signed_in()?;
        let now = Utc::now();
        let until = now + chrono::TimeDelta::hours(i64::from(hours));
        let expires_at =
            check_expiry(&until.to_rfc3339(), now).map_err(|e| CommandError::Invalid(vec![e]))?;
        let request = ShareRequest {
            trip_id,
            expires_at: expires_at.to_rfc3339(),
        };
        let mut share = self
            .client
            .share_trip(&session.token, &request)
            .await
            .map_err(|e| self.on_platform_error(e.into()))?;
        // The link as the tourist passes it on: the platform's whole address.
        share.path = share
            .path
            .map(|path| format!("{}{path}", self.client.base_url()));
        Ok(share)
    }

    /// The tourist's shares, each with who reached the trip through it and when.
    pub async fn shares(&self) -> Result<Vec<Share>, CommandError> {
        let session = self.signed_in()?;
        self.client
            .shares(&session.token)
            .await
            .map_err(|e| self.on_platform_error(e.into()))
    }

    /// Ends a share at once: the link and any agent's view of the trip stop.
    pub async fn end_share(&self, id: i64) -> Result<Share, CommandError> {
        let session = self.signed_in()?;
        self.client
            .end_share(&session.token, id)
            .await
            .map_err(|e| self.on_platform_error(e.into()))
    }
}

//! Account commands: sign-in with a one-time code, the session kept on the device, and
//! saved travellers (常用旅客), added and removed through the outbox so both work
//! offline. The session token never crosses IPC: the device keeps it in its store
//! and adds it to platform calls itself.

use tongyou_core::api::{AccountExport, CodeSent, Session, Traveller, TravellerInput};
use tongyou_offline_store::outbox::OutboxWrite;

use crate::Device;
use crate::error::CommandError;
use crate::outbox::{self, Drain};

impl Device {
    pub async fn request_code(&self, mobile: String) -> Result<CodeSent, CommandError> {
        Ok(self.client.request_code(mobile.trim()).await?)
    }

    pub async fn sign_in(&self, mobile: String, code: String) -> Result<Session, CommandError> {
        let session = self.client.sign_in(mobile.trim(), code.trim()).await?;
        self.store.save_session(&session)?;
        self.signed_in_now.notify_one();
        Ok(without_token(session))
    }

    /// Signs out: the platform ends the session when it answers, and the device forgets the
    /// account's data (orders, passes, saved travellers) either way; writes not yet sent wait
    /// for the account's next sign-in.
    pub async fn sign_out(&self) -> Result<(), CommandError> {
        let Some(session) = self.store.session()? else {
            return Ok(());
        };
        // Offline, or the session already ended: the token is forgotten below all the same.
        let _ = self.client.sign_out(&session.token).await;
        Ok(self.store.forget_account(session.account_id)?)
    }

    /// Everything the platform holds of the account (its export), online only.
    pub async fn export_account(&self) -> Result<AccountExport, CommandError> {
        let session = self.signed_in()?;
        match self.client.export_account(&session.token).await {
            Ok(export) => Ok(export),
            Err(e) => Err(self.on_platform_error(e.into())),
        }
    }

    /// Deletes the account on the platform, then everything of it on the device. Online
    /// only: a deletion must not wait unseen in a queue.
    pub async fn delete_account(&self) -> Result<(), CommandError> {
        let session = self.signed_in()?;
        if let Err(e) = self.client.delete_account(&session.token).await {
            return Err(self.on_platform_error(e.into()));
        }
        self.store.forget_account(session.account_id)?;
        // Its writes can never be sent now, and one may hold a full ID number.
        self.store.discard_outbox(session.account_id)?;
        Ok(())
    }

    /// Who is signed in on this device, if anyone (read locally, works offline).
    pub fn session(&self) -> Result<Option<Session>, CommandError> {
        Ok(self.store.session()?.map(without_token))
    }

    /// Saved travellers: fresh from the platform when it answers (after sending the outbox),
    /// else the device's copy; either way with writes still waiting laid over them.
    pub async fn travellers(&self) -> Result<Vec<Traveller>, CommandError> {
        let session = self.signed_in()?;
        if let Drain::Offline(_) = outbox::drain(self).await? {
            return Ok(self.store.travellers(session.account_id)?);
        }
        match self.client.travellers(&session.token).await {
            Ok(list) => self.store.save_travellers(session.account_id, &list)?,
            Err(e) if e.is_offline() => {}
            Err(e) => return Err(self.on_platform_error(e.into())),
        }
        Ok(self.store.travellers(session.account_id)?)
    }

    /// Saves a traveller through the outbox. Online the answer is the platform's: the saved
    /// traveller, or its refusal with every wrong field. Offline the traveller is shown at
    /// once under a provisional negative id and saved at the next sync; what the device can
    /// already tell is wrong is refused at once and never queued.
    pub async fn add_traveller(&self, input: TravellerInput) -> Result<Traveller, CommandError> {
        let session = self.signed_in()?;
        // Checked here first: a form with a wrong field is answered at once, online or not,
        // and nothing doomed waits in the outbox.
        let shown = outbox::provisional(&input, chrono::Utc::now().date_naive())
            .map_err(CommandError::Invalid)?;
        let known = self
            .store
            .travellers(session.account_id)?
            .iter()
            .map(|t| t.id)
            .filter(|id| *id > 0)
            .collect();
        let write = OutboxWrite::AddTraveller {
            input,
            shown: shown.clone(),
            known,
        };
        let entry = outbox::write(self, write).await?;
        if let Some(refused) = outbox::refused_now(self, &entry) {
            return Err(refused);
        }
        let id = entry.result_id.unwrap_or(-entry.id);
        Ok(self
            .store
            .travellers(session.account_id)?
            .into_iter()
            .find(|t| t.id == id)
            .unwrap_or(Traveller { id, ..shown }))
    }

    /// Removes a saved traveller through the outbox; one already gone counts as removed.
    /// Offline it disappears from the list at once and is removed at the next sync. A
    /// traveller still waiting to be added is simply taken back if it never left the device.
    pub async fn remove_traveller(&self, id: i64) -> Result<(), CommandError> {
        let session = self.signed_in()?;
        let id = match outbox::adding(self, session.account_id, id)? {
            None if id < 0 => return Err(CommandError::NotFound(format!("traveller {id}"))),
            None => id,
            Some(adding) => match adding.result_id {
                Some(saved) => saved,
                None if self.store.withdraw(adding.id)? => return Ok(()),
                None => id,
            },
        };
        let shown = self
            .store
            .travellers(session.account_id)?
            .into_iter()
            .find(|t| t.id == id);
        let write = OutboxWrite::RemoveTraveller {
            traveller_id: id,
            shown,
        };
        let entry = outbox::write(self, write).await?;
        match outbox::refused_now(self, &entry) {
            Some(refused) => Err(refused),
            None => Ok(()),
        }
    }
}

/// What the UI may know of a session: everything but the bearer token.
fn without_token(session: Session) -> Session {
    Session {
        token: String::new(),
        ..session
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_stays_in_the_shell() {
        let s = without_token(Session {
            token: "secret".into(),
            account_id: 1,
            mobile: "138****8000".into(),
            expires_at: "2026-12-22T00:00:00Z".into(),
        });
        assert!(s.token.is_empty());
        assert_eq!(s.mobile, "138****8000");
    }

    #[test]
    fn a_rejected_session_is_forgotten() {
        let dir = std::env::temp_dir().join(format!("tongyou-app-test-{}", std::process::id()));
        let state = Device::open(&dir, "http://127.0.0.1:9").unwrap();
        state
            .store
            .save_session(&Session {
                token: "t".into(),
                account_id: 1,
                mobile: "138****8000".into(),
                expires_at: "2026-12-22T00:00:00Z".into(),
            })
            .unwrap();
        assert!(state.signed_in().is_ok());
        let e = state.on_platform_error(CommandError::Offline("down".into()));
        assert!(matches!(e, CommandError::Offline(_)));
        assert!(state.signed_in().is_ok(), "being offline keeps the session");
        let rejected =
            tongyou_core::api::ApiError::new(tongyou_core::api::ErrorCode::Unauthorized, "expired");
        let e = state.on_platform_error(CommandError::Platform(rejected));
        assert!(matches!(e, CommandError::SignedOut));
        assert!(matches!(state.signed_in(), Err(CommandError::SignedOut)));
        drop(state);
        let _ = std::fs::remove_dir_all(dir);
    }
}

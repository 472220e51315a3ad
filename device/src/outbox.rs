//! The tourist's outbox, the device's half: writes go to the device's queue first
//! (`offline-store::outbox`) and are sent from there, in the order they were made, with
//! the key each was given when queued, so a try whose answer was lost is sent again
//! safely. Used for cancelling an order, adding or removing a saved traveller and asking
//! for help; placing an order needs the payment provider and stays online-only.
//!
//! [`drain`] runs after every catalog sync and before every refresh from the platform.
//! It stops at the first write the platform does not settle (no network, a 5xx, a
//! cancellation still being processed), so later writes never overtake earlier ones, and
//! records a refusal (a 4xx) as final, to be shown, not retried. What counts as settled:
//!
//! - a cancellation: the platform's order (a replay by key answers as the first did); a
//!   409 is settled only if the order turns out cancelled (by this write or another) or
//!   can no longer be cancelled, otherwise it is the first try still being processed;
//! - a removal: 204, or 404 (already gone is what was asked for);
//! - a help request: the case the platform opened (a replay by key answers with it);
//! - an addition: the saved traveller; a 422 on `id_number` after an earlier try whose
//!   answer never came counts as this write's own only when the platform's list has a
//!   traveller with the same name, ID kind, masked number and birth date that the device
//!   did not know of when the write was queued. Anything else is a refusal.
//!
//! The commands that write (in [`crate::account`], [`crate::booking`]) queue and drain
//! at once, so online they answer as before, a refusal included (taken off the list,
//! since the tourist sees it there and then); offline they answer with the device's view.

use chrono::{NaiveDate, Utc};
use tongyou_client::ClientError;
use tongyou_core::api::{
    ApiError, Case, ErrorCode, FieldError, Order, OrderState, Session, Traveller, TravellerInput,
};
pub use tongyou_core::api::{PendingWrite, WriteKind};
use tongyou_core::identity::validate_traveller;
use tongyou_offline_store::outbox::{Answer, OutboxEntry, OutboxWrite, SendFailure};

use crate::Device;
use crate::error::CommandError;

/// How a drain ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drain {
    /// Nothing is left to send: every write was taken or refused (or none was waiting).
    Clear,
    /// The platform could not be reached; the rest waits.
    Offline(String),
    /// The platform answered, but not for good (busy, or still processing a first try);
    /// the rest waits for the next drain.
    Held,
}

/// A queued write as the outbox screen lists it.
pub fn pending_write(entry: OutboxEntry) -> PendingWrite {
    let (kind, order_id, traveller) = match entry.write {
        OutboxWrite::CancelOrder { order_id } => (WriteKind::CancelOrder, Some(order_id), None),
        OutboxWrite::AddTraveller { shown, .. } => (
            WriteKind::AddTraveller,
            None,
            Some(Traveller {
                id: entry.result_id.unwrap_or(-entry.id),
                ..shown
            }),
        ),
        OutboxWrite::RemoveTraveller { shown, .. } => (WriteKind::RemoveTraveller, None, shown),
        OutboxWrite::OpenCase { .. } => (WriteKind::OpenCase, None, None),
    };
    PendingWrite {
        id: entry.id,
        kind,
        order_id,
        traveller,
        created_at: entry.created_at,
        attempts: entry.attempts,
        last_error: entry.last_error,
        refusal: entry.refusal,
    }
}

/// Queues `write` for the signed-in account and drains the outbox at once. The entry
/// comes back as the drain left it: done, refused, or still waiting.
pub async fn write(state: &Device, write: OutboxWrite) -> Result<OutboxEntry, CommandError> {
    let session = state.signed_in()?;
    let queued = state
        .store
        .enqueue(session.account_id, &write, &Utc::now().to_rfc3339())?;
    drain(state).await?;
    Ok(state.store.outbox_entry(queued.id)?.unwrap_or(queued))
}

/// A write the tourist is waiting on, refused: off the list, since the screen says so
/// there and then, and the platform's error as it said it.
pub fn refused_now(state: &Device, entry: &OutboxEntry) -> Option<CommandError> {
    let refusal = entry.refusal.clone()?;
    if let Err(e) = state.store.dismiss(entry.account_id, entry.id) {
        return Some(e.into());
    }
    Some(CommandError::Platform(refusal))
}

/// Days a write the platform took stays in the outbox before it is forgotten.
const KEEP_TAKEN_DAYS: i64 = 7;

/// Sends the signed-in account's pending writes, oldest first, one at a time.
/// A session the platform rejects is forgotten and ends the drain as `SignedOut`.
pub async fn drain(state: &Device) -> Result<Drain, CommandError> {
    // One drain at a time: two would send the same write twice at once.
    let _draining = state.draining.lock().await;
    let Some(session) = state.store.session()? else {
        return Ok(Drain::Clear);
    };
    let pending = state.store.pending(session.account_id)?;
    let mut answered = false;
    let mut outcome = Drain::Clear;
    for entry in pending {
        state.store.start_attempt(entry.id)?;
        let sent = send(state, &session, &entry).await;
        let now = Utc::now().to_rfc3339();
        let stop = match sent {
            Ok(Settled::Taken(taken)) => {
                state.store.mark_done(entry.id, &now, taken.answer())?;
                // The outbox is written to anyway: the moment to forget old writes.
                let week_ago = Utc::now() - chrono::Duration::days(KEEP_TAKEN_DAYS);
                state.store.prune_done(&week_ago.to_rfc3339())?;
                None
            }
            Ok(Settled::Refused(refusal)) => {
                let refused = SendFailure::Refused(refusal);
                state.store.record_failure(entry.id, &refused, &now)?;
                None
            }
            Err(Stop::Device(e)) => return Err(e),
            Err(stop) => Some(stop),
        };
        let Some(stop) = stop else {
            answered = true;
            continue;
        };
        state
            .store
            .record_failure(entry.id, &SendFailure::Retry(stop.to_string()), &now)?;
        match stop {
            Stop::Offline(why) => outcome = Drain::Offline(why),
            Stop::Busy(_) => (answered, outcome) = (true, Drain::Held),
            Stop::SignedOut(e) => {
                set_online(state, true)?;
                return Err(state.on_platform_error(e));
            }
            Stop::Device(e) => return Err(e),
        }
        break;
    }
    match outcome {
        Drain::Offline(_) => set_online(state, false)?,
        _ if answered => set_online(state, true)?,
        _ => {}
    }
    Ok(outcome)
}

/// What the platform settled a write with.
enum Settled {
    Taken(Taken),
    Refused(ApiError),
}

/// The platform's answer to a write it took, owned.
enum Taken {
    Order(Box<Order>),
    Added(Traveller),
    Removed(i64),
    Case(Box<Case>),
    Nothing,
}

impl Taken {
    fn answer(&self) -> Answer<'_> {
        match self {
            Taken::Order(order) => Answer::Order(order),
            Taken::Added(traveller) => Answer::Added(traveller),
            Taken::Removed(id) => Answer::Removed(*id),
            Taken::Case(case) => Answer::Case(case),
            Taken::Nothing => Answer::Nothing,
        }
    }
}

/// Why a drain stops at a write.
#[derive(Debug, thiserror::Error)]
enum Stop {
    #[error("the platform cannot be reached: {0}")]
    Offline(String),
    #[error("{0}")]
    Busy(String),
    #[error("the session was rejected; sign in again to send this")]
    SignedOut(CommandError),
    /// The device's own store failed: not the write's fault, so nothing is recorded.
    #[error(transparent)]
    Device(CommandError),
}

/// An error answer sorted into "settled as refused" or "stop and try again later".
fn judge(e: ClientError) -> Result<ApiError, Stop> {
    match e {
        ClientError::Offline(why) => Err(Stop::Offline(why)),
        ClientError::Api { error, .. } if error.code == ErrorCode::Unauthorized => {
            Err(Stop::SignedOut(CommandError::Platform(error)))
        }
        // Slow down, or the platform failing: nothing is settled.
        ClientError::Api { status, error } if status >= 500 || status == 429 => {
            Err(Stop::Busy(error.message))
        }
        ClientError::Api { error, .. } => Ok(error),
        // An answer this app cannot read says nothing of whether the write landed.
        ClientError::Protocol(why) | ClientError::BadUrl(why) => Err(Stop::Busy(why)),
    }
}

async fn send(state: &Device, session: &Session, entry: &OutboxEntry) -> Result<Settled, Stop> {
    let client = &state.client;
    let token = session.token.as_str();
    match &entry.write {
        OutboxWrite::CancelOrder { order_id } => {
            match client
                .cancel_order(token, &entry.idempotency_key, *order_id)
                .await
            {
                Ok(order) => Ok(Settled::Taken(Taken::Order(Box::new(order)))),
                Err(e) => {
                    let refusal = judge(e)?;
                    if refusal.code != ErrorCode::Conflict {
                        return Ok(Settled::Refused(refusal));
                    }
                    // "Cannot be cancelled", or "this key is still being processed": the
                    // order's state tells which.
                    let order = client.order(token, *order_id).await.map_err(|e| {
                        judge(e).map_or_else(|stop| stop, |api| Stop::Busy(api.message))
                    })?;
                    match order.state {
                        OrderState::Cancelled => Ok(Settled::Taken(Taken::Order(Box::new(order)))),
                        OrderState::AwaitingPayment
                        | OrderState::Confirmed
                        | OrderState::PartlyConfirmed => Err(Stop::Busy(refusal.message)),
                        OrderState::Failed | OrderState::Expired => Ok(Settled::Refused(refusal)),
                    }
                }
            }
        }
        OutboxWrite::RemoveTraveller { traveller_id, .. } => {
            let Some(id) = saved_id(state, session.account_id, *traveller_id)? else {
                // Its adding was refused or taken back: there is nothing to remove.
                return Ok(Settled::Taken(Taken::Nothing));
            };
            match client.remove_traveller(token, id).await {
                Ok(()) => Ok(Settled::Taken(Taken::Removed(id))),
                Err(e) => match judge(e)? {
                    gone if gone.code == ErrorCode::NotFound => {
                        Ok(Settled::Taken(Taken::Removed(id)))
                    }
                    refusal => Ok(Settled::Refused(refusal)),
                },
            }
        }
        OutboxWrite::OpenCase { request } => {
            match client
                .open_case(token, &entry.idempotency_key, request)
                .await
            {
                Ok(case) => Ok(Settled::Taken(Taken::Case(Box::new(case)))),
                Err(e) => Ok(Settled::Refused(judge(e)?)),
            }
        }
        OutboxWrite::AddTraveller {
            input,
            shown,
            known,
        } => match client.add_traveller(token, input).await {
            Ok(saved) => Ok(Settled::Taken(Taken::Added(saved))),
            Err(e) => {
                let refusal = judge(e)?;
                let duplicate = refusal.fields.iter().any(|f| f.field == "id_number");
                // `attempts` as read before this try: was an earlier one ever sent?
                if !duplicate || entry.attempts == 0 {
                    return Ok(Settled::Refused(refusal));
                }
                let list = client
                    .travellers(token)
                    .await
                    .map_err(|e| judge(e).map_or_else(|s| s, |api| Stop::Busy(api.message)))?;
                Ok(
                    match list
                        .into_iter()
                        .find(|t| same_person(t, shown) && !known.contains(&t.id))
                    {
                        Some(ours) => Settled::Taken(Taken::Added(ours)),
                        None => Settled::Refused(refusal),
                    },
                )
            }
        },
    }
}

/// The platform's id of a traveller the device may know only provisionally (`-entry id`
/// while its adding waits). `None`: its adding was refused or taken back.
fn saved_id(state: &Device, account_id: i64, traveller_id: i64) -> Result<Option<i64>, Stop> {
    if traveller_id >= 0 {
        return Ok(Some(traveller_id));
    }
    match adding(state, account_id, traveller_id).map_err(Stop::Device)? {
        Some(entry) if entry.is_pending() => Err(Stop::Busy(
            "waiting for the traveller to be saved first".into(),
        )),
        Some(entry) => Ok(entry.result_id),
        None => Ok(None),
    }
}

/// The outbox entry adding the traveller shown under the provisional id `provisional`
/// (`-entry id`), if it is one of `account_id`'s.
pub fn adding(
    state: &Device,
    account_id: i64,
    provisional: i64,
) -> Result<Option<OutboxEntry>, CommandError> {
    let Some(id) = provisional.checked_neg().filter(|id| *id > 0) else {
        return Ok(None);
    };
    Ok(state.store.outbox_entry(id)?.filter(|entry| {
        entry.account_id == account_id && matches!(entry.write, OutboxWrite::AddTraveller { .. })
    }))
}

fn same_person(saved: &Traveller, shown: &Traveller) -> bool {
    saved.name == shown.name
        && saved.id_kind == shown.id_kind
        && saved.id_masked == shown.id_masked
        && saved.birth_date == shown.birth_date
}

/// The traveller as the device shows it while the platform has not saved it yet, or
/// every wrong field: the device checks by the platform's own rules
/// (`core::identity::validate_traveller`), so a write it queues is one the platform takes.
pub fn provisional(input: &TravellerInput, today: NaiveDate) -> Result<Traveller, Vec<FieldError>> {
    let valid = validate_traveller(input, today)?;
    Ok(Traveller {
        id: 0,
        name: valid.name,
        id_kind: input.id_kind,
        id_masked: valid.id_masked,
        birth_date: valid.birth_date.to_string(),
    })
}

fn set_online(state: &Device, online: bool) -> Result<(), CommandError> {
    *state.online.lock().map_err(|_| CommandError::NotReady)? = Some(online);
    Ok(())
}

impl Device {
    /// Writes waiting to be sent and writes the platform refused, oldest first (empty when
    /// signed out).
    pub fn outbox(&self) -> Result<Vec<PendingWrite>, CommandError> {
        let Some(session) = self.store.session()? else {
            return Ok(Vec::new());
        };
        Ok(self
            .store
            .outbox(session.account_id)?
            .into_iter()
            .map(crate::outbox::pending_write)
            .collect())
    }

    /// Clears a refused write from the list once the tourist has seen it.
    pub fn outbox_dismiss(&self, id: i64) -> Result<(), CommandError> {
        let session = self.signed_in()?;
        if self.store.dismiss(session.account_id, id)? {
            Ok(())
        } else {
            Err(CommandError::NotFound(format!("refused write {id}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tongyou_core::api::IdKind;

    fn input(kind: IdKind, number: &str, birth: Option<&str>) -> TravellerInput {
        TravellerInput {
            name: " 张三 ".into(),
            id_kind: kind,
            id_number: number.into(),
            birth_date: birth.map(Into::into),
            consent: Some(tongyou_core::privacy::NOTICE_VERSION.into()),
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default()
    }

    #[test]
    fn a_resident_id_shows_masked_with_its_birth_date() {
        let shown = provisional(
            &input(IdKind::ResidentId, "110105198912310028", None),
            today(),
        );
        let shown = shown.unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(shown.name, "张三");
        assert_eq!(shown.id_masked, "1101**********0028");
        assert_eq!(shown.birth_date, "1989-12-31");
    }

    #[test]
    fn what_the_platform_would_refuse_is_said_at_once() {
        let Err(problems) = provisional(
            &input(IdKind::ResidentId, "110105198912310029", None),
            today(),
        ) else {
            panic!("a bad check digit");
        };
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "id_number");
        assert!(problems[0].message.zh.contains("校验"), "{problems:?}");

        let Err(problems) = provisional(&input(IdKind::Passport, "e1234 5678", None), today())
        else {
            panic!("a passport without a birth date");
        };
        assert_eq!(problems[0].field, "birth_date");

        // A rule only the platform used to know: a name of more than 40 characters.
        let mut long = input(IdKind::ResidentId, "110105198912310028", None);
        long.name = "长".repeat(41);
        let Err(problems) = provisional(&long, today()) else {
            panic!("a name too long");
        };
        assert_eq!(problems[0].field, "name");
    }

    #[test]
    fn a_passport_is_masked_as_the_platform_masks_it() {
        let shown = provisional(
            &input(IdKind::Passport, "e1234 5678", Some("1990-05-01")),
            today(),
        );
        let shown = shown.unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(shown.id_masked, "E1*****78");
        assert_eq!(shown.birth_date, "1990-05-01");
    }

    #[test]
    fn the_outbox_view_names_what_each_write_is_about() {
        let entry = OutboxEntry {
            id: 4,
            account_id: 7,
            write: OutboxWrite::AddTraveller {
                input: input(IdKind::ResidentId, "110105198912310028", None),
                shown: provisional(
                    &input(IdKind::ResidentId, "110105198912310028", None),
                    today(),
                )
                .unwrap_or_else(|p| panic!("{p:?}")),
                known: vec![],
            },
            idempotency_key: "k".into(),
            created_at: "t".into(),
            attempts: 1,
            last_error: Some("unreachable".into()),
            done_at: None,
            refusal: None,
            result_id: None,
        };
        let view = pending_write(entry);
        assert_eq!(view.kind, WriteKind::AddTraveller);
        assert_eq!(view.traveller.as_ref().map(|t| t.id), Some(-4));
        let json = serde_json::to_value(&view).unwrap_or_default();
        assert_eq!(json["kind"], "add_traveller");
        assert!(!json.to_string().contains("110105198912310028"));
    }
}

//! Gate mode: the device as a gate station. Staff sign in for one gate of a region; the
//! station brings in the platform's public keys and the revocation delta, decides every
//! scan offline with `core::gate`, logs it, and uploads the log when the platform answers.
//!
//! The rules are `core::gate`'s and the storage `offline-store`'s; this module only joins
//! them to the clock, the catalog and the network. It never needs the network to decide:
//! a sync that fails is recorded on the station and the gate carries on with what it has.
//! The device's gate methods are in [`crate::gate`]; these functions take the [`Device`]
//! directly so tests can drive them with a chosen "now".

use std::sync::Arc;
use std::sync::atomic::Ordering;

use chrono::{DateTime, FixedOffset, Offset, Utc};
use tongyou_client::{ClientError, PlatformClient};
use tongyou_core::api::{GateResult, GateScan, GateSignIn, GateStation, ScanUpload};
use tongyou_core::catalog::Catalog;
use tongyou_core::gate::{GateCheck, GatePost, Refusal};
use tongyou_core::pass::Pass;
use tongyou_core::text::Text;
use tongyou_offline_store::gate::StoredStation;
use tongyou_offline_store::sync::sync_catalogs;
use tongyou_offline_store::{OfflineStore, StoreError};

use crate::error::CommandError;
use crate::{Device, GateCache};

/// Scans per upload request (the platform takes up to 1000).
pub const UPLOAD_BATCH: usize = 500;

/// What the gate was given to check.
#[derive(Debug, Clone, Copy)]
pub enum Reading<'a> {
    /// The text of a pass's QR code, scanned or pasted.
    Code(&'a str),
    /// A picture in which no QR code could be found.
    NoQrCode,
}

/// `core::gate`'s decision: the pass, or why it was refused (with the pass when it was
/// genuine enough to read).
type Outcome = Result<Pass, (Refusal, Option<Pass>)>;

#[derive(Debug, thiserror::Error)]
pub enum SyncFailure {
    #[error(transparent)]
    Platform(#[from] ClientError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SyncFailure {
    /// What the station records and the gate screen words in the staff's language:
    /// `offline`, `signed_out` (the platform no longer knows this staff session),
    /// `platform` (it answered with another error) or `device` (the store failed).
    pub fn code(&self) -> &'static str {
        match self {
            SyncFailure::Platform(e) if e.is_offline() => "offline",
            SyncFailure::Platform(ClientError::Api {
                status: 401 | 403, ..
            }) => "signed_out",
            SyncFailure::Platform(_) => "platform",
            SyncFailure::Store(_) => "device",
        }
    }
}

/// Signs staff in at a gate (the platform refuses non-staff with its own message), makes
/// this device that gate's station and syncs it at once.
pub async fn sign_in(state: &Device, input: &GateSignIn) -> Result<GateStation, CommandError> {
    let input = GateSignIn {
        mobile: input.mobile.trim().to_owned(),
        code: input.code.trim().to_owned(),
        region_id: input.region_id.trim().to_owned(),
        gate_id: input.gate_id.trim().to_owned(),
    };
    let signed_in = state.client.gate_sign_in(&input).await?;
    if state.store.catalog(&signed_in.region_id)?.is_none() {
        // The gate's names and what it admits come from the catalog; a failure shows up
        // below as the station's region being unknown, not as a failed sign-in.
        let _ = sync_catalogs(&state.store, &state.client).await;
    }
    state.store.save_station(&StoredStation {
        region_id: signed_in.region_id,
        gate_id: signed_in.gate_id,
        staff: signed_in.session.mobile,
        token: signed_in.session.token,
        signed_in_at: Utc::now().to_rfc3339(),
    })?;
    sync(state).await
}

/// The station as its screen shows it, from the device alone.
pub fn station(state: &Device) -> Result<Option<GateStation>, CommandError> {
    state
        .store
        .station()?
        .map(|station| view(state, &station, Utc::now()))
        .transpose()
}

/// Brings in keys and revocations and uploads the scan log. A failure (offline, or the
/// platform refusing) is recorded on the station, not returned: the gate keeps working.
pub async fn sync(state: &Device) -> Result<GateStation, CommandError> {
    let station = current(state)?;
    let outcome = bring_in(state, &station).await;
    let now = Utc::now();
    let error = outcome.as_ref().err().map(SyncFailure::code);
    if let Err(e) = &outcome
        && error != Some("offline")
    {
        // Being offline is the gate's normal; anything else is worth a line in the log.
        eprintln!("gate sync failed: {e}");
    }
    state
        .store
        .record_gate_sync(&station.region_id, &now.to_rfc3339(), error)?;
    *state.online.lock().map_err(|_| CommandError::NotReady)? = Some(error != Some("offline"));
    // Rebuilt with what the sync brought; a missing catalog is loaded at the next scan.
    *state.gate.lock().map_err(|_| CommandError::NotReady)? = load(state, &station.region_id).ok();
    view(state, &station, now)
}

/// Stops being a gate station. Scans not yet uploaded stay on the device and go up with
/// the next sync after staff sign in again at a gate of their region.
pub fn sign_out(state: &Device) -> Result<(), CommandError> {
    state.store.forget_station()?;
    *state.gate.lock().map_err(|_| CommandError::NotReady)? = None;
    Ok(())
}

/// Decides a scan offline at `now`, logs it under a fresh nonce, and only then answers.
/// An upload of the log is tried in the background unless the app knows it is offline.
pub fn verify(
    state: &Device,
    reading: Reading<'_>,
    now: DateTime<Utc>,
) -> Result<GateResult, CommandError> {
    let station = current(state)?;
    let nonce = new_nonce()?;
    // Held until the scan is logged, so a second scan of the same pass sees the first.
    let mut cache = state.gate.lock().map_err(|_| CommandError::NotReady)?;
    if cache
        .as_ref()
        .is_none_or(|c| c.region_id != station.region_id)
    {
        *cache = Some(load(state, &station.region_id)?);
    }
    let loaded = cache.as_ref().ok_or(CommandError::NotReady)?;
    let catalog = Arc::clone(&loaded.catalog);
    let scanned_at =
        region_time(&catalog, now).to_rfc3339_opts(chrono::SecondsFormat::Millis, false);
    let outcome = match reading {
        Reading::Code(text) => decide(state, &loaded.check, &station, &catalog, text, now)?,
        Reading::NoQrCode => Err((Refusal::Unreadable, None)),
    };
    let scan = scan_record(&station, &outcome, nonce, scanned_at);
    state.store.record_scan(&scan)?;
    drop(cache);
    upload_in_background(state, &station);
    let mut result = gate_result(&outcome, &catalog, &scan);
    if matches!(reading, Reading::NoQrCode) {
        result.message = no_qr_code_message();
    }
    Ok(result)
}

/// Uploads `station`'s region's pending scans, oldest first, in batches, marking each
/// batch once the platform has it. Replaying a batch is harmless (one entry per nonce),
/// so a crash between the upload and the marking costs nothing but a resend.
pub async fn upload_pending(
    store: &OfflineStore,
    client: &PlatformClient,
    station: &StoredStation,
) -> Result<(), SyncFailure> {
    loop {
        let scans = store.pending_scans(&station.region_id, UPLOAD_BATCH)?;
        if scans.is_empty() {
            return Ok(());
        }
        let nonces: Vec<String> = scans.iter().map(|s| s.nonce.clone()).collect();
        let last = scans.len() < UPLOAD_BATCH;
        client
            .upload_scans(&station.token, &ScanUpload { scans })
            .await?;
        store.mark_uploaded(&nonces, &Utc::now().to_rfc3339())?;
        if last {
            return Ok(());
        }
    }
}

fn current(state: &Device) -> Result<StoredStation, CommandError> {
    state.store.station()?.ok_or(CommandError::NotAGate)
}

async fn bring_in(state: &Device, station: &StoredStation) -> Result<(), SyncFailure> {
    let keys = state.client.public_keys().await?;
    state.store.save_keys(&keys)?;
    let cursor = state.store.gate_sync_state(&station.region_id)?.cursor;
    let delta = state.client.revocations(&station.token, cursor).await?;
    if delta.region_id != station.region_id {
        return Err(ClientError::Protocol(format!(
            "revocations for {} sent to a gate of {}",
            delta.region_id, station.region_id
        ))
        .into());
    }
    state.store.save_revocations(&delta)?;
    upload_pending(&state.store, &state.client, station).await
}

fn decide(
    state: &Device,
    check: &GateCheck,
    station: &StoredStation,
    catalog: &Catalog,
    text: &str,
    now: DateTime<Utc>,
) -> Result<Outcome, CommandError> {
    let post = GatePost {
        site: station.region_id.clone(),
        gate: station.gate_id.clone(),
        admits: catalog
            .gate(&station.gate_id)
            .map(|g| g.admits.clone())
            .unwrap_or_default(),
    };
    let mut lookup_failed = None;
    let outcome = check.check(&post, text, now.timestamp(), |pass_id| {
        let pass_id = hex::encode(pass_id);
        state
            .store
            .admitted_here(&pass_id, &station.gate_id)
            .unwrap_or_else(|e| {
                // Refuse rather than admit twice; the error is returned below.
                lookup_failed = Some(e);
                true
            })
    });
    match lookup_failed {
        Some(e) => Err(e.into()),
        None => Ok(outcome),
    }
}

/// The cached decision data for `region_id`, read from the store if it is missing or
/// for another region.
/// What a scan needs from the store, read once per sync: keys, revocations, catalog.
fn load(state: &Device, region_id: &str) -> Result<GateCache, CommandError> {
    let catalog = state.catalog_of(region_id)?;
    Ok(GateCache {
        region_id: region_id.to_owned(),
        check: state.store.gate_check(region_id)?,
        catalog: Arc::new(catalog),
    })
}

/// Tries to upload the log without holding up the gate. Skipped when the app already
/// knows it is offline or an upload is running, so a gate scanning with no network tries
/// once, learns it is offline, and leaves the rest to the next sync. A failure is not
/// reported here; the scans stay pending and the next sync says why.
fn upload_in_background(state: &Device, station: &StoredStation) {
    let offline = matches!(state.online.lock().map(|o| *o), Ok(Some(false)));
    if offline || state.uploading.swap(true, Ordering::AcqRel) {
        return;
    }
    let store = state.store.clone();
    let client = state.client.clone();
    let station = station.clone();
    let online = state.online.clone();
    let uploading = state.uploading.clone();
    let started = state.spawn(async move {
        let answered = match upload_pending(&store, &client, &station).await {
            Err(SyncFailure::Platform(e)) => !e.is_offline(),
            Err(SyncFailure::Store(_)) | Ok(()) => true,
        };
        if let Ok(mut online) = online.lock() {
            *online = Some(answered);
        }
        uploading.store(false, Ordering::Release);
    });
    if !started {
        // No runtime to upload on: the next sync takes the scans up.
        state.uploading.store(false, Ordering::Release);
    }
}

fn view(
    state: &Device,
    station: &StoredStation,
    now: DateTime<Utc>,
) -> Result<GateStation, CommandError> {
    let catalog = state.store.catalog(&station.region_id)?.map(|c| c.catalog);
    let named = |id: &str| Text::new(id, id);
    let region_name = catalog
        .as_ref()
        .map_or_else(|| named(&station.region_id), |c| c.region.name.clone());
    let gate_name = catalog
        .as_ref()
        .and_then(|c| c.gate(&station.gate_id))
        .map_or_else(|| named(&station.gate_id), |g| g.name.clone());
    let today = match &catalog {
        Some(c) => region_time(c, now).date_naive(),
        None => now.date_naive(),
    };
    let counts =
        state
            .store
            .scan_counts(&station.region_id, &station.gate_id, &today.to_string())?;
    let sync = state.store.gate_sync_state(&station.region_id)?;
    Ok(GateStation {
        region_id: station.region_id.clone(),
        region_name,
        gate_id: station.gate_id.clone(),
        gate_name,
        staff: station.staff.clone(),
        keys: state.store.active_key_count()?,
        revoked: state.store.revoked_count(&station.region_id)?,
        synced_at: sync.synced_at,
        pending_uploads: state.store.pending_count(&station.region_id)?,
        admitted_today: counts.admitted,
        refused_today: counts.refused,
        sync_error: sync.last_error,
    })
}

/// The scan as the log keeps it: the pass id whenever the pass could be read, and the
/// party's size only when admitted.
fn scan_record(
    station: &StoredStation,
    outcome: &Outcome,
    nonce: String,
    scanned_at: String,
) -> GateScan {
    let (pass, refusal) = split(outcome);
    GateScan {
        nonce,
        region_id: station.region_id.clone(),
        gate_id: station.gate_id.clone(),
        scanned_at,
        pass_id: pass.map(|p| hex::encode(p.pass_id)),
        refusal,
        people: match (pass, refusal) {
            (Some(p), None) => people(p),
            _ => 0,
        },
    }
}

fn gate_result(outcome: &Outcome, catalog: &Catalog, scan: &GateScan) -> GateResult {
    let (pass, refusal) = split(outcome);
    let message = match refusal {
        Some(r) => r.message(),
        None => Text::new(
            format!("有效，请放行 {} 人。", scan.people),
            format!("Valid: admit {}.", scan.people),
        ),
    };
    GateResult {
        admitted: refusal.is_none(),
        refusal,
        message,
        product: pass.map(|p| {
            catalog
                .product_name(&p.product)
                .cloned()
                .unwrap_or_else(|| Text::new(&p.product, &p.product))
        }),
        party: pass.map(|p| (p.party.adults, p.party.children, p.party.seniors)),
        slot: pass.and_then(|p| p.slot),
        scanned_at: scan.scanned_at.clone(),
        nonce: scan.nonce.clone(),
    }
}

fn split(outcome: &Outcome) -> (Option<&Pass>, Option<Refusal>) {
    match outcome {
        Ok(pass) => (Some(pass), None),
        Err((refusal, pass)) => (pass.as_ref(), Some(*refusal)),
    }
}

fn people(pass: &Pass) -> u32 {
    u32::from(pass.party.adults) + u32::from(pass.party.children) + u32::from(pass.party.seniors)
}

fn no_qr_code_message() -> Text {
    Text::new(
        "图片中没有找到二维码。请换一张清晰、完整的票码图片。",
        "No QR code was found in the image. Try a sharper picture of the whole code.",
    )
}

/// 16 random bytes in hex: the scan's identity wherever its log is uploaded.
fn new_nonce() -> Result<String, CommandError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| CommandError::Random(e.to_string()))?;
    Ok(hex::encode(bytes))
}

fn region_time(catalog: &Catalog, now: DateTime<Utc>) -> DateTime<FixedOffset> {
    let offset =
        FixedOffset::east_opt(catalog.region.utc_offset_minutes * 60).unwrap_or_else(|| Utc.fix());
    now.with_timezone(&offset)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use tongyou_core::pass::Party;

    use super::*;

    use crate::demo_catalog as catalog;

    fn station() -> StoredStation {
        StoredStation {
            region_id: "huangshan".into(),
            gate_id: "south-gate".into(),
            staff: "139****9000".into(),
            token: "t".into(),
            signed_in_at: "2026-11-22T08:00:00Z".into(),
        }
    }

    fn pass() -> Pass {
        Pass {
            key_id: 1,
            pass_id: [0xab; 16],
            order_id: 9,
            sub_order: 1,
            product: "entry".into(),
            site: "huangshan".into(),
            gates: vec![],
            valid_from: 0,
            valid_until: 1,
            slot: Some(("08:00".parse().unwrap(), "10:00".parse().unwrap())),
            party: Party {
                adults: 2,
                children: 1,
                seniors: 0,
            },
            holder_hash: [0; 16],
        }
    }

    fn scan_and_result(outcome: &Outcome) -> (GateScan, GateResult) {
        let scan = scan_record(&station(), outcome, "n".repeat(32), "t".into());
        let result = gate_result(outcome, &catalog(), &scan);
        (scan, result)
    }

    #[test]
    fn an_admitted_pass_counts_its_party_and_names_its_product() {
        let (scan, result) = scan_and_result(&Ok(pass()));
        assert_eq!(scan.pass_id.as_deref(), Some("ab".repeat(16).as_str()));
        assert_eq!((scan.refusal, scan.people), (None, 3));
        assert!(result.admitted);
        assert_eq!(result.refusal, None);
        assert_eq!(result.message.en, "Valid: admit 3.");
        assert_eq!(result.message.zh, "有效，请放行 3 人。");
        assert_eq!(
            result.product.unwrap(),
            catalog().product_name("entry").unwrap().clone()
        );
        assert_eq!(result.party, Some((2, 1, 0)));
        assert!(result.slot.is_some());
        assert_eq!(result.nonce, scan.nonce);
    }

    #[test]
    fn a_refused_pass_is_logged_with_its_id_and_nobody_admitted() {
        let (scan, result) = scan_and_result(&Err((Refusal::AlreadyUsed, Some(pass()))));
        assert!(scan.pass_id.is_some());
        assert_eq!((scan.refusal, scan.people), (Some(Refusal::AlreadyUsed), 0));
        assert!(!result.admitted);
        assert_eq!(result.message, Refusal::AlreadyUsed.message());
        assert_eq!(result.party, Some((2, 1, 0)), "staff see who was refused");
    }

    #[test]
    fn an_unreadable_code_shows_nothing_of_a_pass() {
        let (scan, result) = scan_and_result(&Err((Refusal::Forged, None)));
        assert_eq!((scan.pass_id, scan.people), (None, 0));
        assert_eq!(result.refusal, Some(Refusal::Forged));
        assert_eq!(
            (result.product, result.party, result.slot),
            (None, None, None)
        );
    }

    #[test]
    fn scans_are_stamped_in_region_time() {
        let now = DateTime::parse_from_rfc3339("2026-11-22T17:30:00Z")
            .unwrap()
            .to_utc();
        let local = region_time(&catalog(), now);
        assert_eq!(local.to_rfc3339(), "2026-11-23T01:30:00+08:00");
    }

    #[test]
    fn a_failed_sync_is_recorded_as_a_code_the_screen_words() {
        use tongyou_core::api::{ApiError, ErrorCode};
        let api = |status, code| {
            SyncFailure::Platform(ClientError::Api {
                status,
                error: ApiError::new(code, "nope"),
            })
        };
        let cases = [
            (
                SyncFailure::Platform(ClientError::Offline("refused".into())),
                "offline",
            ),
            (api(401, ErrorCode::Unauthorized), "signed_out"),
            (api(500, ErrorCode::Internal), "platform"),
            (
                SyncFailure::Platform(ClientError::Protocol("?".into())),
                "platform",
            ),
        ];
        for (failure, code) in cases {
            assert_eq!(failure.code(), code, "{failure}");
        }
    }

    #[test]
    fn nonces_are_fresh_hex() {
        let (a, b) = (new_nonce().unwrap(), new_nonce().unwrap());
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}

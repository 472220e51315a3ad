//! Gate mode commands: thin adapters over [`crate::station`]. Verification needs no
//! network; `gate_sync` and `gate_sign_in` use it when they can and record when they
//! cannot.

use chrono::Utc;
use tauri::State;
use tongyou_core::api::{GateResult, GateSignIn, GateStation};

use crate::error::CommandError;
use crate::qr;
use crate::state::AppState;
use crate::station::{self, Reading};

/// Signs staff in at one gate and syncs the station at once. A number that is not gate
/// staff, or a wrong code, is the platform's error with its message.
#[tauri::command]
pub async fn gate_sign_in(
    state: State<'_, AppState>,
    input: GateSignIn,
) -> Result<GateStation, CommandError> {
    station::sign_in(&state, &input).await
}

/// The station on this device, if it is one (read locally).
#[tauri::command]
pub fn gate_station(state: State<'_, AppState>) -> Result<Option<GateStation>, CommandError> {
    station::station(&state)
}

/// Keys, revocations and the scan-log upload. Offline is not an error: the station comes
/// back with `sync_error` set.
#[tauri::command]
pub async fn gate_sync(state: State<'_, AppState>) -> Result<GateStation, CommandError> {
    station::sync(&state).await
}

/// Checks a pasted or scanned pass code, offline.
#[tauri::command]
pub fn gate_verify_code(
    state: State<'_, AppState>,
    code: String,
) -> Result<GateResult, CommandError> {
    station::verify(&state, Reading::Code(&code), Utc::now())
}

/// Checks the QR code in a picture (`data:image/…;base64,…` from a file input), read on
/// the device. A picture with no readable QR code is a refused scan, logged like any other.
#[tauri::command]
pub async fn gate_verify_image(
    state: State<'_, AppState>,
    data_url: String,
) -> Result<GateResult, CommandError> {
    // Reading a photo takes a while: off the async workers.
    let text = tauri::async_runtime::spawn_blocking(move || {
        qr::data_url_bytes(&data_url).and_then(|bytes| qr::decode_qr(&bytes))
    })
    .await
    .ok()
    .flatten();
    let reading = match &text {
        Some(code) => Reading::Code(code),
        None => Reading::NoQrCode,
    };
    station::verify(&state, reading, Utc::now())
}

/// Leaves gate mode on this device. Scans not yet uploaded are kept and go up with the
/// next sync after staff sign in again at a gate of the same region.
#[tauri::command]
pub fn gate_sign_out(state: State<'_, AppState>) -> Result<(), CommandError> {
    station::sign_out(&state)
}

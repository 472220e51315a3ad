//! Gate mode commands: thin adapters over [`crate::station`]. Verification needs no
//! network; `gate_sync` and `gate_sign_in` use it when they can and record when they
//! cannot.

use chrono::Utc;
use tongyou_core::api::{GateResult, GateSignIn, GateStation};

use crate::Device;
use crate::error::CommandError;
use crate::qr;
use crate::station::{self, Reading};

impl Device {
    /// Signs staff in at one gate and syncs the station at once. A number that is not gate
    /// staff, or a wrong code, is the platform's error with its message.
    pub async fn gate_sign_in(&self, input: GateSignIn) -> Result<GateStation, CommandError> {
        station::sign_in(self, &input).await
    }

    /// The station on this device, if it is one (read locally).
    pub fn gate_station(&self) -> Result<Option<GateStation>, CommandError> {
        station::station(self)
    }

    /// Keys, revocations and the scan-log upload. Offline is not an error: the station comes
    /// back with `sync_error` set.
    pub async fn gate_sync(&self) -> Result<GateStation, CommandError> {
        station::sync(self).await
    }

    /// Checks a pasted or scanned pass code, offline.
    pub fn gate_verify_code(&self, code: String) -> Result<GateResult, CommandError> {
        station::verify(self, Reading::Code(&code), Utc::now())
    }

    /// Checks the QR code in a picture (`data:image/…;base64,…` from a file input), read on
    /// the device. A picture with no readable QR code is a refused scan, logged like any other.
    pub async fn gate_verify_image(&self, data_url: String) -> Result<GateResult, CommandError> {
        // Reading a photo takes a while: off the async workers.
        let text = tokio::task::spawn_blocking(move || {
            qr::data_url_bytes(&data_url).and_then(|bytes| qr::decode_qr(&bytes))
        })
        .await
        .ok()
        .flatten();
        let reading = match &text {
            Some(code) => Reading::Code(code),
            None => Reading::NoQrCode,
        };
        station::verify(self, reading, Utc::now())
    }

    /// Leaves gate mode on this device. Scans not yet uploaded are kept and go up with the
    /// next sync after staff sign in again at a gate of the same region.
    pub fn gate_sign_out(&self) -> Result<(), CommandError> {
        station::sign_out(self)
    }
}

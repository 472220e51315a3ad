//! The gate and the wallet on the device, through the app shell's own code and its SQLite
//! store: a scan decided by `station::verify` (keys and the revocation set as the store
//! holds them, the double-entry lookup in the store's scan log, and the scan logged before
//! the answer), and a cached pass opened as a QR image with the platform stopped.

use std::time::{Duration, Instant};

use chrono::{DateTime, Days, Utc};
use tongyou_client::PlatformClient;
use tongyou_core::api::{CatalogSnapshot, IdKind, PublicKey, RevocationDelta, TravellerInput};
use tongyou_device::Device;
use tongyou_device::station::{Reading, verify};
use tongyou_device::tickets::open_pass;
use tongyou_offline_store::gate::StoredStation;

use crate::booking::{Tourist, order, resident_id, start_platform};

/// Scans through the device station: `codes` signed by `key` (id 1), the revoked ids,
/// checked at `now`. Prints the rate and the outcome counts.
pub fn station_round(
    codes: &[String],
    public_key: &[u8; 32],
    revoked: &[[u8; 16]],
    now: i64,
) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    // Nothing listens there: the station never reaches a platform.
    let state =
        Device::open(dir.path(), "http://127.0.0.1:9").map_err(|e| anyhow::anyhow!("{e}"))?;
    *state
        .online
        .lock()
        .map_err(|_| anyhow::anyhow!("poisoned"))? = Some(false);
    state
        .store
        .save_catalog(&demo_catalog()?, &Utc::now().to_rfc3339())?;
    state.store.save_station(&StoredStation {
        region_id: "huangshan".into(),
        gate_id: "south-gate".into(),
        staff: "139****9000".into(),
        token: "bench".into(),
        signed_in_at: Utc::now().to_rfc3339(),
    })?;
    state.store.save_keys(&[PublicKey {
        key_id: 1,
        public_key: hex::encode(public_key),
        holder_salt: hex::encode([0u8; 16]),
        retired_at: None,
    }])?;
    state.store.save_revocations(&RevocationDelta {
        region_id: "huangshan".into(),
        revoked: revoked.iter().map(hex::encode).collect(),
        cursor: revoked.len() as i64,
    })?;
    let at = DateTime::<Utc>::from_timestamp(now, 0).unwrap_or_default();
    for round in ["first showing", "second showing"] {
        let (mut admitted, mut refused) = (0usize, 0usize);
        let started = Instant::now();
        for code in codes {
            let result =
                verify(&state, Reading::Code(code), at).map_err(|e| anyhow::anyhow!("{e}"))?;
            if result.admitted {
                admitted += 1;
            } else {
                refused += 1;
            }
        }
        let elapsed = started.elapsed();
        println!(
            "  device station, {round}: {:>7.0} scans/s ({:.0} µs each, scan logged in SQLite)  {admitted} admitted, {refused} refused",
            codes.len() as f64 / elapsed.as_secs_f64(),
            elapsed.as_secs_f64() * 1e6 / codes.len() as f64
        );
    }
    Ok(())
}

/// A real order's passes cached on the device, then opened as QR images offline.
pub fn open_pass_round(opens: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let (server, platform) =
        start_platform(&dir.path().join("platform.db"), crate::booking::TOURISTS)?;
    let url = platform.url();
    let state =
        Device::open(&dir.path().join("device"), &url).map_err(|e| anyhow::anyhow!("{e}"))?;
    let client = PlatformClient::new(&url)?;
    let pass_ids = server.block_on(async {
        let mobile = "13800009999";
        client.request_code(mobile).await?;
        let code = client.dev_sign_in_code(mobile).await?;
        let session = client.sign_in(mobile, &code).await?;
        let traveller = TravellerInput {
            name: "测试".into(),
            id_kind: IdKind::ResidentId,
            id_number: resident_id(1),
            birth_date: None,
            consent: Some(tongyou_core::privacy::NOTICE_VERSION.into()),
        };
        let id = client.add_traveller(&session.token, &traveller).await?.id;
        let tourist = Tourist {
            token: session.token.clone(),
            travellers: vec![id],
        };
        let today = Utc::now().date_naive();
        let request = order(3, &tourist, today, &(today + Days::new(10)).to_string());
        client
            .place_order(&session.token, "bench-1", &request)
            .await?;
        let orders = client.orders(&session.token).await?;
        state.store.save_session(&session)?;
        state
            .store
            .save_catalog(&demo_catalog()?, &Utc::now().to_rfc3339())?;
        state
            .store
            .save_orders(session.account_id, &orders, &Utc::now().to_rfc3339())?;
        anyhow::Ok(
            orders
                .iter()
                .flat_map(|o| &o.passes)
                .map(|p| p.pass_id.clone())
                .collect::<Vec<_>>(),
        )
    })?;
    server.block_on(platform.stop());
    anyhow::ensure!(!pass_ids.is_empty(), "the order issued no pass");

    let mut times: Vec<Duration> = Vec::with_capacity(opens);
    let mut size = 0;
    for i in 0..opens.max(1) {
        let started = Instant::now();
        let qr =
            open_pass(&state, &pass_ids[i % pass_ids.len()]).map_err(|e| anyhow::anyhow!("{e}"))?;
        times.push(started.elapsed());
        size = qr.qr_png.len();
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "  open a cached pass as a QR image, platform stopped: median {:.1} ms, slowest {:.1} ms over {} opens (target ≤ 50 ms; {} KB data URL)",
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        times.len(),
        size / 1024
    );
    Ok(())
}

fn demo_catalog() -> anyhow::Result<CatalogSnapshot> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../assets/regions/huangshan.toml"
    );
    let catalog = tongyou_core::catalog::Catalog::from_toml(path, &std::fs::read_to_string(path)?)?;
    Ok(CatalogSnapshot {
        version: catalog.version(),
        catalog,
    })
}

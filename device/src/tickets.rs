//! Ticket wallet commands: the signed-in tourist's passes as the device holds them, a
//! refresh from the platform, and one pass opened full screen as a QR code drawn on the
//! device. Nothing here needs the network except `refresh_wallet`.

use std::collections::HashMap;

use tongyou_core::api::{PassQr, WalletPass};
use tongyou_core::catalog::Catalog;
use tongyou_core::pass::read_unverified;
use tongyou_core::text::Text;
use tongyou_offline_store::wallet::StoredPass;

use crate::Device;
use crate::booking::keep;
use crate::error::CommandError;
use crate::outbox::{self, Drain};
use crate::qr;

impl Device {
    /// The signed-in account's passes, by day and slot, from the device only (empty when
    /// signed out).
    pub fn wallet(&self) -> Result<Vec<WalletPass>, CommandError> {
        read_wallet(self)
    }

    /// Sends the outbox, fetches the account's orders, keeps them (their passes with them)
    /// and reads the wallet again. Offline is an `offline` error: the screen keeps the list
    /// it has.
    pub async fn refresh_wallet(&self) -> Result<Vec<WalletPass>, CommandError> {
        let session = self.signed_in()?;
        if let Drain::Offline(why) = outbox::drain(self).await? {
            return Err(CommandError::Offline(why));
        }
        let orders = self
            .client
            .orders(&session.token)
            .await
            .map_err(|e| self.on_platform_error(e.into()))?;
        keep(self, session.account_id, &orders)?;
        read_wallet(self)
    }

    /// One of the account's passes with its QR code, drawn here: works with the network off.
    pub fn pass_qr(&self, pass_id: String) -> Result<PassQr, CommandError> {
        open_pass(self, &pass_id)
    }
}

pub fn read_wallet(state: &Device) -> Result<Vec<WalletPass>, CommandError> {
    let Some(session) = state.store.session()? else {
        return Ok(Vec::new());
    };
    let mut catalogs: HashMap<String, Option<Catalog>> = HashMap::new();
    let mut wallet = Vec::new();
    for stored in state.store.wallet(session.account_id)? {
        if !catalogs.contains_key(&stored.region_id) {
            let catalog = state.store.catalog(&stored.region_id)?.map(|c| c.catalog);
            catalogs.insert(stored.region_id.clone(), catalog);
        }
        let catalog = catalogs.get(&stored.region_id).and_then(Option::as_ref);
        wallet.push(wallet_pass(stored, catalog));
    }
    Ok(wallet)
}

pub fn open_pass(state: &Device, pass_id: &str) -> Result<PassQr, CommandError> {
    let session = state.signed_in()?;
    let stored = state
        .store
        .wallet_pass(pass_id)?
        .filter(|p| p.account_id == session.account_id)
        .ok_or_else(|| CommandError::NotFound(format!("pass {pass_id}")))?;
    let catalog = state.store.catalog(&stored.region_id)?.map(|c| c.catalog);
    let pass = wallet_pass(stored, catalog.as_ref());
    let png = qr::render_qr_png(&pass.code)?;
    Ok(PassQr {
        qr_png: qr::png_data_url(&png),
        pass,
    })
}

/// A stored pass as the Tickets screen shows it, with the names of the gates it opens:
/// those of its region that admit its product, narrowed to the gates the signed pass
/// names, if it names any. Without the catalog the gate list is empty, not an error.
pub fn wallet_pass(stored: StoredPass, catalog: Option<&Catalog>) -> WalletPass {
    let gates = catalog.map_or_else(Vec::new, |c| gate_names(c, &stored));
    WalletPass {
        pass_id: stored.pass_id,
        order_id: stored.order_id,
        region_id: stored.region_id,
        product_id: stored.product_id,
        name: stored.name,
        holder: stored.holder,
        date: stored.date,
        slot: stored.slot,
        gates,
        state: stored.state,
        code: stored.code,
    }
}

fn gate_names(catalog: &Catalog, pass: &StoredPass) -> Vec<Text> {
    // Display only: the signature is the gate's business, not the wallet's.
    let scoped = read_unverified(&pass.code)
        .map(|p| p.gates)
        .unwrap_or_default();
    catalog
        .gates
        .iter()
        .filter(|g| g.admits.contains(&pass.product_id))
        .filter(|g| scoped.is_empty() || scoped.contains(&g.id))
        .map(|g| g.name.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use tongyou_core::api::PassState;

    use super::*;

    use crate::demo_catalog as catalog;

    fn stored(product: &str) -> StoredPass {
        StoredPass {
            pass_id: "ab".repeat(16),
            account_id: 7,
            order_id: 3,
            region_id: "huangshan".into(),
            product_id: product.into(),
            name: Text::new("云谷索道", "Yungu Cable Car"),
            holder: Some("张*".into()),
            date: "2026-11-23".into(),
            slot: Some(("08:00".parse().unwrap(), "10:00".parse().unwrap())),
            state: PassState::Valid,
            code: "TY1:not-a-real-pass".into(),
            fetched_at: "2026-11-22T08:00:00Z".into(),
        }
    }

    #[test]
    fn an_entry_pass_lists_every_entrance_and_nothing_else() {
        let pass = wallet_pass(stored("entry"), Some(&catalog()));
        let names: Vec<&str> = pass.gates.iter().map(|g| g.en.as_str()).collect();
        assert_eq!(
            names,
            [
                "South Gate (Tangkou)",
                "Yungu Temple Entrance",
                "Ciguang Pavilion Entrance"
            ]
        );
        assert_eq!(pass.holder.as_deref(), Some("张*"));
        assert_eq!(pass.order_id, 3);
        assert_eq!(pass.code, "TY1:not-a-real-pass");
    }

    #[test]
    fn a_ride_pass_lists_its_own_station() {
        let pass = wallet_pass(stored("yungu"), Some(&catalog()));
        assert_eq!(pass.gates.len(), 1);
        assert_eq!(pass.gates[0].zh, "云谷索道下站");
    }

    #[test]
    fn without_the_catalog_the_pass_still_shows() {
        let pass = wallet_pass(stored("entry"), None);
        assert!(pass.gates.is_empty());
        assert_eq!(pass.name.en, "Yungu Cable Car");
        assert_eq!(pass.state, PassState::Valid);
    }
}

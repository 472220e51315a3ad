//! The ticket wallet: every pass of every order copy on the device, one row each, so the
//! Tickets screen and a full-screen QR code open with no network and no order parsing.
//!
//! Passes are written only by [`OfflineStore::save_orders`], inside the transaction that
//! writes their order copy: an order on the device always has all of its passes, and a
//! pass is never older than the order copy beside it. A refresh replaces rows, never
//! deletes them; a pass its own order no longer lists is marked void, not dropped. What
//! a pass admits (gate names) comes from the catalog, so it is left to the caller.

use rusqlite::{OptionalExtension, Row, Transaction, params};
use tongyou_core::api::{Order, PassState};
use tongyou_core::clock::ClockTime;
use tongyou_core::text::Text;

use crate::{OfflineStore, StoreError, from_tag, to_tag};

/// A pass as held in the device's wallet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPass {
    /// Hex of the 16-byte pass id.
    pub pass_id: String,
    pub account_id: i64,
    pub order_id: i64,
    pub region_id: String,
    pub product_id: String,
    pub name: Text,
    /// Masked holder name, for real-name tickets.
    pub holder: Option<String>,
    /// `YYYY-MM-DD`, region-local.
    pub date: String,
    pub slot: Option<(ClockTime, ClockTime)>,
    pub state: PassState,
    /// The QR text.
    pub code: String,
    /// When the order copy carrying it was fetched (RFC 3339).
    pub fetched_at: String,
}

const COLUMNS: &str = "pass_id, account_id, order_id, region_id, product_id, name_json, holder, date, slot, state, code, fetched_at";

impl OfflineStore {
    /// `account_id`'s passes, by day and then slot (all-day passes first).
    pub fn wallet(&self, account_id: i64) -> Result<Vec<StoredPass>, StoreError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM wallet_pass WHERE account_id = ?1
             ORDER BY date, slot, order_id, pass_id"
        ))?;
        let rows = stmt.query_map([account_id], raw_pass)?;
        rows.map(|row| stored_pass(row?)).collect()
    }

    /// One pass, whoever's it is: the caller checks it belongs to the signed-in account.
    pub fn wallet_pass(&self, pass_id: &str) -> Result<Option<StoredPass>, StoreError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM wallet_pass WHERE pass_id = ?1"
        ))?;
        stmt.query_row([pass_id], raw_pass)
            .optional()?
            .map(stored_pass)
            .transpose()
    }
}

/// Writes `order`'s passes, inside the caller's transaction (the one writing the order
/// copy). A newer copy replaces each row, except that a revoked pass stays revoked:
/// revocation is final, so a stale copy fetched before it cannot bring a pass back.
pub(crate) fn write_passes(
    tx: &Transaction<'_>,
    account_id: i64,
    order: &Order,
    fetched_at: &str,
) -> Result<(), StoreError> {
    let mut upsert = tx.prepare_cached(&format!(
        "INSERT INTO wallet_pass ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (pass_id) DO UPDATE SET
            account_id = excluded.account_id, order_id = excluded.order_id,
            region_id = excluded.region_id, product_id = excluded.product_id,
            name_json = excluded.name_json, holder = excluded.holder, date = excluded.date,
            slot = excluded.slot, code = excluded.code, fetched_at = excluded.fetched_at,
            state = CASE WHEN wallet_pass.state = 'revoked' THEN 'revoked' ELSE excluded.state END"
    ))?;
    for pass in &order.passes {
        upsert.execute(params![
            pass.pass_id,
            account_id,
            order.id,
            order.region_id,
            pass.product_id,
            serde_json::to_string(&pass.name)?,
            pass.holder,
            pass.date,
            pass.slot.map(slot_text),
            to_tag(&pass.state)?,
            pass.code,
            fetched_at,
        ])?;
    }
    void_dropped(tx, order, fetched_at)
}

/// The order itself no longer lists these passes: the platform replaced them, so they
/// no longer open a gate. They stay in the wallet, void, rather than vanish.
fn void_dropped(tx: &Transaction<'_>, order: &Order, fetched_at: &str) -> Result<(), StoreError> {
    let mut listed = tx.prepare_cached("SELECT pass_id FROM wallet_pass WHERE order_id = ?1")?;
    let stored = listed
        .query_map([order.id], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    let mut void =
        tx.prepare_cached("UPDATE wallet_pass SET state = ?2, fetched_at = ?3 WHERE pass_id = ?1")?;
    let revoked = to_tag(&PassState::Revoked)?;
    for pass_id in stored {
        if !order.passes.iter().any(|p| p.pass_id == pass_id) {
            void.execute(params![pass_id, revoked, fetched_at])?;
        }
    }
    Ok(())
}

/// `HH:MM-HH:MM`: sorts by start time as text.
fn slot_text((start, end): (ClockTime, ClockTime)) -> String {
    format!("{start}-{end}")
}

fn parse_slot(text: &str) -> Result<(ClockTime, ClockTime), StoreError> {
    let invalid = |why: String| StoreError::Invalid { what: "slot", why };
    let (start, end) = text
        .split_once('-')
        .ok_or_else(|| invalid(format!("`{text}` has no `-`")))?;
    Ok((
        start.parse().map_err(invalid)?,
        end.parse().map_err(invalid)?,
    ))
}

/// A row as SQLite holds it, before the JSON and tags are read.
struct RawPass {
    pass_id: String,
    account_id: i64,
    order_id: i64,
    region_id: String,
    product_id: String,
    name_json: String,
    holder: Option<String>,
    date: String,
    slot: Option<String>,
    state: String,
    code: String,
    fetched_at: String,
}

fn raw_pass(r: &Row<'_>) -> rusqlite::Result<RawPass> {
    Ok(RawPass {
        pass_id: r.get(0)?,
        account_id: r.get(1)?,
        order_id: r.get(2)?,
        region_id: r.get(3)?,
        product_id: r.get(4)?,
        name_json: r.get(5)?,
        holder: r.get(6)?,
        date: r.get(7)?,
        slot: r.get(8)?,
        state: r.get(9)?,
        code: r.get(10)?,
        fetched_at: r.get(11)?,
    })
}

fn stored_pass(raw: RawPass) -> Result<StoredPass, StoreError> {
    Ok(StoredPass {
        pass_id: raw.pass_id,
        account_id: raw.account_id,
        order_id: raw.order_id,
        region_id: raw.region_id,
        product_id: raw.product_id,
        name: serde_json::from_str(&raw.name_json)?,
        holder: raw.holder,
        date: raw.date,
        slot: raw.slot.as_deref().map(parse_slot).transpose()?,
        state: from_tag("pass state", &raw.state)?,
        code: raw.code,
        fetched_at: raw.fetched_at,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used)]

    use tongyou_core::api::{
        IssuedPass, Order, OrderState, PassState, Payment, PaymentMethod, PaymentState, Quote,
    };
    use tongyou_core::catalog::Fen;
    use tongyou_core::text::Text;

    use crate::OfflineStore;

    pub(crate) fn pass(id: &str, date: &str, slot: Option<(&str, &str)>) -> IssuedPass {
        IssuedPass {
            pass_id: id.into(),
            sub_order_id: 1,
            product_id: "entry".into(),
            name: Text::new("黄山门票", "Huangshan entry"),
            holder: Some("张*".into()),
            date: date.into(),
            slot: slot.map(|(a, b)| (a.parse().unwrap(), b.parse().unwrap())),
            code: format!("TY1:{id}"),
            state: PassState::Valid,
        }
    }

    pub(crate) fn order(id: i64, passes: Vec<IssuedPass>) -> Order {
        Order {
            id,
            region_id: "huangshan".into(),
            date: "2026-11-23".into(),
            state: OrderState::Confirmed,
            created_at: "2026-11-22T08:00:00+08:00".into(),
            holds_expire_at: None,
            combo: None,
            quote: Quote {
                lines: vec![],
                full_total: Fen(0),
                total: Fen(0),
                offers: vec![],
            },
            payment: Payment {
                id: format!("pay-{id}"),
                method: PaymentMethod::Wallet,
                state: PaymentState::Paid,
                amount: Fen(0),
                refunded: Fen(0),
                redirect_url: None,
            },
            sub_orders: vec![],
            passes,
            problem: None,
        }
    }

    fn ids(store: &OfflineStore, account: i64) -> Vec<String> {
        store
            .wallet(account)
            .unwrap()
            .into_iter()
            .map(|p| p.pass_id)
            .collect()
    }

    #[test]
    fn passes_land_with_their_order_by_day_then_slot() {
        let store = OfflineStore::open_in_memory().unwrap();
        let first = order(
            1,
            vec![
                pass("c", "2026-11-24", Some(("08:00", "10:00"))),
                pass("a", "2026-11-23", Some(("10:00", "12:00"))),
            ],
        );
        let second = order(2, vec![pass("b", "2026-11-23", None)]);
        store.save_orders(7, &[first, second], "t1").unwrap();
        assert_eq!(ids(&store, 7), ["b", "a", "c"]);
        assert!(store.wallet(8).unwrap().is_empty());

        let a = store.wallet_pass("a").unwrap().unwrap();
        assert_eq!(a.account_id, 7);
        assert_eq!(a.order_id, 1);
        assert_eq!(a.region_id, "huangshan");
        assert_eq!(a.name.en, "Huangshan entry");
        assert_eq!(a.holder.as_deref(), Some("张*"));
        assert_eq!(
            a.slot.map(|(s, e)| format!("{s}-{e}")).as_deref(),
            Some("10:00-12:00")
        );
        assert_eq!(a.code, "TY1:a");
        assert_eq!(a.fetched_at, "t1");
        assert_eq!(store.wallet_pass("nope").unwrap(), None);
    }

    #[test]
    fn a_newer_copy_replaces_a_pass_but_never_unrevokes_it() {
        let store = OfflineStore::open_in_memory().unwrap();
        let mut p = pass("a", "2026-11-23", None);
        store
            .save_orders(7, &[order(1, vec![p.clone()])], "t1")
            .unwrap();

        p.state = PassState::Used;
        store
            .save_orders(7, &[order(1, vec![p.clone()])], "t2")
            .unwrap();
        let stored = store.wallet_pass("a").unwrap().unwrap();
        assert_eq!(
            (stored.state, stored.fetched_at.as_str()),
            (PassState::Used, "t2")
        );

        p.state = PassState::Revoked;
        store
            .save_orders(7, &[order(1, vec![p.clone()])], "t3")
            .unwrap();
        // A copy fetched before the cancellation arrives late.
        p.state = PassState::Valid;
        store.save_orders(7, &[order(1, vec![p])], "t4").unwrap();
        assert_eq!(
            store.wallet_pass("a").unwrap().unwrap().state,
            PassState::Revoked
        );
    }

    #[test]
    fn a_refresh_without_an_order_keeps_its_passes() {
        let store = OfflineStore::open_in_memory().unwrap();
        store
            .save_orders(7, &[order(1, vec![pass("a", "2026-11-23", None)])], "t1")
            .unwrap();
        // The platform lists only recent orders: order 1 is not in this refresh.
        store
            .save_orders(7, &[order(2, vec![pass("b", "2026-11-24", None)])], "t2")
            .unwrap();
        store.save_orders(7, &[], "t3").unwrap();
        assert_eq!(ids(&store, 7), ["a", "b"]);
    }

    #[test]
    fn a_pass_its_order_no_longer_lists_is_void_not_gone() {
        let store = OfflineStore::open_in_memory().unwrap();
        let (a, b) = (pass("a", "2026-11-23", None), pass("b", "2026-11-23", None));
        store
            .save_orders(7, &[order(1, vec![a.clone(), b])], "t1")
            .unwrap();
        store.save_orders(7, &[order(1, vec![a])], "t2").unwrap();
        assert_eq!(ids(&store, 7), ["a", "b"]);
        assert_eq!(
            store.wallet_pass("a").unwrap().unwrap().state,
            PassState::Valid
        );
        assert_eq!(
            store.wallet_pass("b").unwrap().unwrap().state,
            PassState::Revoked
        );
    }

    #[test]
    fn signing_out_keeps_the_wallet() {
        let store = OfflineStore::open_in_memory().unwrap();
        store
            .save_orders(7, &[order(1, vec![pass("a", "2026-11-23", None)])], "t1")
            .unwrap();
        store.forget_session().unwrap();
        assert_eq!(ids(&store, 7), ["a"]);
    }
}

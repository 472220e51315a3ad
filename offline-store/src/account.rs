//! The signed-in tourist on this device: the session (so a restart stays signed in), the
//! saved travellers, and the last fetched copy of each of their orders, passes included,
//! so the order page and the ticket wallet work with no network. This module stores what
//! the platform said; it decides nothing about orders. Writes the tourist made that the
//! platform has not answered yet live in [`crate::outbox`] and are laid over the saved
//! travellers when they are read.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use tongyou_core::api::{Affected, Order, Session, Traveller};

use crate::outbox::{OutboxWrite, pending_entries};
use crate::{OfflineStore, StoreError};

impl OfflineStore {
    /// Remembers `session`, replacing any earlier one.
    pub fn save_session(&self, session: &Session) -> Result<(), StoreError> {
        let json = serde_json::to_string(session)?;
        self.conn()?.execute(
            "INSERT OR REPLACE INTO session (id, account_id, session_json) VALUES (1, ?1, seal(?2))",
            params![session.account_id, json],
        )?;
        Ok(())
    }

    /// The session, with its token, opened with the device key. A session this device's
    /// key does not open (its key file was lost) reads as signed out.
    pub fn session(&self) -> Result<Option<Session>, StoreError> {
        let stored: Option<String> = self
            .conn()?
            .query_row("SELECT session_json FROM session WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()?;
        let json = stored.and_then(|s| self.key.unseal(&s).ok());
        Ok(json.map(|j| serde_json::from_str(&j)).transpose()?)
    }

    /// Signs out on this device. Cached orders stay: they belong to the account and come
    /// back when it signs in again.
    pub fn forget_session(&self) -> Result<(), StoreError> {
        self.conn()?.execute("DELETE FROM session", [])?;
        Ok(())
    }

    /// Signing out: the session and what the device kept of the account (order copies,
    /// passes, saved travellers, support cases, the sights added to the trip's days, writes
    /// already answered) go, in one transaction. Writes
    /// not yet sent stay, for the same account's next sign-in to send: a queued
    /// cancellation is money.
    pub fn forget_account(&self, account_id: i64) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM session", [])?;
        tx.execute(
            "DELETE FROM wallet_pass WHERE account_id = ?1",
            [account_id],
        )?;
        tx.execute("DELETE FROM order_copy WHERE account_id = ?1", [account_id])?;
        tx.execute("DELETE FROM day_visit WHERE account_id = ?1", [account_id])?;
        tx.execute(
            "DELETE FROM support_case WHERE account_id = ?1",
            [account_id],
        )?;
        tx.execute(
            "DELETE FROM setting WHERE key IN (?1, ?2)",
            [travellers_key(account_id), disruptions_key(account_id)],
        )?;
        tx.execute(
            "DELETE FROM outbox WHERE account_id = ?1 AND done_at IS NOT NULL",
            [account_id],
        )?;
        tx.execute("DELETE FROM calendar_sequence", [])?;
        tx.commit()?;
        Ok(())
    }

    /// Keeps the disruptions that hit `account_id`'s orders, with their ways out, as the
    /// platform last said them: the trip still shows them with no network.
    pub fn save_disruptions(&self, account_id: i64, hit: &[Affected]) -> Result<(), StoreError> {
        self.set_setting(&disruptions_key(account_id), &serde_json::to_string(hit)?)
    }

    /// The disruptions last heard of; none before the first word.
    pub fn disruptions(&self, account_id: i64) -> Result<Vec<Affected>, StoreError> {
        match self.setting(&disruptions_key(account_id))? {
            Some(json) => Ok(serde_json::from_str(&json)?),
            None => Ok(Vec::new()),
        }
    }

    /// Keeps `account_id`'s saved travellers as the platform listed them (masked ID
    /// numbers only), so the Book screen can price a party offline.
    pub fn save_travellers(
        &self,
        account_id: i64,
        travellers: &[Traveller],
    ) -> Result<(), StoreError> {
        let conn = self.conn()?;
        write_travellers(&conn, account_id, travellers)
    }

    /// The saved travellers as the device shows them: the platform's list with the
    /// account's pending writes laid over it, in the order they were made. A traveller
    /// still to be added has the provisional id `-entry id`.
    pub fn travellers(&self, account_id: i64) -> Result<Vec<Traveller>, StoreError> {
        let conn = self.conn()?;
        let mut list = saved_travellers(&conn, account_id)?;
        for entry in pending_entries(&conn, account_id)? {
            match entry.write {
                OutboxWrite::AddTraveller { shown, .. } => list.push(Traveller {
                    id: -entry.id,
                    ..shown
                }),
                OutboxWrite::RemoveTraveller { traveller_id, .. } => {
                    list.retain(|t| t.id != traveller_id);
                }
                OutboxWrite::CancelOrder { .. } | OutboxWrite::OpenCase { .. } => {}
            }
        }
        Ok(list)
    }

    /// Keeps the latest copy of each order and writes its passes to the wallet, all in one
    /// transaction: a crash leaves either the old copies with their passes or the new.
    pub fn save_orders(
        &self,
        account_id: i64,
        orders: &[Order],
        fetched_at: &str,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        write_orders(&tx, account_id, orders, fetched_at)?;
        tx.commit()?;
        Ok(())
    }

    /// The stored copy of one of `account_id`'s orders.
    pub fn order(&self, account_id: i64, order_id: i64) -> Result<Option<Order>, StoreError> {
        let json: Option<String> = self
            .conn()?
            .query_row(
                "SELECT order_json FROM order_copy WHERE order_id = ?1 AND account_id = ?2",
                params![order_id, account_id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(json.map(|j| serde_json::from_str(&j)).transpose()?)
    }

    /// `account_id`'s stored orders, newest first.
    pub fn orders(&self, account_id: i64) -> Result<Vec<Order>, StoreError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(
            "SELECT order_json FROM order_copy WHERE account_id = ?1
             ORDER BY created_at DESC, order_id DESC",
        )?;
        let rows = stmt.query_map([account_id], |r| r.get::<_, String>(0))?;
        let mut orders = Vec::new();
        for json in rows {
            orders.push(serde_json::from_str(&json?)?);
        }
        Ok(orders)
    }
}

/// Order copies and their passes, inside the caller's transaction.
pub(crate) fn write_orders(
    tx: &Transaction<'_>,
    account_id: i64,
    orders: &[Order],
    fetched_at: &str,
) -> Result<(), StoreError> {
    let rows = orders
        .iter()
        .map(|o| Ok((o, serde_json::to_string(o)?)))
        .collect::<Result<Vec<_>, serde_json::Error>>()?;
    for (order, json) in rows {
        tx.execute(
            "INSERT OR REPLACE INTO order_copy (order_id, account_id, created_at, order_json, fetched_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![order.id, account_id, order.created_at, json, fetched_at],
        )?;
        crate::wallet::write_passes(tx, account_id, order, fetched_at)?;
    }
    Ok(())
}

/// The platform's list as last kept, without pending writes.
pub(crate) fn saved_travellers(
    conn: &Connection,
    account_id: i64,
) -> Result<Vec<Traveller>, StoreError> {
    let json: Option<String> = conn
        .query_row(
            "SELECT value FROM setting WHERE key = ?1",
            [travellers_key(account_id)],
            |r| r.get(0),
        )
        .optional()?;
    Ok(json
        .map(|j| serde_json::from_str(&j))
        .transpose()?
        .unwrap_or_default())
}

pub(crate) fn write_travellers(
    conn: &Connection,
    account_id: i64,
    travellers: &[Traveller],
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT OR REPLACE INTO setting (key, value) VALUES (?1, ?2)",
        params![
            travellers_key(account_id),
            serde_json::to_string(travellers)?
        ],
    )?;
    Ok(())
}

fn disruptions_key(account_id: i64) -> String {
    format!("disruptions.{account_id}")
}

fn travellers_key(account_id: i64) -> String {
    format!("travellers.{account_id}")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use tongyou_core::api::{
        Order, OrderState, Payment, PaymentMethod, PaymentState, Quote, Session,
    };
    use tongyou_core::catalog::Fen;

    use crate::OfflineStore;

    fn session(account_id: i64, token: &str) -> Session {
        Session {
            token: token.into(),
            account_id,
            mobile: "138****8000".into(),
            expires_at: "2026-12-22T00:00:00Z".into(),
        }
    }

    fn order(id: i64, created_at: &str, state: OrderState) -> Order {
        Order {
            id,
            region_id: "huangshan".into(),
            date: "2026-11-23".into(),
            state,
            created_at: created_at.into(),
            holds_expire_at: None,
            combo: None,
            quote: Quote {
                lines: vec![],
                full_total: Fen(19000),
                total: Fen(17100),
                offers: vec![],
            },
            payment: Payment {
                id: format!("pay-{id}"),
                method: PaymentMethod::Wallet,
                state: PaymentState::Paid,
                amount: Fen(17100),
                refunded: Fen(0),
                redirect_url: None,
            },
            sub_orders: vec![],
            passes: vec![],
            problem: None,
        }
    }

    #[test]
    fn a_session_survives_reopening_until_signed_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("device.db");
        let store = OfflineStore::open(&path).unwrap();
        assert_eq!(store.session().unwrap(), None);
        store.save_session(&session(1, "first")).unwrap();
        store.save_session(&session(2, "second")).unwrap();
        drop(store);

        let store = OfflineStore::open(&path).unwrap();
        assert_eq!(store.session().unwrap(), Some(session(2, "second")));
        store.forget_session().unwrap();
        assert_eq!(store.session().unwrap(), None);
    }

    #[test]
    fn orders_keep_their_latest_copy_per_account_newest_first() {
        let store = OfflineStore::open_in_memory().unwrap();
        let older = order(1, "2026-11-22T08:00:00+08:00", OrderState::AwaitingPayment);
        let newer = order(2, "2026-11-22T09:00:00+08:00", OrderState::Confirmed);
        store
            .save_orders(7, &[older.clone(), newer.clone()], "t1")
            .unwrap();
        store
            .save_orders(
                8,
                &[order(3, "2026-11-22T10:00:00+08:00", OrderState::Failed)],
                "t1",
            )
            .unwrap();

        let paid = order(1, "2026-11-22T08:00:00+08:00", OrderState::Confirmed);
        store
            .save_orders(7, std::slice::from_ref(&paid), "t2")
            .unwrap();

        assert_eq!(store.orders(7).unwrap(), [newer, paid.clone()]);
        assert_eq!(store.order(7, 1).unwrap(), Some(paid));
        // Another account's order is not this account's to read.
        assert_eq!(store.order(7, 3).unwrap(), None);
        assert_eq!(store.orders(8).unwrap().len(), 1);
    }

    #[test]
    fn travellers_are_kept_per_account() {
        let store = OfflineStore::open_in_memory().unwrap();
        assert!(store.travellers(7).unwrap().is_empty());
        let t = tongyou_core::api::Traveller {
            id: 3,
            name: "张三".into(),
            id_kind: tongyou_core::api::IdKind::ResidentId,
            id_masked: "3401**********123X".into(),
            birth_date: "1990-01-01".into(),
        };
        store.save_travellers(7, std::slice::from_ref(&t)).unwrap();
        assert_eq!(store.travellers(7).unwrap(), [t]);
        assert!(store.travellers(8).unwrap().is_empty());
    }

    #[test]
    fn signing_out_of_the_account_removes_its_data_but_not_a_write_still_to_send() {
        let store = OfflineStore::open_in_memory().unwrap();
        store.save_session(&session(7, "t")).unwrap();
        let o = order(1, "2026-11-22T08:00:00+08:00", OrderState::Confirmed);
        store
            .save_orders(7, std::slice::from_ref(&o), "t1")
            .unwrap();
        store
            .save_orders(
                8,
                &[order(2, "2026-11-22T08:00:00+08:00", OrderState::Confirmed)],
                "t1",
            )
            .unwrap();
        let traveller = tongyou_core::api::Traveller {
            id: 3,
            name: "张三".into(),
            id_kind: tongyou_core::api::IdKind::ResidentId,
            id_masked: "1101**********002X".into(),
            birth_date: "1949-12-31".into(),
        };
        store.save_travellers(7, &[traveller]).unwrap();
        let pending = store
            .enqueue(
                7,
                &crate::outbox::OutboxWrite::CancelOrder { order_id: 1 },
                "t2",
            )
            .unwrap();

        store.forget_account(7).unwrap();
        assert_eq!(store.session().unwrap(), None);
        assert!(store.orders(7).unwrap().is_empty());
        assert_eq!(
            store.orders(8).unwrap().len(),
            1,
            "another account's copy stays"
        );
        assert!(
            super::saved_travellers(&store.conn().unwrap(), 7)
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            store
                .pending(7)
                .unwrap()
                .iter()
                .map(|e| e.id)
                .collect::<Vec<_>>(),
            [pending.id]
        );
    }

    /// The token and a waiting traveller's ID number are never in the database file in
    /// plain text; the key is a private file beside it, and without it the device reads as
    /// signed out.
    #[test]
    fn the_token_and_waiting_id_numbers_are_sealed_at_rest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("device.db");
        let store = OfflineStore::open(&path).unwrap();
        store
            .save_session(&session(7, "secret-token-abcdef"))
            .unwrap();
        let input = tongyou_core::api::TravellerInput {
            name: "张三".into(),
            id_kind: tongyou_core::api::IdKind::ResidentId,
            id_number: "11010519491231002X".into(),
            birth_date: None,
            consent: None,
        };
        let shown = tongyou_core::api::Traveller {
            id: 0,
            name: "张三".into(),
            id_kind: tongyou_core::api::IdKind::ResidentId,
            id_masked: "1101**********002X".into(),
            birth_date: "1949-12-31".into(),
        };
        let write = crate::outbox::OutboxWrite::AddTraveller {
            input,
            shown,
            known: Vec::new(),
        };
        store.enqueue(7, &write, "2026-12-01T08:00:00Z").unwrap();
        assert_eq!(store.pending(7).unwrap()[0].write, write);
        drop(store);

        let raw = rusqlite::Connection::open(&path).unwrap();
        let stored: String = raw
            .query_row(
                "SELECT (SELECT session_json FROM session) || (SELECT body_json FROM outbox)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(!stored.contains("secret-token"), "{stored}");
        assert!(!stored.contains("19491231002X"), "{stored}");
        drop(raw);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("device.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let store = OfflineStore::open(&path).unwrap();
        assert_eq!(
            store.session().unwrap().unwrap().token,
            "secret-token-abcdef"
        );
        drop(store);

        std::fs::remove_file(dir.path().join("device.key")).unwrap();
        let store = OfflineStore::open(&path).unwrap();
        assert_eq!(
            store.session().unwrap(),
            None,
            "a lost key reads as signed out"
        );
    }

    /// A keystore in memory, as the system's would keep the key; it can stop answering.
    #[derive(Default)]
    struct Keychain {
        secret: std::sync::Mutex<Option<Vec<u8>>>,
        down: std::cell::Cell<bool>,
    }

    impl crate::Keystore for Keychain {
        fn get(&self) -> Result<Option<Vec<u8>>, String> {
            if self.down.get() {
                return Err("no keyring is running".into());
            }
            Ok(self.secret.lock().unwrap().clone())
        }

        fn put(&self, secret: &[u8]) -> Result<(), String> {
            if self.down.get() {
                return Err("no keyring is running".into());
            }
            *self.secret.lock().unwrap() = Some(secret.to_vec());
            Ok(())
        }
    }

    /// Where the system's keystore answers, the key lives there and no key file is made;
    /// the session it sealed opens again from it.
    #[test]
    fn the_device_key_lives_in_the_system_keystore_where_one_answers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("device.db");
        let keychain = Keychain::default();
        let store = OfflineStore::open_with(&path, Some(&keychain)).unwrap();
        store.save_session(&session(7, "secret-token")).unwrap();
        drop(store);
        assert!(!dir.path().join("device.key").exists());
        assert!(dir.path().join("device.key.in-keystore").exists());
        assert_eq!(
            keychain.secret.lock().unwrap().as_ref().map(Vec::len),
            Some(32)
        );

        let store = OfflineStore::open_with(&path, Some(&keychain)).unwrap();
        assert_eq!(store.session().unwrap().unwrap().token, "secret-token");
        drop(store);

        // The keystore not answering one day stops the store, and makes no new key that
        // would lock away what the old one sealed.
        keychain.down.set(true);
        let refused = OfflineStore::open_with(&path, Some(&keychain));
        assert!(matches!(
            refused,
            Err(crate::StoreError::Invalid {
                what: "device key",
                ..
            })
        ));
        assert!(!dir.path().join("device.key").exists());
        assert!(
            OfflineStore::open(&path).is_err(),
            "nor does a build without it"
        );
        keychain.down.set(false);
        let store = OfflineStore::open_with(&path, Some(&keychain)).unwrap();
        assert_eq!(store.session().unwrap().unwrap().token, "secret-token");
    }

    /// Where no keystore answers, the key is a private file; a device whose key is a file
    /// keeps it when a keystore appears later.
    #[test]
    fn with_no_keystore_the_key_is_a_private_file_and_stays_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("device.db");
        let keychain = Keychain::default();
        keychain.down.set(true);
        let store = OfflineStore::open_with(&path, Some(&keychain)).unwrap();
        store.save_session(&session(7, "secret-token")).unwrap();
        drop(store);
        assert!(dir.path().join("device.key").exists());
        assert!(!dir.path().join("device.key.in-keystore").exists());

        keychain.down.set(false);
        let store = OfflineStore::open_with(&path, Some(&keychain)).unwrap();
        assert_eq!(store.session().unwrap().unwrap().token, "secret-token");
        assert_eq!(
            *keychain.secret.lock().unwrap(),
            None,
            "the file stays the key"
        );
    }

    #[test]
    fn signing_out_keeps_the_orders() {
        let store = OfflineStore::open_in_memory().unwrap();
        store.save_session(&session(7, "t")).unwrap();
        let o = order(1, "2026-11-22T08:00:00+08:00", OrderState::Confirmed);
        store
            .save_orders(7, std::slice::from_ref(&o), "t1")
            .unwrap();
        store.forget_session().unwrap();
        assert_eq!(store.orders(7).unwrap(), [o]);
    }
}

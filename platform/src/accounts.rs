//! Tourist accounts: sign-in with a one-time code sent to a mobile number, sessions, and
//! saved travellers (常用旅客).
//!
//! Personal data rules (PIPL) live here: ID numbers are validated, stored only encrypted
//! (ChaCha20-Poly1305 with the platform's secret) plus a masked copy, and never returned
//! or logged in full. Codes and session tokens are stored as hashes. Codes go out through
//! a [`TextGateway`]; only dev mode's stand-in shows them to anyone.
//!
//! A code is guessed at most [`MAX_ATTEMPTS`] times: each try is counted in the same
//! statement that reads the code, before it is compared. A burned code stays until it
//! expires, so that it still holds back a new one for [`RESEND_AFTER`]. Requests for codes
//! and sign-in tries are limited per number and per client address ([`crate::limits`]).
//! Sessions end on sign-out, one or all of an account's, at once for the cache too.

mod records;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use tongyou_core::api::{
    AccountExport, CodeSent, FieldError, IdKind, Session, Traveller, TravellerInput,
};
use tongyou_core::identity::{self, Mobile};
use tongyou_core::privacy;
use tongyou_core::text::{Lang, Text};

use crate::limits::{Limiter, Limits, address_key};
pub use crate::secret::Secret;
use crate::sqlite::SqliteStore;
use crate::store::{SealedMobile, StoreError, StoredCode, StoredTraveller};
use crate::texts::{TextError, TextGateway};

const CODE_VALID: Duration = Duration::minutes(5);
pub const RESEND_AFTER: Duration = Duration::seconds(60);
pub const MAX_ATTEMPTS: u32 = 5;
const SESSION_VALID: Duration = Duration::days(30);

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    Unauthorized(&'static str),
    #[error("a code was sent {sent_s} s ago; ask again in {wait_s} s")]
    TooSoon { sent_s: i64, wait_s: i64 },
    #[error("too many requests; try again in {wait_s} s")]
    Limited { wait_s: i64 },
    #[error(transparent)]
    Texts(#[from] TextError),
    #[error("no such traveller")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the platform's secret key is unusable: {0}")]
    Crypto(String),
}

impl From<crate::secret::SecretError> for AccountError {
    fn from(e: crate::secret::SecretError) -> Self {
        AccountError::Crypto(e.to_string())
    }
}

pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

pub struct Accounts {
    store: Arc<SqliteStore>,
    secret: Secret,
    texts: Arc<dyn TextGateway>,
    codes_per_number: Limiter,
    codes_per_address: Limiter,
    sign_ins_per_address: Limiter,
    /// Sessions seen, by token hash: a session never changes once issued (it expires or
    /// is ended here), so a token seen once is answered without the database next time.
    sessions: Mutex<HashMap<String, (i64, DateTime<Utc>)>>,
    /// Counts sign-outs, so that a session read from the database while one happened is
    /// not remembered: it may be the one that just ended.
    sign_outs: AtomicU64,
    clock: Clock,
}

/// Sessions remembered at most; past this the memory starts again empty.
const SESSIONS_REMEMBERED: usize = 100_000;

impl Accounts {
    pub fn new(
        store: Arc<SqliteStore>,
        secret: Secret,
        texts: Arc<dyn TextGateway>,
        limits: Limits,
        clock: Clock,
    ) -> Accounts {
        Accounts {
            store,
            secret,
            texts,
            codes_per_number: Limiter::new(limits.codes_per_number),
            codes_per_address: Limiter::new(limits.codes_per_address),
            sign_ins_per_address: Limiter::new(limits.sign_ins_per_address),
            sessions: Mutex::default(),
            sign_outs: AtomicU64::new(0),
            clock,
        }
    }

    /// Seals again under the current data key, and hashes again, every saved traveller
    /// whose lookup hash is not of that key: after a rotation, and for travellers saved
    /// before lookups were HMACs. Run at start and by the rotation; a duplicate is then
    /// still refused.
    pub fn reseal_travellers(&self) -> Result<usize, AccountError> {
        let old = self.store.lookups_to_rehash(&self.secret.lookup_prefix())?;
        for (id, kind, sealed) in &old {
            let number = self.secret.decrypt(sealed)?;
            self.store.reseal_traveller(
                *id,
                &self.secret.encrypt(&number)?,
                &self.id_lookup(kind, &number),
            )?;
        }
        Ok(old.len())
    }

    /// Drops expired codes and sessions from the database.
    pub fn prune(&self) -> Result<usize, AccountError> {
        Ok(self.store.prune_expired(&(self.clock)().to_rfc3339())?)
    }

    /// Issues a code for `mobile`, asked from `from`, and sends it through the gateway.
    /// The code is returned for tests; it is never part of a response.
    pub fn request_code(
        &self,
        mobile: &str,
        from: IpAddr,
    ) -> Result<(CodeSent, String), AccountError> {
        let mobile = parse_mobile(mobile)?;
        let now = (self.clock)();
        let key = self.mobile_key(&mobile);
        if let Some(previous) = self.store.code(&key)? {
            let sent = parse_time(&previous.issued_at);
            let since = now - sent;
            if since < RESEND_AFTER {
                return Err(AccountError::TooSoon {
                    sent_s: since.num_seconds(),
                    wait_s: (RESEND_AFTER - since).num_seconds().max(1),
                });
            }
        }
        limited(self.codes_per_address.take(&address_key(from), now))?;
        limited(self.codes_per_number.take(&key, now))?;
        let mut raw = [0u8; 4];
        getrandom::fill(&mut raw).map_err(|e| AccountError::Crypto(e.to_string()))?;
        let code = format!("{:06}", u32::from_le_bytes(raw) % 1_000_000);
        self.store.put_code(
            &key,
            &StoredCode {
                code_hash: self.code_hash(mobile.as_str(), &code),
                issued_at: now.to_rfc3339(),
                expires_at: (now + CODE_VALID).to_rfc3339(),
                attempts: 0,
            },
        )?;
        if let Err(e) = self.texts.send_code(&mobile, &code) {
            // Not sent: it must not hold back the next request either.
            self.store.delete_code(&key)?;
            return Err(e.into());
        }
        tracing::info!(mobile = %mobile.masked(), "sign-in code sent");
        let sent = CodeSent {
            mobile: mobile.masked(),
            expires_in_s: CODE_VALID.num_seconds() as u32,
            resend_after_s: RESEND_AFTER.num_seconds() as u32,
        };
        Ok((sent, code))
    }

    /// Checks a code, tried from `from`, and opens a session. A code works once; five
    /// tries burn it, counted before the code is compared.
    pub fn sign_in(&self, mobile: &str, code: &str, from: IpAddr) -> Result<Session, AccountError> {
        let mobile = parse_mobile(mobile)?;
        let now = (self.clock)();
        limited(self.sign_ins_per_address.take(&address_key(from), now))?;
        let wrong =
            AccountError::Unauthorized("the code is wrong or has expired; ask for a new one");
        let key = self.mobile_key(&mobile);
        let Some(stored) = self
            .store
            .take_attempt(&key, MAX_ATTEMPTS, &now.to_rfc3339())?
        else {
            return Err(wrong);
        };
        let hash = self.code_hash(mobile.as_str(), code.trim());
        // Only one of two racing right answers removes the code.
        if stored.code_hash != hash || !self.store.claim_code(&key, &hash)? {
            return Err(wrong);
        }
        let account_id = self
            .store
            .account_for(&self.sealed_mobile(&mobile, key)?, &now.to_rfc3339())?;
        let mut raw = [0u8; 32];
        getrandom::fill(&mut raw).map_err(|e| AccountError::Crypto(e.to_string()))?;
        let token = hex::encode(raw);
        let expires_at = now + SESSION_VALID;
        let token_hash = token_hash(&token);
        self.store
            .put_session(&token_hash, account_id, &expires_at.to_rfc3339())?;
        self.remember(token_hash, account_id, expires_at, None);
        Ok(Session {
            token,
            account_id,
            mobile: mobile.masked(),
            expires_at: expires_at.to_rfc3339(),
        })
    }

    /// The account behind a bearer token.
    pub fn authenticate(&self, token: &str) -> Result<i64, AccountError> {
        let expired =
            AccountError::Unauthorized("sign in first: the session is missing or has expired");
        let hash = token_hash(token);
        let now = (self.clock)();
        if let Some(known) = self.remembered(&hash, now) {
            return known.ok_or(expired);
        }
        let sign_outs = self.sign_outs.load(Ordering::SeqCst);
        let (account_id, expires_at) = self
            .store
            .session_account(&hash, &now.to_rfc3339())?
            .ok_or(expired)?;
        self.remember(hash, account_id, parse_time(&expires_at), Some(sign_outs));
        Ok(account_id)
    }

    /// Ends the session of `token`, on the platform and in its memory at once.
    pub fn sign_out(&self, token: &str) -> Result<(), AccountError> {
        let hash = token_hash(token);
        // The database first: a lookup that read the row before this delete has seen the
        // sign-out counter unchanged, so the memory must be cleared after it, not before.
        self.store.delete_session(&hash)?;
        self.forget(|known, _| known == hash);
        Ok(())
    }

    /// Ends every session of the account ("sign out everywhere"); how many there were.
    pub fn sign_out_everywhere(&self, account_id: i64) -> Result<usize, AccountError> {
        let ended = self.store.delete_sessions(account_id)?;
        self.forget(|_, (account, _)| *account == account_id);
        Ok(ended)
    }

    /// Drops remembered sessions, and keeps a lookup already under way from remembering
    /// one of them again.
    fn forget(&self, ended: impl Fn(&str, &(i64, DateTime<Utc>)) -> bool) {
        self.sign_outs.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut sessions) = self.sessions.lock() {
            sessions.retain(|hash, session| !ended(hash, session));
        }
    }

    /// The account behind a token this platform has already seen, answered without the
    /// database (so on an async worker); `None` when it has to be looked up.
    pub fn known_session(&self, token: &str) -> Option<i64> {
        self.remembered(&token_hash(token), (self.clock)())
            .flatten()
    }

    /// `Some(Some(account))` for a live remembered session, `Some(None)` for an expired
    /// one, `None` when not remembered.
    fn remembered(&self, hash: &str, now: DateTime<Utc>) -> Option<Option<i64>> {
        let sessions = self.sessions.lock().ok()?;
        let (account_id, expires_at) = sessions.get(hash)?;
        Some((*expires_at > now).then_some(*account_id))
    }

    /// Remembers a session; one read from the database (`read_after` the sign-outs seen
    /// before the read) only when no sign-out happened since.
    fn remember(
        &self,
        hash: String,
        account_id: i64,
        expires_at: DateTime<Utc>,
        read_after: Option<u64>,
    ) {
        if let Ok(mut sessions) = self.sessions.lock() {
            if read_after.is_some_and(|seen| seen != self.sign_outs.load(Ordering::SeqCst)) {
                return;
            }
            if sessions.len() >= SESSIONS_REMEMBERED {
                sessions.clear();
            }
            sessions.insert(hash, (account_id, expires_at));
        }
    }

    pub fn add_traveller(
        &self,
        account_id: i64,
        input: &TravellerInput,
    ) -> Result<Traveller, AccountError> {
        let today = (self.clock)().date_naive();
        let current = privacy::NOTICE_VERSION;
        let agreed = self.store.consent(account_id)?.as_deref() == Some(current);
        let agrees_now = input.consent.as_deref() == Some(current);
        let valid = identity::validate_traveller(input, today);
        let mut problems = valid.as_ref().err().cloned().unwrap_or_default();
        if !agreed && !agrees_now {
            problems.push(FieldError::new(
                "consent",
                "保存证件号码前，请先阅读并同意隐私声明",
                "Read and agree to the privacy notice before an ID number is saved",
            ));
        }
        let valid = match valid {
            Ok(valid) if problems.is_empty() => valid,
            _ => return Err(AccountError::Invalid(problems)),
        };
        let now = (self.clock)().to_rfc3339();
        if !agreed {
            self.store.record_consent(account_id, current, &now)?;
        }
        let stored = StoredTraveller {
            id: 0,
            name: valid.name.clone(),
            id_kind: kind_str(input.id_kind).to_owned(),
            id_cipher: self.secret.encrypt(&valid.id_number)?,
            id_masked: valid.id_masked.clone(),
            id_lookup: self.id_lookup(kind_str(input.id_kind), &valid.id_number),
            birth_date: valid.birth_date.to_string(),
        };
        let Some(id) = self.store.add_traveller(account_id, &stored, &now)? else {
            return Err(AccountError::Invalid(vec![FieldError::new(
                "id_number",
                "这位旅客已在常用旅客中",
                "This traveller is already saved",
            )]));
        };
        Ok(public(StoredTraveller { id, ..stored }))
    }

    /// What the platform holds of the account itself (orders are the booking's), for its
    /// export: the mobile number masked, travellers masked.
    pub fn export(
        &self,
        account_id: i64,
        orders: Vec<tongyou_core::api::Order>,
    ) -> Result<AccountExport, AccountError> {
        let (mobile, created_at) = self
            .store
            .account(account_id)?
            .ok_or(AccountError::NotFound)?;
        Ok(AccountExport {
            exported_at: (self.clock)().to_rfc3339(),
            account_id,
            mobile,
            created_at,
            consent: self.store.consent_detail(account_id)?,
            travellers: self.travellers(account_id)?,
            orders,
            sessions: self.store.session_count(account_id)?,
            // Filled by the support module's caller: support keeps its own records.
            shares: Vec::new(),
            cases: Vec::new(),
        })
    }

    /// Deletes the account's personal data (saved travellers and their ID numbers,
    /// sessions, codes, consent, the number itself) and forgets its sessions at once. Run
    /// inside the booking's unit that also clears its orders of anything personal.
    pub fn delete_data(&self, account_id: i64) -> Result<(), AccountError> {
        self.store.delete_account_data(account_id)?;
        self.forget(|_, (account, _)| *account == account_id);
        Ok(())
    }

    pub fn travellers(&self, account_id: i64) -> Result<Vec<Traveller>, AccountError> {
        Ok(self
            .store
            .travellers(account_id)?
            .into_iter()
            .map(public)
            .collect())
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    pub fn remove_traveller(&self, account_id: i64, id: i64) -> Result<(), AccountError> {
        if self.store.remove_traveller(account_id, id)? {
            Ok(())
        } else {
            Err(AccountError::NotFound)
        }
    }

    /// The keyed hash a mobile number is found by (accounts, codes, limits), marked with
    /// the data key's id.
    pub(crate) fn mobile_key(&self, mobile: &Mobile) -> String {
        format!(
            "{}{}",
            self.secret.lookup_prefix(),
            self.secret
                .keyed_hash(&format!("mobile:{}", mobile.as_str()))
        )
    }

    /// Whether the account signed in with one of `mobiles` (a staff list such as the
    /// operators'). Compares keyed hashes: no number is read back.
    pub(crate) fn signed_in_with_one_of(
        &self,
        account: i64,
        mobiles: &[String],
    ) -> Result<bool, AccountError> {
        let lookup = self.store.mobile_lookup(account)?;
        Ok(lookup.is_some_and(|lookup| {
            mobiles
                .iter()
                .filter_map(|m| Mobile::parse(m).ok())
                .any(|m| self.mobile_key(&m) == lookup)
        }))
    }

    /// `mobile` as an account keeps it, `lookup` being its [`Accounts::mobile_key`].
    fn sealed_mobile(&self, mobile: &Mobile, lookup: String) -> Result<SealedMobile, AccountError> {
        Ok(SealedMobile {
            lookup,
            masked: mobile.masked(),
            sealed: self.secret.encrypt(mobile.as_str())?,
        })
    }

    /// Seals every account's mobile number not yet sealed under the current data key: the
    /// plain numbers stored before numbers were sealed, and all of them after a rotation.
    /// Run at start and by the rotation.
    pub fn seal_mobiles(&self) -> Result<usize, AccountError> {
        let todo = self.store.mobiles_to_seal(&self.secret.lookup_prefix())?;
        for (account_id, plain, sealed) in &todo {
            let number = match (plain, sealed) {
                (Some(plain), _) => plain.clone(),
                (None, Some(sealed)) => self.secret.decrypt(sealed)?,
                (None, None) => continue,
            };
            let Ok(mobile) = Mobile::parse(&number) else {
                continue;
            };
            self.store.seal_mobile(
                *account_id,
                &self.sealed_mobile(&mobile, self.mobile_key(&mobile))?,
            )?;
        }
        Ok(todo.len())
    }

    fn code_hash(&self, mobile: &str, code: &str) -> String {
        self.secret.keyed_hash(&format!("code:{mobile}:{code}"))
    }

    fn id_lookup(&self, kind: &str, number: &str) -> String {
        id_lookup(&self.secret, kind, number)
    }
}

/// A traveller's lookup hash: an HMAC of the ID under the current data key, marked with
/// the key's id so that a start after a rotation finds the ones to hash again.
pub(crate) fn id_lookup(secret: &Secret, kind: &str, number: &str) -> String {
    format!(
        "{}{}",
        secret.lookup_prefix(),
        secret.keyed_hash(&format!("{kind}:{number}"))
    )
}

/// A limiter's refusal as the error the API answers with 429 and `Retry-After`.
fn limited(taken: Result<(), Duration>) -> Result<(), AccountError> {
    taken.map_err(|wait| AccountError::Limited {
        wait_s: wait.num_seconds().max(1),
    })
}

/// How a session token is kept: its SHA-256 (the token is 32 random bytes).
pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub(crate) fn parse_time(rfc3339: &str) -> DateTime<Utc> {
    // Written by this module; an unreadable value counts as long past, failing safe.
    DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.to_utc())
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn kind_str(kind: IdKind) -> &'static str {
    match kind {
        IdKind::ResidentId => "resident_id",
        IdKind::Passport => "passport",
    }
}

fn public(t: StoredTraveller) -> Traveller {
    Traveller {
        id: t.id,
        name: t.name,
        id_kind: if t.id_kind == "passport" {
            IdKind::Passport
        } else {
            IdKind::ResidentId
        },
        id_masked: t.id_masked,
        birth_date: t.birth_date,
    }
}

fn parse_mobile(mobile: &str) -> Result<Mobile, AccountError> {
    Mobile::parse(mobile).map_err(|e| {
        AccountError::Invalid(vec![FieldError {
            field: "mobile".into(),
            message: Text::new(e.message(Lang::Zh), e.message(Lang::En)),
        }])
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::sqlite::SqliteStore;

    struct Fixture {
        accounts: Accounts,
        store: Arc<SqliteStore>,
        now: Arc<Mutex<DateTime<Utc>>>,
    }

    const HERE: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    fn accounts(store: &Arc<SqliteStore>, clock: Clock) -> Accounts {
        Accounts::new(
            store.clone(),
            Secret::from_key([9; 32]),
            Arc::new(crate::texts::DevTexts::default()),
            Limits::default(),
            clock,
        )
    }

    fn fixture() -> Fixture {
        let store = Arc::new(SqliteStore::open(Path::new(":memory:")).unwrap());
        let now = Arc::new(Mutex::new(
            DateTime::parse_from_rfc3339("2026-11-22T08:00:00Z")
                .unwrap()
                .to_utc(),
        ));
        let clock_now = Arc::clone(&now);
        let clock: Clock = Arc::new(move || *clock_now.lock().unwrap());
        Fixture {
            accounts: accounts(&store, clock),
            store,
            now,
        }
    }

    impl Fixture {
        /// The same database behind a platform started again: nothing remembered.
        fn restarted(&self) -> Accounts {
            let now = Arc::clone(&self.now);
            let clock: Clock = Arc::new(move || *now.lock().unwrap());
            accounts(&self.store, clock)
        }

        fn signed_in(&self, mobile: &str) -> Session {
            let (_, code) = self.accounts.request_code(mobile, HERE).unwrap();
            self.accounts.sign_in(mobile, &code, HERE).unwrap()
        }

        fn advance(&self, by: Duration) {
            *self.now.lock().unwrap() += by;
        }
    }

    #[test]
    fn a_code_signs_in_once() {
        let f = fixture();
        let (sent, code) = f.accounts.request_code("138 0013 8000", HERE).unwrap();
        assert_eq!(sent.mobile, "138****8000");
        let session = f.accounts.sign_in("13800138000", &code, HERE).unwrap();
        assert_eq!(
            f.accounts.authenticate(&session.token).unwrap(),
            session.account_id
        );
        assert!(matches!(
            f.accounts.sign_in("13800138000", &code, HERE),
            Err(AccountError::Unauthorized(_))
        ));
    }

    #[test]
    fn codes_expire() {
        let f = fixture();
        let (_, code) = f.accounts.request_code("13800138000", HERE).unwrap();
        f.advance(CODE_VALID + Duration::seconds(1));
        assert!(matches!(
            f.accounts.sign_in("13800138000", &code, HERE),
            Err(AccountError::Unauthorized(_))
        ));
    }

    #[test]
    fn five_wrong_guesses_burn_the_code() {
        let f = fixture();
        let (_, code) = f.accounts.request_code("13800138000", HERE).unwrap();
        let wrong = if code == "000000" { "111111" } else { "000000" };
        for _ in 0..MAX_ATTEMPTS {
            assert!(f.accounts.sign_in("13800138000", wrong, HERE).is_err());
        }
        assert!(
            f.accounts.sign_in("13800138000", &code, HERE).is_err(),
            "the right code must no longer work"
        );
    }

    /// Racing guesses each take a try before they are compared: however many arrive at
    /// once, at most five are compared.
    #[test]
    fn racing_guesses_take_their_tries_first() {
        let f = fixture();
        f.accounts.request_code("13800138000", HERE).unwrap();
        let key = f
            .accounts
            .mobile_key(&Mobile::parse("13800138000").unwrap());
        let now = f.accounts.now().to_rfc3339();
        let compared: usize = std::thread::scope(|s| {
            let racers: Vec<_> = (0..32)
                .map(|_| {
                    s.spawn(|| {
                        f.store
                            .take_attempt(&key, MAX_ATTEMPTS, &now)
                            .unwrap()
                            .is_some()
                    })
                })
                .collect();
            racers
                .into_iter()
                .filter_map(|r| r.join().unwrap().then_some(()))
                .count()
        });
        assert_eq!(compared, MAX_ATTEMPTS as usize);
        assert_eq!(f.store.code(&key).unwrap().unwrap().attempts, MAX_ATTEMPTS);
    }

    /// A burned code is kept until it expires, so asking for a new one still waits.
    #[test]
    fn a_burned_code_still_holds_back_the_next() {
        let f = fixture();
        let (_, code) = f.accounts.request_code("13800138000", HERE).unwrap();
        let wrong = if code == "000000" { "111111" } else { "000000" };
        for _ in 0..MAX_ATTEMPTS {
            assert!(f.accounts.sign_in("13800138000", wrong, HERE).is_err());
        }
        assert!(matches!(
            f.accounts.request_code("13800138000", HERE),
            Err(AccountError::TooSoon { .. })
        ));
        f.advance(RESEND_AFTER);
        assert!(f.accounts.request_code("13800138000", HERE).is_ok());
    }

    #[test]
    fn codes_are_limited_per_number_and_per_address() {
        let f = fixture();
        let limits = Limits::default();
        for _ in 0..limits.codes_per_number.max {
            f.accounts.request_code("13800138000", HERE).unwrap();
            f.advance(RESEND_AFTER);
        }
        let elsewhere: IpAddr = "192.0.2.7".parse().unwrap();
        match f.accounts.request_code("13800138000", elsewhere) {
            Err(AccountError::Limited { wait_s }) => {
                assert!(wait_s > 0 && wait_s <= Duration::days(1).num_seconds())
            }
            other => panic!("expected the number's daily limit, got {other:?}"),
        }
        // Other numbers from one address run into the address's limit.
        let f = fixture();
        let mut refused = None;
        for n in 0..=limits.codes_per_address.max {
            let mobile = format!("1380013{:04}", n);
            if let Err(e) = f.accounts.request_code(&mobile, HERE) {
                refused = Some((n, e));
                break;
            }
        }
        assert!(
            matches!(refused, Some((n, AccountError::Limited { .. })) if n == limits.codes_per_address.max),
            "{refused:?}"
        );
        assert!(f.accounts.request_code("13900000000", elsewhere).is_ok());
    }

    #[test]
    fn sign_in_tries_are_limited_per_address() {
        let f = fixture();
        for _ in 0..Limits::default().sign_ins_per_address.max {
            assert!(matches!(
                f.accounts.sign_in("13800138000", "000000", HERE),
                Err(AccountError::Unauthorized(_))
            ));
        }
        assert!(matches!(
            f.accounts.sign_in("13800138000", "000000", HERE),
            Err(AccountError::Limited { .. })
        ));
    }

    #[test]
    fn signing_out_ends_one_session_or_all_at_once() {
        let f = fixture();
        let first = f.signed_in("13800138000");
        f.advance(RESEND_AFTER);
        let second = f.signed_in("13800138000");
        f.advance(RESEND_AFTER);
        let third = f.signed_in("13800138000");
        let other = f.signed_in("13900139000");
        let restarted = f.restarted();
        for s in [&first, &second, &third] {
            assert!(restarted.authenticate(&s.token).is_ok());
        }
        f.accounts.sign_out(&first.token).unwrap();
        assert_eq!(f.accounts.known_session(&first.token), None);
        assert!(f.accounts.authenticate(&first.token).is_err());
        assert!(f.accounts.authenticate(&second.token).is_ok());

        assert_eq!(restarted.sign_out_everywhere(second.account_id).unwrap(), 2);
        // The platform that remembered them forgets them once it hears of it; one that
        // ended them forgets at once.
        for s in [&second, &third] {
            assert_eq!(restarted.known_session(&s.token), None);
            assert!(restarted.authenticate(&s.token).is_err());
            assert!(f.restarted().authenticate(&s.token).is_err());
        }
        assert_eq!(
            restarted.authenticate(&other.token).ok(),
            Some(other.account_id)
        );
    }

    #[test]
    fn expired_codes_and_sessions_are_pruned() {
        let f = fixture();
        let session = f.signed_in("13800138000");
        f.accounts.request_code("13900139000", HERE).unwrap();
        assert_eq!(f.accounts.prune().unwrap(), 0);
        f.advance(CODE_VALID);
        assert_eq!(f.accounts.prune().unwrap(), 1);
        let key = f
            .accounts
            .mobile_key(&Mobile::parse("13900139000").unwrap());
        assert!(f.store.code(&key).unwrap().is_none());
        f.advance(SESSION_VALID);
        assert_eq!(f.accounts.prune().unwrap(), 1);
        assert!(f.restarted().authenticate(&session.token).is_err());
    }

    /// The first saved traveller needs the privacy notice agreed to; the consent is kept,
    /// so later ones do not ask again.
    #[test]
    fn the_first_traveller_needs_consent_to_the_privacy_notice() {
        let f = fixture();
        let account = f.signed_in("13800138000").account_id;
        let mut input = TravellerInput {
            name: "张三".into(),
            id_kind: IdKind::ResidentId,
            id_number: "11010519491231002X".into(),
            birth_date: None,
            consent: None,
        };
        match f.accounts.add_traveller(account, &input) {
            Err(AccountError::Invalid(fields)) => {
                assert_eq!(fields.len(), 1);
                assert_eq!(fields[0].field, "consent");
                assert!(fields[0].message.zh.contains("隐私声明"));
            }
            other => panic!("expected the consent to be asked for, got {other:?}"),
        }
        input.consent = Some("1999-01-01".into());
        assert!(
            f.accounts.add_traveller(account, &input).is_err(),
            "an old notice"
        );
        assert!(f.accounts.travellers(account).unwrap().is_empty());
        input.consent = Some(privacy::NOTICE_VERSION.into());
        f.accounts.add_traveller(account, &input).unwrap();
        assert_eq!(
            f.store.consent(account).unwrap().as_deref(),
            Some(privacy::NOTICE_VERSION)
        );
        let second = TravellerInput {
            name: "Ann Lee".into(),
            id_kind: IdKind::Passport,
            id_number: "E12345678".into(),
            birth_date: Some("1990-01-01".into()),
            consent: None,
        };
        f.accounts.add_traveller(account, &second).unwrap();
    }

    /// No mobile number is stored in plain text: accounts and codes keep a keyed hash, the
    /// masked form and a sealed copy; an account stored before that is sealed at start and
    /// still found by its number.
    #[test]
    fn mobile_numbers_are_never_stored_in_plain_text() {
        let f = fixture();
        let session = f.signed_in("13800138000");
        f.accounts.request_code("13900139000", HERE).unwrap();
        let conn = f.store.conn().unwrap();
        let plain: i64 = conn
            .query_row(
                "SELECT (SELECT COUNT(*) FROM account WHERE mobile LIKE '%1380013800%'
                            OR mobile_lookup LIKE '%1380013800%')
                      + (SELECT COUNT(*) FROM sign_in_code WHERE mobile LIKE '%139001390%')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(plain, 0);
        let masked: String = conn
            .query_row("SELECT mobile_masked FROM account", [], |r| r.get(0))
            .unwrap();
        assert_eq!(masked, "138****8000");

        // An account as stored before: the plain number, no hash.
        conn.execute(
            "INSERT INTO account (mobile, created_at) VALUES ('13700137000', '2026-11-01T00:00:00Z')",
            [],
        )
        .unwrap();
        let old: i64 = conn.last_insert_rowid();
        drop(conn);
        assert_eq!(f.accounts.seal_mobiles().unwrap(), 1);
        assert_eq!(f.accounts.seal_mobiles().unwrap(), 0);
        f.advance(RESEND_AFTER);
        assert_eq!(f.signed_in("13700137000").account_id, old);
        assert_ne!(session.account_id, old);
    }

    #[test]
    fn old_lookups_are_hashed_again() {
        let f = fixture();
        let account = f.signed_in("13800138000").account_id;
        let input = TravellerInput {
            name: "张三".into(),
            id_kind: IdKind::ResidentId,
            id_number: "11010519491231002X".into(),
            birth_date: None,
            consent: Some(tongyou_core::privacy::NOTICE_VERSION.into()),
        };
        let saved = f.accounts.add_traveller(account, &input).unwrap();
        // As a traveller saved before HMAC would have it.
        let sealed = f.store.travellers(account).unwrap()[0].id_cipher.clone();
        f.store
            .reseal_traveller(saved.id, &sealed, "0123abcd")
            .unwrap();
        assert_eq!(f.accounts.reseal_travellers().unwrap(), 1);
        assert_eq!(f.accounts.reseal_travellers().unwrap(), 0);
        assert!(matches!(
            f.accounts.add_traveller(account, &input),
            Err(AccountError::Invalid(_))
        ));
    }

    #[test]
    fn resending_waits_a_minute() {
        let f = fixture();
        f.accounts.request_code("13800138000", HERE).unwrap();
        assert!(matches!(
            f.accounts.request_code("13800138000", HERE),
            Err(AccountError::TooSoon { .. })
        ));
        f.advance(RESEND_AFTER);
        assert!(f.accounts.request_code("13800138000", HERE).is_ok());
    }

    #[test]
    fn sessions_expire() {
        let f = fixture();
        let (_, code) = f.accounts.request_code("13800138000", HERE).unwrap();
        let session = f.accounts.sign_in("13800138000", &code, HERE).unwrap();
        let account = Some(session.account_id);
        // Known at once from sign-in, and from the database after a restart.
        assert_eq!(f.accounts.known_session(&session.token), account);
        assert_eq!(f.accounts.known_session("not-a-token"), None);
        assert!(f.accounts.authenticate("not-a-token").is_err());
        let restarted = f.restarted();
        assert_eq!(restarted.known_session(&session.token), None);
        assert_eq!(restarted.authenticate(&session.token).ok(), account);
        assert_eq!(restarted.known_session(&session.token), account);

        f.advance(SESSION_VALID);
        for accounts in [&f.accounts, &restarted, &f.restarted()] {
            assert!(accounts.authenticate(&session.token).is_err());
            assert_eq!(accounts.known_session(&session.token), None);
        }
    }

    #[test]
    fn travellers_are_saved_masked_once_per_account() {
        let f = fixture();
        let (_, code) = f.accounts.request_code("13800138000", HERE).unwrap();
        let account = f
            .accounts
            .sign_in("13800138000", &code, HERE)
            .unwrap()
            .account_id;
        let input = TravellerInput {
            name: " 张三 ".into(),
            id_kind: IdKind::ResidentId,
            id_number: "11010519491231002x".into(),
            birth_date: None,
            consent: Some(tongyou_core::privacy::NOTICE_VERSION.into()),
        };
        let saved = f.accounts.add_traveller(account, &input).unwrap();
        assert_eq!(saved.name, "张三");
        assert_eq!(saved.id_masked, "1101**********002X");
        assert_eq!(saved.birth_date, "1949-12-31");
        let again = f.accounts.add_traveller(account, &input).unwrap_err();
        assert!(matches!(again, AccountError::Invalid(ref p) if p[0].field == "id_number"));
        assert_eq!(
            f.accounts.travellers(account).unwrap(),
            std::slice::from_ref(&saved)
        );
        // Another account cannot see or remove it.
        assert!(matches!(
            f.accounts.remove_traveller(account + 1, saved.id),
            Err(AccountError::NotFound)
        ));
        f.accounts.remove_traveller(account, saved.id).unwrap();
        assert!(f.accounts.travellers(account).unwrap().is_empty());
    }
}

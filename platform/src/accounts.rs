//! Tourist accounts: sign-in with a one-time code sent to a mobile number, sessions, and
//! saved travellers (常用旅客).
//!
//! Personal data rules (PIPL) live here: ID numbers are validated, stored only encrypted
//! (ChaCha20-Poly1305 with the platform's secret) plus a masked copy, and never returned
//! or logged in full. Codes and session tokens are stored as hashes. Text messages are
//! not really sent: the embedded default logs the code and, in dev mode only, serves it
//! on `/api/v1/dev/sign-in-code/{mobile}` so tests and demos can sign in.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use tongyou_core::api::{CodeSent, FieldError, IdKind, Session, Traveller, TravellerInput};
use tongyou_core::identity::{self, Mobile};
use tongyou_core::text::{Lang, Text};

use crate::store::{AccountStore, StoreError, StoredCode, StoredTraveller};

const CODE_VALID: Duration = Duration::minutes(5);
const RESEND_AFTER: Duration = Duration::seconds(60);
const MAX_ATTEMPTS: u32 = 5;
const SESSION_VALID: Duration = Duration::days(30);

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    Unauthorized(&'static str),
    #[error("a code was sent {sent_s} s ago; ask again in {wait_s} s")]
    TooSoon { sent_s: i64, wait_s: i64 },
    #[error("no such traveller")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the platform's secret key is unusable: {0}")]
    Crypto(String),
}

/// The platform's 32-byte secret: encrypts ID numbers and keys their lookup hashes.
#[derive(Clone)]
pub struct Secret([u8; 32]);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl Secret {
    /// Reads the key file, or creates one with a fresh random key (readable by the owner
    /// only) when it does not exist yet.
    pub fn load_or_create(path: &Path) -> anyhow::Result<Secret> {
        use anyhow::Context;
        if let Ok(hex_text) = std::fs::read_to_string(path) {
            let bytes = hex::decode(hex_text.trim()).context("the secret key file is not hex")?;
            let key: [u8; 32] = bytes
                .try_into()
                .map_err(|_| anyhow::anyhow!("the secret key file must hold 32 bytes"))?;
            return Ok(Secret(key));
        }
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, hex::encode(key))
            .with_context(|| format!("writing {}", path.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        }
        Ok(Secret(key))
    }

    /// A sub-key for one purpose (such as signing payment callbacks).
    pub fn derive(&self, purpose: &[u8]) -> [u8; 32] {
        Sha256::new()
            .chain_update(self.0)
            .chain_update(purpose)
            .finalize()
            .into()
    }

    fn keyed_hash(&self, text: &str) -> String {
        hex::encode(
            Sha256::new()
                .chain_update(self.0)
                .chain_update(text.as_bytes())
                .finalize(),
        )
    }

    pub(crate) fn encrypt(&self, plain: &str) -> Result<Vec<u8>, AccountError> {
        let mut nonce = [0u8; 12];
        getrandom::fill(&mut nonce).map_err(|e| AccountError::Crypto(e.to_string()))?;
        let cipher = ChaCha20Poly1305::new(Key::from_slice(&self.0));
        let mut out = nonce.to_vec();
        out.extend(
            cipher
                .encrypt(Nonce::from_slice(&nonce), plain.as_bytes())
                .map_err(|e| AccountError::Crypto(e.to_string()))?,
        );
        Ok(out)
    }

    /// For the one place that needs the full number (a real-name ticket's holder hash).
    pub fn decrypt(&self, sealed: &[u8]) -> Result<String, AccountError> {
        if sealed.len() < 12 {
            return Err(AccountError::Crypto("sealed value too short".into()));
        }
        let (nonce, body) = sealed.split_at(12);
        let cipher = ChaCha20Poly1305::new(Key::from_slice(&self.0));
        let plain = cipher
            .decrypt(Nonce::from_slice(nonce), body)
            .map_err(|e| AccountError::Crypto(e.to_string()))?;
        String::from_utf8(plain).map_err(|e| AccountError::Crypto(e.to_string()))
    }
}

pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// A saved traveller with the full ID number. Never serialised, logged or returned.
pub struct RealName {
    pub traveller: Traveller,
    pub id_number: String,
}

pub struct Accounts {
    store: Arc<dyn AccountStore>,
    secret: Secret,
    /// Serves issued codes on a dev endpoint; off in production.
    dev_mode: bool,
    /// The last code issued per number, kept only in dev mode.
    dev_codes: Mutex<HashMap<String, String>>,
    /// Sessions seen, by token hash: a session never changes once issued (it can only
    /// expire), so a token seen once is answered without the database next time.
    sessions: Mutex<HashMap<String, (i64, DateTime<Utc>)>>,
    clock: Clock,
}

/// Sessions remembered at most; past this the memory starts again empty.
const SESSIONS_REMEMBERED: usize = 100_000;

impl Accounts {
    pub fn new(
        store: Arc<dyn AccountStore>,
        secret: Secret,
        dev_mode: bool,
        clock: Clock,
    ) -> Accounts {
        Accounts {
            store,
            secret,
            dev_mode,
            dev_codes: Mutex::default(),
            sessions: Mutex::default(),
            clock,
        }
    }

    /// The last code sent to `mobile`, in dev mode only: stands in for the text message.
    pub fn dev_code(&self, mobile: &str) -> Option<String> {
        if !self.dev_mode {
            return None;
        }
        let mobile = Mobile::parse(mobile).ok()?;
        self.dev_codes.lock().ok()?.get(mobile.as_str()).cloned()
    }

    /// Issues a code for `mobile` and "sends" it (in dev mode: keeps it for
    /// [`Accounts::dev_code`]). The code is returned for tests; it is never part of a
    /// response.
    pub fn request_code(&self, mobile: &str) -> Result<(CodeSent, String), AccountError> {
        let mobile = parse_mobile(mobile)?;
        let now = (self.clock)();
        if let Some(previous) = self.store.code(mobile.as_str())? {
            let sent = parse_time(&previous.issued_at);
            let since = now - sent;
            if since < RESEND_AFTER {
                return Err(AccountError::TooSoon {
                    sent_s: since.num_seconds(),
                    wait_s: (RESEND_AFTER - since).num_seconds().max(1),
                });
            }
        }
        let mut raw = [0u8; 4];
        getrandom::fill(&mut raw).map_err(|e| AccountError::Crypto(e.to_string()))?;
        let code = format!("{:06}", u32::from_le_bytes(raw) % 1_000_000);
        self.store.put_code(
            mobile.as_str(),
            &StoredCode {
                code_hash: self.code_hash(mobile.as_str(), &code),
                issued_at: now.to_rfc3339(),
                expires_at: (now + CODE_VALID).to_rfc3339(),
                attempts: 0,
            },
        )?;
        if self.dev_mode {
            if let Ok(mut codes) = self.dev_codes.lock() {
                codes.insert(mobile.as_str().to_owned(), code.clone());
            }
            tracing::info!(mobile = %mobile.masked(), %code, "sign-in code issued (dev mode)");
        } else {
            tracing::info!(mobile = %mobile.masked(), "sign-in code issued");
        }
        let sent = CodeSent {
            mobile: mobile.masked(),
            expires_in_s: CODE_VALID.num_seconds() as u32,
            resend_after_s: RESEND_AFTER.num_seconds() as u32,
        };
        Ok((sent, code))
    }

    /// Checks a code and opens a session. A code works once; five wrong tries burn it.
    pub fn sign_in(&self, mobile: &str, code: &str) -> Result<Session, AccountError> {
        let mobile = parse_mobile(mobile)?;
        let now = (self.clock)();
        let wrong =
            AccountError::Unauthorized("the code is wrong or has expired; ask for a new one");
        let Some(stored) = self.store.code(mobile.as_str())? else {
            return Err(wrong);
        };
        if parse_time(&stored.expires_at) <= now || stored.attempts >= MAX_ATTEMPTS {
            self.store.delete_code(mobile.as_str())?;
            return Err(wrong);
        }
        if stored.code_hash != self.code_hash(mobile.as_str(), code.trim()) {
            if self.store.count_attempt(mobile.as_str())? >= MAX_ATTEMPTS {
                self.store.delete_code(mobile.as_str())?;
            }
            return Err(wrong);
        }
        self.store.delete_code(mobile.as_str())?;
        let account_id = self.store.account_for(mobile.as_str(), &now.to_rfc3339())?;
        let mut raw = [0u8; 32];
        getrandom::fill(&mut raw).map_err(|e| AccountError::Crypto(e.to_string()))?;
        let token = hex::encode(raw);
        let expires_at = now + SESSION_VALID;
        let hash = token_hash(&token);
        self.store
            .put_session(&hash, account_id, &expires_at.to_rfc3339())?;
        self.remember(hash, account_id, expires_at);
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
        let (account_id, expires_at) = self
            .store
            .session_account(&hash, &now.to_rfc3339())?
            .ok_or(expired)?;
        self.remember(hash, account_id, parse_time(&expires_at));
        Ok(account_id)
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

    fn remember(&self, hash: String, account_id: i64, expires_at: DateTime<Utc>) {
        if let Ok(mut sessions) = self.sessions.lock() {
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
        let valid = identity::validate_traveller(input, today).map_err(AccountError::Invalid)?;
        let stored = StoredTraveller {
            id: 0,
            name: valid.name.clone(),
            id_kind: kind_str(input.id_kind).to_owned(),
            id_cipher: self.secret.encrypt(&valid.id_number)?,
            id_masked: valid.id_masked.clone(),
            id_lookup: self.secret.keyed_hash(&format!(
                "{}:{}",
                kind_str(input.id_kind),
                valid.id_number
            )),
            birth_date: valid.birth_date.to_string(),
        };
        let now = (self.clock)().to_rfc3339();
        let Some(id) = self.store.add_traveller(account_id, &stored, &now)? else {
            return Err(AccountError::Invalid(vec![FieldError::new(
                "id_number",
                "这位旅客已在常用旅客中",
                "This traveller is already saved",
            )]));
        };
        Ok(public(StoredTraveller { id, ..stored }))
    }

    pub fn travellers(&self, account_id: i64) -> Result<Vec<Traveller>, AccountError> {
        Ok(self
            .store
            .travellers(account_id)?
            .into_iter()
            .map(public)
            .collect())
    }

    /// Saved travellers with their full ID numbers, for the one use that needs them: the
    /// holder hash of a real-name pass. `None` for an id the account does not have.
    pub fn real_names(
        &self,
        account_id: i64,
        ids: &[i64],
    ) -> Result<Vec<Option<RealName>>, AccountError> {
        let saved = self.store.travellers(account_id)?;
        ids.iter()
            .map(|id| {
                saved
                    .iter()
                    .find(|t| t.id == *id)
                    .map(|t| {
                        Ok(RealName {
                            id_number: self.secret.decrypt(&t.id_cipher)?,
                            traveller: public(t.clone()),
                        })
                    })
                    .transpose()
            })
            .collect()
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

    fn code_hash(&self, mobile: &str, code: &str) -> String {
        self.secret.keyed_hash(&format!("code:{mobile}:{code}"))
    }
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn parse_time(rfc3339: &str) -> DateTime<Utc> {
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
    use super::*;
    use crate::sqlite::SqliteStore;

    struct Fixture {
        accounts: Accounts,
        store: Arc<SqliteStore>,
        now: Arc<Mutex<DateTime<Utc>>>,
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
            accounts: Accounts::new(store.clone(), Secret([9; 32]), true, clock),
            store,
            now,
        }
    }

    impl Fixture {
        /// The same database behind a platform started again: nothing remembered.
        fn restarted(&self) -> Accounts {
            let now = Arc::clone(&self.now);
            let clock: Clock = Arc::new(move || *now.lock().unwrap());
            Accounts::new(self.store.clone(), Secret([9; 32]), true, clock)
        }

        fn advance(&self, by: Duration) {
            *self.now.lock().unwrap() += by;
        }
    }

    #[test]
    fn a_code_signs_in_once() {
        let f = fixture();
        let (sent, code) = f.accounts.request_code("138 0013 8000").unwrap();
        assert_eq!(sent.mobile, "138****8000");
        let session = f.accounts.sign_in("13800138000", &code).unwrap();
        assert_eq!(
            f.accounts.authenticate(&session.token).unwrap(),
            session.account_id
        );
        assert!(matches!(
            f.accounts.sign_in("13800138000", &code),
            Err(AccountError::Unauthorized(_))
        ));
    }

    #[test]
    fn codes_expire() {
        let f = fixture();
        let (_, code) = f.accounts.request_code("13800138000").unwrap();
        f.advance(CODE_VALID + Duration::seconds(1));
        assert!(matches!(
            f.accounts.sign_in("13800138000", &code),
            Err(AccountError::Unauthorized(_))
        ));
    }

    #[test]
    fn five_wrong_guesses_burn_the_code() {
        let f = fixture();
        let (_, code) = f.accounts.request_code("13800138000").unwrap();
        let wrong = if code == "000000" { "111111" } else { "000000" };
        for _ in 0..MAX_ATTEMPTS {
            assert!(f.accounts.sign_in("13800138000", wrong).is_err());
        }
        assert!(
            f.accounts.sign_in("13800138000", &code).is_err(),
            "the right code must no longer work"
        );
    }

    #[test]
    fn resending_waits_a_minute() {
        let f = fixture();
        f.accounts.request_code("13800138000").unwrap();
        assert!(matches!(
            f.accounts.request_code("13800138000"),
            Err(AccountError::TooSoon { .. })
        ));
        f.advance(RESEND_AFTER);
        assert!(f.accounts.request_code("13800138000").is_ok());
    }

    #[test]
    fn sessions_expire() {
        let f = fixture();
        let (_, code) = f.accounts.request_code("13800138000").unwrap();
        let session = f.accounts.sign_in("13800138000", &code).unwrap();
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
        let (_, code) = f.accounts.request_code("13800138000").unwrap();
        let account = f.accounts.sign_in("13800138000", &code).unwrap().account_id;
        let input = TravellerInput {
            name: " 张三 ".into(),
            id_kind: IdKind::ResidentId,
            id_number: "11010519491231002x".into(),
            birth_date: None,
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

    #[test]
    fn secrets_round_trip_and_hide_the_number() {
        let secret = Secret([3; 32]);
        let sealed = secret.encrypt("11010519491231002X").unwrap();
        assert!(!sealed.windows(8).any(|w| w == b"19491231"));
        assert_eq!(secret.decrypt(&sealed).unwrap(), "11010519491231002X");
        assert!(Secret([4; 32]).decrypt(&sealed).is_err());
    }
}

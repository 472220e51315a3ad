//! Signed passes: the compact, signed payload behind a ticket's QR code, and its
//! offline verification.
//!
//! A pass is a binary payload followed by an Ed25519 signature over it, written as
//! `TY1:` + Base45 (the QR alphanumeric alphabet, so the code stays small). The payload
//! names the key that signed it, so keys can rotate: a gate holds every public key by id
//! and a key keeps verifying its passes until it is retired from the [`Keyring`].
//!
//! This module owns the format and the signature check. Signing keys are not here: the
//! platform signs ([`Pass::signing_bytes`] gives it what to sign), the gate only
//! verifies. Gate rules (revocation, validity window, gate scope, double entry) build on
//! [`Pass`] later.
//! No personal data travels in a pass. Passes signed before December 2026 carried a salted
//! SHA-256 of the holder's ID number, with the salt published: an ID number has about 10¹¹
//! possible values, so a screenshot of the code gave the number back by brute force. New
//! passes carry zeros there; the old ones still verify.

use std::collections::BTreeMap;

use ed25519_dalek::{Signature, Verifier, VerifyingKey};

use crate::clock::ClockTime;

/// The text prefix; the digit is the payload version.
pub const PREFIX: &str = "TY1:";
const VERSION: u8 = 1;
const SIGNATURE_LEN: usize = 64;
/// Longest product, site or gate id a pass carries, in bytes.
pub const MAX_ID_LEN: usize = 32;
const MAX_GATES: usize = 16;

/// Who a pass admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Party {
    pub adults: u8,
    pub children: u8,
    pub seniors: u8,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pass {
    pub key_id: u16,
    /// Random, unique per pass; the gate's scan log and revocation list key on it.
    pub pass_id: [u8; 16],
    pub order_id: u64,
    pub sub_order: u16,
    /// Product id from the catalog (`entry`, `yungu`, …).
    pub product: String,
    /// Region id the pass is for.
    pub site: String,
    /// Gates it opens; empty means any gate of the site.
    pub gates: Vec<String>,
    /// Unix seconds, inclusive.
    pub valid_from: i64,
    /// Unix seconds, exclusive.
    pub valid_until: i64,
    /// Timed-entry slot, region-local.
    pub slot: Option<(ClockTime, ClockTime)>,
    pub party: Party,
    /// Reserved, all zeros in new passes (see the module's note: the salted ID hash that
    /// older passes carry here can be reversed, so nothing that names a person goes here).
    pub holder_hash: [u8; 16],
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PassError {
    #[error("not a Tongyou pass")]
    NotAPass,
    #[error("pass format version {0} is not supported")]
    Version(u8),
    #[error("the pass is cut short or has extra bytes")]
    Length,
    #[error("the pass has a malformed field: {0}")]
    Field(&'static str),
    #[error("the pass was signed by key {0}, which this device does not know")]
    UnknownKey(u16),
    #[error("the signature does not match: forged or tampered")]
    BadSignature,
}

impl Pass {
    /// The exact bytes the platform signs.
    pub fn signing_bytes(&self) -> Result<Vec<u8>, PassError> {
        let mut out = Vec::with_capacity(128);
        out.push(VERSION);
        out.extend(self.key_id.to_be_bytes());
        out.extend(self.pass_id);
        out.extend(self.order_id.to_be_bytes());
        out.extend(self.sub_order.to_be_bytes());
        put_str(&mut out, &self.product, "product")?;
        put_str(&mut out, &self.site, "site")?;
        if self.gates.len() > MAX_GATES {
            return Err(PassError::Field("gates"));
        }
        out.push(self.gates.len() as u8);
        for gate in &self.gates {
            put_str(&mut out, gate, "gates")?;
        }
        if self.valid_from >= self.valid_until {
            return Err(PassError::Field("valid_until"));
        }
        out.extend(self.valid_from.to_be_bytes());
        out.extend(self.valid_until.to_be_bytes());
        match self.slot {
            None => out.push(0),
            Some((start, end)) => {
                out.push(1);
                out.extend(start.minutes().to_be_bytes());
                out.extend(end.minutes().to_be_bytes());
            }
        }
        out.extend([self.party.adults, self.party.children, self.party.seniors]);
        out.extend(self.holder_hash);
        Ok(out)
    }

    /// The QR text for this pass and the platform's signature over [`signing_bytes`].
    ///
    /// [`signing_bytes`]: Pass::signing_bytes
    pub fn to_text(&self, signature: &[u8; SIGNATURE_LEN]) -> Result<String, PassError> {
        let mut blob = self.signing_bytes()?;
        blob.extend(signature);
        Ok(format!("{PREFIX}{}", base45::encode(&blob)))
    }
}

/// The public keys a verifier trusts, by key id.
#[derive(Debug, Clone, Default)]
pub struct Keyring {
    keys: BTreeMap<u16, VerifyingKey>,
}

impl Keyring {
    pub fn new() -> Keyring {
        Keyring::default()
    }

    /// Adds a key; fails if the bytes are not a valid Ed25519 public key.
    pub fn add(&mut self, key_id: u16, public_key: &[u8; 32]) -> Result<(), PassError> {
        let key =
            VerifyingKey::from_bytes(public_key).map_err(|_| PassError::Field("public key"))?;
        self.keys.insert(key_id, key);
        Ok(())
    }

    /// A retired key stops verifying the passes it signed.
    pub fn retire(&mut self, key_id: u16) {
        self.keys.remove(&key_id);
    }

    /// Decodes `text` and checks its signature. Never panics, whatever the input.
    pub fn verify(&self, text: &str) -> Result<Pass, PassError> {
        let (pass, signed, signature) = decode(text)?;
        let key = self
            .keys
            .get(&pass.key_id)
            .ok_or(PassError::UnknownKey(pass.key_id))?;
        // RFC 8032 verification with a canonical `s`. `verify_strict` would also refuse
        // weak public keys and small-order `R`, which only matter for keys an attacker
        // chooses; gates trust only the platform's own keys, and the strict checks cost
        // a fifth of every scan.
        key.verify(&signed, &signature)
            .map_err(|_| PassError::BadSignature)?;
        Ok(pass)
    }
}

/// Parses a pass without checking its signature: for display only, never for entry.
pub fn read_unverified(text: &str) -> Result<Pass, PassError> {
    decode(text).map(|(pass, _, _)| pass)
}

fn decode(text: &str) -> Result<(Pass, Vec<u8>, Signature), PassError> {
    let body = text
        .trim()
        .strip_prefix(PREFIX)
        .ok_or(PassError::NotAPass)?;
    let blob = base45::decode(body).map_err(|_| PassError::NotAPass)?;
    if blob.len() < SIGNATURE_LEN + 1 {
        return Err(PassError::Length);
    }
    let (signed, sig) = blob.split_at(blob.len() - SIGNATURE_LEN);
    let mut sig_bytes = [0u8; SIGNATURE_LEN];
    sig_bytes.copy_from_slice(sig);
    let pass = parse_payload(signed)?;
    Ok((pass, signed.to_vec(), Signature::from_bytes(&sig_bytes)))
}

fn parse_payload(bytes: &[u8]) -> Result<Pass, PassError> {
    let mut r = Reader { bytes };
    let version = r.u8()?;
    if version != VERSION {
        return Err(PassError::Version(version));
    }
    let key_id = u16::from_be_bytes(r.array()?);
    let pass_id = r.array()?;
    let order_id = u64::from_be_bytes(r.array()?);
    let sub_order = u16::from_be_bytes(r.array()?);
    let product = r.string("product")?;
    let site = r.string("site")?;
    let gate_count = usize::from(r.u8()?);
    if gate_count > MAX_GATES {
        return Err(PassError::Field("gates"));
    }
    let gates = (0..gate_count)
        .map(|_| r.string("gates"))
        .collect::<Result<_, _>>()?;
    let valid_from = i64::from_be_bytes(r.array()?);
    let valid_until = i64::from_be_bytes(r.array()?);
    if valid_from >= valid_until {
        return Err(PassError::Field("valid_until"));
    }
    let slot = match r.u8()? {
        0 => None,
        1 => {
            let time = |m: u16| ClockTime::from_hm(m / 60, m % 60).ok_or(PassError::Field("slot"));
            let start = time(u16::from_be_bytes(r.array()?))?;
            let end = time(u16::from_be_bytes(r.array()?))?;
            if start >= end {
                return Err(PassError::Field("slot"));
            }
            Some((start, end))
        }
        _ => return Err(PassError::Field("slot")),
    };
    let [adults, children, seniors] = r.array()?;
    let holder_hash = r.array()?;
    if !r.bytes.is_empty() {
        return Err(PassError::Length);
    }
    Ok(Pass {
        key_id,
        pass_id,
        order_id,
        sub_order,
        product,
        site,
        gates,
        valid_from,
        valid_until,
        slot,
        party: Party {
            adults,
            children,
            seniors,
        },
        holder_hash,
    })
}

fn put_str(out: &mut Vec<u8>, s: &str, field: &'static str) -> Result<(), PassError> {
    if s.is_empty() || s.len() > MAX_ID_LEN {
        return Err(PassError::Field(field));
    }
    out.push(s.len() as u8);
    out.extend(s.as_bytes());
    Ok(())
}

struct Reader<'a> {
    bytes: &'a [u8],
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], PassError> {
        if self.bytes.len() < n {
            return Err(PassError::Length);
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8, PassError> {
        Ok(self.take(1)?[0])
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], PassError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn string(&mut self, field: &'static str) -> Result<String, PassError> {
        let len = usize::from(self.u8()?);
        if len == 0 || len > MAX_ID_LEN {
            return Err(PassError::Field(field));
        }
        String::from_utf8(self.take(len)?.to_vec()).map_err(|_| PassError::Field(field))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};
    use proptest::prelude::*;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn sample() -> Pass {
        Pass {
            key_id: 7,
            pass_id: [0xAB; 16],
            order_id: 123_456_789,
            sub_order: 2,
            product: "entry".into(),
            site: "huangshan".into(),
            gates: vec!["tangkou-north".into(), "yungu".into()],
            valid_from: 1_782_864_000,
            valid_until: 1_782_950_400,
            slot: Some(("06:00".parse().unwrap(), "09:00".parse().unwrap())),
            party: Party {
                adults: 2,
                children: 1,
                seniors: 0,
            },
            // As an older pass carries it: still read and verified.
            holder_hash: [0xab; 16],
        }
    }

    fn sign(pass: &Pass, key: &SigningKey) -> String {
        let signature = key.sign(&pass.signing_bytes().unwrap());
        pass.to_text(&signature.to_bytes()).unwrap()
    }

    fn keyring(entries: &[(u16, &SigningKey)]) -> Keyring {
        let mut ring = Keyring::new();
        for (id, key) in entries {
            ring.add(*id, &key.verifying_key().to_bytes()).unwrap();
        }
        ring
    }

    #[test]
    fn round_trips_and_verifies() {
        let k = key(1);
        let text = sign(&sample(), &k);
        assert!(text.starts_with(PREFIX));
        assert!(
            text[PREFIX.len()..]
                .chars()
                .all(|c| "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".contains(c))
        );
        assert_eq!(keyring(&[(7, &k)]).verify(&text), Ok(sample()));
    }

    #[test]
    fn carries_no_plain_id_number() {
        let text = sign(&sample(), &key(1));
        let blob = base45::decode(&text[PREFIX.len()..]).unwrap();
        assert!(!blob.windows(8).any(|w| w == b"19491231"));
    }

    #[test]
    fn another_key_is_a_forgery() {
        let text = sign(&sample(), &key(2));
        assert_eq!(
            keyring(&[(7, &key(1))]).verify(&text),
            Err(PassError::BadSignature)
        );
    }

    #[test]
    fn unknown_and_retired_keys_are_refused() {
        let old = key(1);
        let new = key(2);
        let mut ring = keyring(&[(7, &old), (8, &new)]);
        let old_pass = sign(&sample(), &old);
        let new_pass = sign(
            &Pass {
                key_id: 8,
                ..sample()
            },
            &new,
        );
        // Rotation: both keys verify their own passes until the old one is retired.
        assert!(ring.verify(&old_pass).is_ok());
        assert!(ring.verify(&new_pass).is_ok());
        ring.retire(7);
        assert_eq!(ring.verify(&old_pass), Err(PassError::UnknownKey(7)));
        assert!(ring.verify(&new_pass).is_ok());
    }

    #[test]
    fn malformed_passes_are_errors() {
        let ring = keyring(&[(7, &key(1))]);
        assert_eq!(ring.verify("hello"), Err(PassError::NotAPass));
        assert_eq!(ring.verify("TY1:"), Err(PassError::Length));
        assert_eq!(ring.verify("TY1:%%%%"), Err(PassError::NotAPass));
        let text = sign(&sample(), &key(1));
        assert!(ring.verify(&text[..text.len() - 3]).is_err());
        let mut bad = sample();
        bad.valid_until = bad.valid_from;
        assert_eq!(bad.signing_bytes(), Err(PassError::Field("valid_until")));
        bad = sample();
        bad.product = "x".repeat(MAX_ID_LEN + 1);
        assert_eq!(bad.signing_bytes(), Err(PassError::Field("product")));
    }

    fn any_pass() -> impl Strategy<Value = Pass> {
        let id = "[a-z0-9-]{1,32}";
        (
            any::<u16>(),
            any::<[u8; 16]>(),
            any::<u64>(),
            any::<u16>(),
            (id, id, proptest::collection::vec(id, 0..4)),
            (any::<i32>(), 1..10_000_000i64),
            proptest::option::of((0u16..1439, 1u16..60)),
            any::<[u8; 3]>(),
            any::<[u8; 16]>(),
        )
            .prop_map(
                |(
                    key_id,
                    pass_id,
                    order_id,
                    sub_order,
                    (product, site, gates),
                    (from, span),
                    slot,
                    p,
                    hash,
                )| {
                    Pass {
                        key_id,
                        pass_id,
                        order_id,
                        sub_order,
                        product,
                        site,
                        gates,
                        valid_from: i64::from(from),
                        valid_until: i64::from(from) + span,
                        slot: slot.map(|(start, len)| {
                            let end = (start + len).min(1440);
                            (
                                ClockTime::from_hm(start / 60, start % 60).unwrap(),
                                ClockTime::from_hm(end / 60, end % 60).unwrap(),
                            )
                        }),
                        party: Party {
                            adults: p[0],
                            children: p[1],
                            seniors: p[2],
                        },
                        holder_hash: hash,
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn every_pass_round_trips(pass in any_pass()) {
            let k = key(3);
            let ring = keyring(&[(pass.key_id, &k)]);
            prop_assert_eq!(ring.verify(&sign(&pass, &k)), Ok(pass));
        }

        #[test]
        fn any_flipped_bit_fails(pass in any_pass(), bit in any::<usize>()) {
            let k = key(3);
            let ring = keyring(&[(pass.key_id, &k)]);
            let text = sign(&pass, &k);
            let mut blob = base45::decode(&text[PREFIX.len()..]).unwrap();
            let bit = bit % (blob.len() * 8);
            blob[bit / 8] ^= 1 << (bit % 8);
            let tampered = format!("{PREFIX}{}", base45::encode(&blob));
            prop_assert!(ring.verify(&tampered).is_err());
        }

        #[test]
        fn arbitrary_text_never_panics(text in ".{0,300}") {
            let _ = keyring(&[(7, &key(1))]).verify(&text);
            let _ = read_unverified(&format!("{PREFIX}{text}"));
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let text = format!("{PREFIX}{}", base45::encode(&bytes));
            let _ = keyring(&[(7, &key(1))]).verify(&text);
        }
    }
}

// Test helpers: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;

use ed25519_dalek::{Signer, SigningKey};
use proptest::prelude::*;

use super::*;
use crate::pass::Party;

const DAY: i64 = 86_400;
/// 2026-07-01T00:00+08:00.
const FROM: i64 = 1_782_835_200;
const NOON: i64 = FROM + DAY / 2;

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn pass(id: u8, product: &str) -> Pass {
    Pass {
        key_id: 1,
        pass_id: [id; 16],
        order_id: 42,
        sub_order: 0,
        product: product.into(),
        site: "huangshan".into(),
        gates: Vec::new(),
        valid_from: FROM,
        valid_until: FROM + DAY,
        slot: None,
        party: Party {
            adults: 2,
            children: 1,
            seniors: 0,
        },
        holder_hash: [0; 16],
    }
}

fn signed(pass: &Pass, key: &SigningKey) -> String {
    let signature = key.sign(&pass.signing_bytes().unwrap());
    pass.to_text(&signature.to_bytes()).unwrap()
}

fn south_gate() -> GatePost {
    GatePost {
        site: "huangshan".into(),
        gate: "south-gate".into(),
        admits: vec!["entry".into(), "audio-guide".into()],
    }
}

fn gate_with(keys: &[(u16, &SigningKey)]) -> GateCheck {
    let mut check = GateCheck::default();
    for (id, key) in keys {
        check
            .keys
            .add(*id, &key.verifying_key().to_bytes())
            .unwrap();
    }
    check
}

fn refusal(result: Result<Pass, (Refusal, Option<Pass>)>) -> Refusal {
    result.expect_err("the pass should be refused").0
}

#[test]
fn a_good_pass_enters_once_and_is_refused_the_second_time() {
    let gate = gate_with(&[(1, &key(1))]);
    let code = signed(&pass(7, "entry"), &key(1));
    let mut admitted = HashSet::new();
    let first = gate
        .check(&south_gate(), &code, NOON, |id| admitted.contains(id))
        .unwrap();
    assert_eq!(first.party.adults, 2);
    admitted.insert(first.pass_id);
    let second = gate.check(&south_gate(), &code, NOON + 60, |id| admitted.contains(id));
    assert_eq!(refusal(second), Refusal::AlreadyUsed);
    // The refusal still says which pass it was.
    let (_, shown) = gate
        .check(&south_gate(), &code, NOON, |_| true)
        .unwrap_err();
    assert_eq!(shown.unwrap().pass_id, [7; 16]);
}

#[test]
fn each_rule_names_its_own_refusal() {
    let k = key(1);
    let gate = gate_with(&[(1, &k)]);
    let at =
        |p: &Pass, now: i64| refusal(gate.check(&south_gate(), &signed(p, &k), now, |_| false));

    let good = pass(1, "entry");
    assert_eq!(at(&good, FROM - 1), Refusal::NotYetValid);
    assert_eq!(at(&good, FROM + DAY), Refusal::Expired);
    assert!(
        gate.check(&south_gate(), &signed(&good, &k), FROM, |_| false)
            .is_ok()
    );

    let elsewhere = Pass {
        site: "taishan".into(),
        ..pass(2, "entry")
    };
    assert_eq!(at(&elsewhere, NOON), Refusal::WrongSite);

    let other_gate = Pass {
        gates: vec!["yungu-gate".into()],
        ..pass(3, "entry")
    };
    assert_eq!(at(&other_gate, NOON), Refusal::WrongGate);
    let this_gate = Pass {
        gates: vec!["yungu-gate".into(), "south-gate".into()],
        ..pass(4, "entry")
    };
    assert!(
        gate.check(&south_gate(), &signed(&this_gate, &k), NOON, |_| false)
            .is_ok()
    );

    assert_eq!(at(&pass(5, "yungu"), NOON), Refusal::WrongProduct);

    let mut revoked = gate.clone();
    revoked.revoked.insert([6; 16]);
    let code = signed(&pass(6, "entry"), &k);
    assert_eq!(
        refusal(revoked.check(&south_gate(), &code, NOON, |_| false)),
        Refusal::Revoked
    );

    let unknown = signed(
        &Pass {
            key_id: 9,
            ..pass(7, "entry")
        },
        &k,
    );
    assert_eq!(
        refusal(gate.check(&south_gate(), &unknown, NOON, |_| false)),
        Refusal::UnknownKey
    );
    let forged = signed(&pass(8, "entry"), &key(2));
    assert_eq!(
        refusal(gate.check(&south_gate(), &forged, NOON, |_| false)),
        Refusal::Forged
    );
    for junk in ["", "hello", "TY1:", "TY1:%%%%", "TY2:ABCD"] {
        assert_eq!(
            refusal(gate.check(&south_gate(), junk, NOON, |_| false)),
            Refusal::Unreadable,
            "{junk:?}"
        );
    }
}

#[test]
fn a_tampered_pass_is_forged_even_when_every_field_looks_right() {
    let k = key(1);
    let gate = gate_with(&[(1, &k)]);
    // Signed for a party of one, then edited to admit five.
    let small = Pass {
        party: Party {
            adults: 1,
            children: 0,
            seniors: 0,
        },
        ..pass(1, "entry")
    };
    let signature = k.sign(&small.signing_bytes().unwrap());
    let edited = Pass {
        party: Party {
            adults: 5,
            children: 0,
            seniors: 0,
        },
        ..small
    };
    let code = edited.to_text(&signature.to_bytes()).unwrap();
    assert_eq!(
        refusal(gate.check(&south_gate(), &code, NOON, |_| false)),
        Refusal::Forged
    );
}

#[test]
fn an_old_key_verifies_its_passes_until_it_is_retired() {
    let (old, new) = (key(1), key(2));
    let mut gate = gate_with(&[(1, &old), (2, &new)]);
    let before = signed(&pass(1, "entry"), &old);
    let after = signed(
        &Pass {
            key_id: 2,
            ..pass(2, "entry")
        },
        &new,
    );
    assert!(gate.check(&south_gate(), &before, NOON, |_| false).is_ok());
    assert!(gate.check(&south_gate(), &after, NOON, |_| false).is_ok());
    gate.keys.retire(1);
    assert_eq!(
        refusal(gate.check(&south_gate(), &before, NOON, |_| false)),
        Refusal::UnknownKey
    );
    assert!(gate.check(&south_gate(), &after, NOON, |_| false).is_ok());
}

#[test]
fn revocations_arriving_by_delta_take_effect_at_once() {
    let k = key(1);
    let mut gate = gate_with(&[(1, &k)]);
    let codes: Vec<_> = (0..4).map(|i| signed(&pass(i, "entry"), &k)).collect();
    // Two deltas, as a gate syncing twice would apply them.
    for delta in [vec![[1u8; 16]], vec![[3u8; 16]]] {
        gate.revoked.extend(delta);
    }
    let outcomes: Vec<_> = codes
        .iter()
        .map(|c| {
            gate.check(&south_gate(), c, NOON, |_| false)
                .err()
                .map(|e| e.0)
        })
        .collect();
    assert_eq!(
        outcomes,
        [None, Some(Refusal::Revoked), None, Some(Refusal::Revoked)]
    );
}

#[test]
fn every_refusal_says_what_happened_in_both_languages() {
    let all = [
        Refusal::Unreadable,
        Refusal::Forged,
        Refusal::UnknownKey,
        Refusal::Revoked,
        Refusal::NotYetValid,
        Refusal::Expired,
        Refusal::WrongSite,
        Refusal::WrongGate,
        Refusal::WrongProduct,
        Refusal::AlreadyUsed,
    ];
    let messages: HashSet<(String, String)> = all
        .iter()
        .map(|r| {
            let text = r.message();
            (text.zh, text.en)
        })
        .collect();
    assert_eq!(messages.len(), all.len());
    for (zh, en) in messages {
        assert!(!zh.is_empty() && !en.is_empty());
    }
    // The code travels in scan logs: it must stay the snake_case name.
    assert_eq!(
        serde_json::to_string(&Refusal::AlreadyUsed).unwrap(),
        "\"already_used\""
    );
}

proptest! {
    /// Whatever a camera or a paste hands the gate, it answers; it never panics and never
    /// admits something it cannot verify.
    #[test]
    fn arbitrary_input_never_panics_and_never_enters(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let gate = gate_with(&[(1, &key(1))]);
        let text = String::from_utf8_lossy(&bytes);
        prop_assert!(gate.check(&south_gate(), &text, NOON, |_| false).is_err());
        let prefixed = format!("TY1:{text}");
        prop_assert!(gate.check(&south_gate(), &prefixed, NOON, |_| false).is_err());
    }

    /// Any single flipped bit of a real pass's bytes is refused.
    #[test]
    fn any_flipped_bit_is_refused(bit in 0usize..(8 * 200)) {
        let k = key(1);
        let gate = gate_with(&[(1, &k)]);
        let code = signed(&pass(1, "entry"), &k);
        let mut blob = base45::decode(code.strip_prefix("TY1:").unwrap()).unwrap();
        let bit = bit % (blob.len() * 8);
        blob[bit / 8] ^= 1 << (bit % 8);
        let flipped = format!("TY1:{}", base45::encode(&blob));
        prop_assert!(gate.check(&south_gate(), &flipped, NOON, |_| false).is_err());
    }
}

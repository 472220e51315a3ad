//! `gate [PASSES]`: offline verification at a gate on one thread, the way the gate
//! station runs it: signature and key lookup, site/gate/product scope, validity window,
//! the revocation set and the double-entry lookup in the gate's admission log.
//!
//! Every pass is shown twice: the first round admits all but the revoked ones, the second
//! refuses all of them (already used or revoked), so both the accept and the refuse paths
//! are timed (the pure decision in memory, then through the app's own gate station and
//! its SQLite store, and the time to open a cached pass as a QR image). The outcome counts are printed beside the rates as a check that the work
//! measured is the real decision.

use std::collections::{HashMap, HashSet};
use std::hint::black_box;
use std::time::Instant;

use ed25519_dalek::{Signer, SigningKey};
use tongyou_core::gate::{GateCheck, GatePost, Refusal};
use tongyou_core::pass::{Party, Pass};

/// 2026-07-01T00:00+08:00 and noon that day.
const FROM: i64 = 1_782_835_200;
const NOON: i64 = FROM + 43_200;
/// One pass in this many is revoked.
const REVOKED_EVERY: usize = 10;

pub fn run(passes: usize) -> anyhow::Result<()> {
    let key = SigningKey::from_bytes(&[7; 32]);
    let mut check = GateCheck::default();
    check.keys.add(1, &key.verifying_key().to_bytes())?;
    let post = GatePost {
        site: "huangshan".into(),
        gate: "south-gate".into(),
        admits: vec!["entry".into(), "audio-guide".into()],
    };
    let codes = (0..passes)
        .map(|i| sign(&key, i))
        .collect::<anyhow::Result<Vec<_>>>()?;
    for i in (0..passes).step_by(REVOKED_EVERY) {
        check.revoked.insert(pass_id(i));
    }
    // A gate that has already admitted a day's crowd elsewhere in its log.
    let mut admitted: HashMap<[u8; 16], i64> = (0..50_000u64)
        .map(|i| {
            let mut id = [0xEE; 16];
            id[..8].copy_from_slice(&i.to_be_bytes());
            (id, NOON - 3_600)
        })
        .collect();

    println!(
        "gate: {passes} distinct passes, 1 in {REVOKED_EVERY} revoked, {} already in the admission log, one thread",
        admitted.len()
    );
    for round in ["first showing", "second showing"] {
        let mut outcomes: HashMap<Option<Refusal>, usize> = HashMap::new();
        let started = Instant::now();
        for (i, code) in codes.iter().enumerate() {
            let now = NOON + (i % 3_600) as i64;
            let result = check.check(&post, code, now, |id| admitted.contains_key(id));
            let outcome = match result {
                Ok(pass) => {
                    admitted.insert(pass.pass_id, now);
                    None
                }
                Err((refusal, _)) => Some(refusal),
            };
            *outcomes.entry(black_box(outcome)).or_default() += 1;
        }
        let elapsed = started.elapsed();
        let rate = passes as f64 / elapsed.as_secs_f64();
        println!(
            "  {round}: {rate:>9.0} verifications/s ({:.1} µs each)  outcomes: {}",
            elapsed.as_secs_f64() * 1e6 / passes as f64,
            describe(&outcomes)
        );
    }
    let distinct: HashSet<_> = codes.iter().collect();
    anyhow::ensure!(distinct.len() == passes, "passes must all differ");

    // The same passes through the app shell's station and its store.
    let revoked: Vec<[u8; 16]> = check.revoked.iter().copied().collect();
    let sample = &codes[..passes.min(10_000)];
    crate::device::station_round(sample, &key.verifying_key().to_bytes(), &revoked, NOON)?;
    crate::device::open_pass_round(200)
}

fn pass_id(i: usize) -> [u8; 16] {
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(&(i as u64).to_be_bytes());
    id
}

fn sign(key: &SigningKey, i: usize) -> anyhow::Result<String> {
    let pass = Pass {
        key_id: 1,
        pass_id: pass_id(i),
        order_id: 1_000 + i as u64 / 3,
        sub_order: (i % 3) as u16,
        product: if i.is_multiple_of(4) {
            "audio-guide"
        } else {
            "entry"
        }
        .into(),
        site: "huangshan".into(),
        gates: Vec::new(),
        valid_from: FROM,
        valid_until: FROM + 86_400,
        slot: None,
        party: Party {
            adults: 1 + (i % 3) as u8,
            children: (i % 2) as u8,
            seniors: 0,
        },
        holder_hash: [(i % 251) as u8; 16],
    };
    let signature = key.sign(&pass.signing_bytes()?);
    Ok(pass.to_text(&signature.to_bytes())?)
}

fn describe(outcomes: &HashMap<Option<Refusal>, usize>) -> String {
    let mut parts: Vec<String> = outcomes
        .iter()
        .map(|(outcome, n)| match outcome {
            None => format!("{n} admitted"),
            Some(r) => format!(
                "{n} {}",
                serde_json::to_string(r)
                    .unwrap_or_default()
                    .trim_matches('"')
            ),
        })
        .collect();
    parts.sort();
    parts.join(", ")
}

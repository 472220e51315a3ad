//! Tongyou's domain core.
//!
//! Everything here is pure: no files, no network, no clock, no database. Callers hand in
//! the data (a region's catalog text, the current local time) and get values back, so the
//! same rules run on the platform, in the app (`tongyou-device`) and in the wasm UI.
//!
//! - [`catalog`]: a region's catalog (sights, cable cars, hotels, shuttles, tickets) as
//!   loaded from its data file, validated.
//! - [`clock`]: wall-clock times and month-days as the data files write them.
//! - [`text`]: bilingual text and the language choice.
//! - [`discover`]: the Discover screen's view, computed from a catalog and a moment.
//! - [`identity`]: resident ID and mobile number validation, with masking.
//! - [`calendar`]: public holidays and make-up working days, from a data file.
//! - [`crowd`]: the crowd forecast per sight and hour, and the LB/T 068-2017 levels.
//! - [`pass`]: the signed pass format behind ticket QR codes, and its offline check.
//! - [`gate`]: the gate's offline decision (keys, revocations, scope, double entry).
//! - [`planner`]: three crowd-aware, feasible trip plans from dates, party and taste.
//! - [`pricing`]: ticket prices by season, age on the visit date and status.
//! - [`booking`]: combo checks and quotes, linked offers, refunds, replacement hotels.
//! - [`disruption`]: checking a closure, delay or unavailable hotel, what it hits in an
//!   order, and the ways out (delay one day, swap, refund) with their money.
//! - [`support`]: what a support message and a trip share may be, and which cases go
//!   first in the agents' queue.
//! - [`guide`]: a region's guide pack (points of interest, trails) and the rules on it:
//!   bearings and projection into a view, labels that never overlap, walking routes.
//! - [`trip`]: orders grouped into trips, each trip's timeline with walks, now/next
//!   and reminders.
//! - [`api`]: every type that crosses a process boundary (HTTP, IPC). Contracts.
//!
//! Behind the `testing` feature, `testing` holds fixtures that the tests of several
//! crates share (the demo family's trip, valid ID numbers).

pub mod api;
pub mod booking;
pub mod calendar;
pub mod catalog;
pub mod clock;
pub mod crowd;
pub mod discover;
pub mod disruption;
pub mod gate;
pub mod guide;
pub mod identity;
pub mod pass;
pub mod planner;
pub mod pricing;
pub mod privacy;
pub mod support;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod text;
pub mod trip;

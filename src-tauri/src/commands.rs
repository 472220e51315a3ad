//! IPC commands, one module per screen area. Each is a thin adapter: read or write the
//! device store, or call the platform through the client, and return a `core::api` type.

pub mod account;
pub mod booking;
pub mod catalog;
pub mod gate;
pub mod outbox;
pub mod plan;
pub mod preferences;
pub mod tickets;

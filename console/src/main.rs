//! The agents' console (Leptos, client-side rendered, wasm), served by the platform at
//! `/console/`. It talks to the platform's HTTP API only (`api.rs`), with the types of
//! `tongyou_core::api`, as a browser page on the platform's own origin.

mod api;
mod app;
mod audit;
mod case;
mod chat;
mod confirm;
mod ctx;
mod i18n;
mod live_queue;
mod places;
mod queue;
mod refunds;
mod signin;
mod time;
mod trip;
mod ways_out;

fn main() {
    leptos::mount::mount_to_body(app::App);
}

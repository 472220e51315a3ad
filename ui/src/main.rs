//! The Tongyou UI (Leptos, client-side rendered, wasm). It renders what the Tauri shell
//! reads from the device's store; it never talks to the platform itself.

mod account;
mod app;
mod book;
mod ctx;
mod discover;
mod disruption;
mod form;
mod gate;
mod guide;
mod help;
mod i18n;
mod ipc;
mod orders;
mod outbox;
mod plan;
mod signin;
mod tickets;
mod time;
mod trip;

fn main() {
    time::mark_started();
    leptos::mount::mount_to_body(app::App);
}

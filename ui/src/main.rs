//! The Tongyou UI (Leptos, client-side rendered, wasm). It renders what the Tauri shell
//! reads from the device's store; it never talks to the platform itself.

mod app;
mod discover;
mod i18n;
mod ipc;

fn main() {
    leptos::mount::mount_to_body(app::App);
}

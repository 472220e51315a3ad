//! End-to-end: the real app window, a real platform process, the real device store, and
//! the platform's pages in a real browser.

mod booking;
mod console;
mod discover;
mod disruption;
mod guide;
mod outbox;
mod plan;
mod platform_page;
mod privacy;
mod support;
mod tickets;
mod trip;

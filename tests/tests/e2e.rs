//! End-to-end: the real app window, a real platform process, the real device store.

mod discover;

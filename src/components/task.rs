//! The one async pattern for screens: a store command runs while `pending` is true, at most one
//! at a time per form, and its result goes to `done` (unless the screen is gone by then).

use leptos::prelude::*;
use std::future::Future;

/// Runs `work` unless `pending` says one is already running; `done` gets its output.
pub(crate) fn run<T: 'static>(
    pending: RwSignal<bool>,
    work: impl Future<Output = T> + 'static,
    done: impl FnOnce(T) + 'static,
) {
    if !begin(pending) {
        return;
    }
    leptos::task::spawn_local(async move {
        let out = work.await;
        if end(pending) {
            done(out);
        }
    });
}

// The signal work of `run` lives in these two plain functions, once in the bundle: `run` is
// instantiated for every call site (issue 16: -334 B brotli over the 18 sites).

/// Marks `pending`; false if a task is already running.
#[inline(never)]
fn begin(pending: RwSignal<bool>) -> bool {
    if pending.get_untracked() {
        return false;
    }
    pending.set(true);
    true
}

/// Clears `pending`; false if the screen was left meanwhile (then nothing is shown).
#[inline(never)]
fn end(pending: RwSignal<bool>) -> bool {
    pending.try_set(false).is_none()
}

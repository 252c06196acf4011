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
    if pending.get_untracked() {
        return;
    }
    pending.set(true);
    leptos::task::spawn_local(async move {
        let out = work.await;
        // The screen may have been left meanwhile: then nothing is shown.
        if pending.try_set(false).is_none() {
            done(out);
        }
    });
}

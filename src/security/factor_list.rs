//! The factor list with removal: a confirmation naming the factor (and a warning before the
//! last verified one), a step-up first for verified factors, then a refresh so the level shown
//! is right.

use super::actions::Action;
use super::factors::{details, display_order, is_last_verified};
use super::messages::Op;
use crate::api::Factor;
use crate::components::task::run;
use crate::components::{factor_label, Alert, Confirm, Status};
use crate::platform::browser::focus_id;
use leptos::prelude::*;

/// The user's factors, each with a remove button. `resume_remove` is a factor whose removal
/// was confirmed before a step-up: it is removed now.
#[component]
pub fn FactorList(resume_remove: Option<(String, bool)>) -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let all = auth.factors();
    let factors = Memo::new(move |_| display_order(&all.get()));
    let confirming = RwSignal::new(None::<Factor>);
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);

    let remove = move |f: Factor, resumed: bool| {
        let action = Action::Remove(f.id.clone());
        error.set(None);
        status.set(None);
        let guard = action.clone();
        super::guard(auth, &guard, None, move || {
            let work = {
                let id = f.id.clone();
                async move { auth.remove_factor(&id).await }
            };
            run(pending, work, move |result| match result {
                Ok(()) => {
                    confirming.set(None);
                    request_animation_frame(|| focus_id("lsa-factors-h"));
                    status.set(Some(s.factor_removed.replace("{name}", &factor_label(s, &f))));
                }
                Err(e) => error.set(super::on_error(auth, &e, Op::Remove, &action, resumed, None)),
            });
        });
    };

    // Back from the step-up: remove at once, or (the page was reloaded since) ask again.
    if let Some((id, run_now)) = resume_remove {
        if let Some(f) = super::factors_now(auth).into_iter().find(|f| f.id == id) {
            confirming.set(Some(f.clone()));
            if run_now {
                remove(f, true);
            } else {
                request_animation_frame(|| focus_id("lsa-remove-confirm"));
            }
        }
    }

    let ask = move |f: Factor| {
        error.set(None);
        status.set(None);
        confirming.set(Some(f));
        request_animation_frame(|| focus_id("lsa-remove-confirm"));
    };

    view! {
        <section class="lsa-card" aria-labelledby="lsa-factors-h">
            <h2 id="lsa-factors-h" tabindex="-1">{s.security_factors}</h2>
            <Show when=move || factors.with(Vec::is_empty)>
                <p class="lsa-muted">{s.security_no_factors}</p>
            </Show>
            <ul class="lsa-list">
                // A plain list, rebuilt when the factors change: a keyed <For> brings its own
                // map code, more bytes than it saves for a handful of rows.
                {move || factors.get().into_iter().map(|f| {
                    let label = factor_label(s, &f);
                    let named = s.remove_named.replace("{name}", &label);
                    let line = details(s, &f, &crate::i18n::today());
                    view! {
                        <li class="lsa-list-item">
                            <div>
                                <div>{label}</div>
                                <div class="lsa-muted">{line}</div>
                            </div>
                            <button type="button" class="lsa-button lsa-button-danger" aria-label=named
                                disabled=move || pending.get() on:click=move |_| ask(f.clone())>
                                {s.remove}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || confirming.get().map(|f| {
                let question = s.remove_confirm.replace("{name}", &factor_label(s, &f));
                let last = is_last_verified(&factors.get_untracked(), &f.id);
                view! {
                    <Confirm id="lsa-remove-confirm" question warning=last.then_some(s.remove_last_warning)
                        yes=s.remove_yes pending on_yes=Callback::new(move |_| remove(f.clone(), false))
                        on_cancel=Callback::new(move |_| {
                            confirming.set(None);
                            focus_id("lsa-factors-h");
                        })/>
                }
            })}
            <Status message=status/>
            <Alert message=error/>
        </section>
    }
}

//! Sign-out scopes: this device, everywhere, or every other device, each confirmed first. The
//! store clears its session (and storage, so other tabs follow) for the first two.

use super::messages::{message, Op};
use crate::api::LogoutScope;
use crate::components::task::run;
use crate::components::{Alert, Confirm, Status};
use crate::platform::browser::focus_id;
use crate::strings::Strings;
use leptos::prelude::*;

/// The question asked before signing out with `scope`.
pub fn question(s: &Strings, scope: LogoutScope) -> &'static str {
    match scope {
        LogoutScope::Local => s.confirm_sign_out_here,
        LogoutScope::Global => s.confirm_sign_out_everywhere,
        LogoutScope::Others => s.confirm_sign_out_others,
    }
}

/// The sessions card. `leaving` is set before a sign-out that ends this session, so the page
/// does not send the user to sign-in (it goes to `after_sign_out` instead).
#[component]
pub fn Sessions(leaving: StoredValue<bool>) -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let confirming = RwSignal::new(None::<LogoutScope>);
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);

    let ask = move |scope: LogoutScope| {
        error.set(None);
        status.set(None);
        confirming.set(Some(scope));
        request_animation_frame(|| focus_id("lsa-sign-out-confirm"));
    };
    let sign_out = move || {
        let Some(scope) = confirming.get_untracked() else { return };
        if pending.get_untracked() {
            return;
        }
        let ends_here = scope != LogoutScope::Others;
        leaving.set_value(ends_here);
        run(pending, async move { auth.sign_out(scope).await }, move |result| match result {
            Ok(()) if ends_here => auth.navigate(&auth.config().after_sign_out),
            Ok(()) => {
                confirming.set(None);
                request_animation_frame(|| focus_id("lsa-sessions-h"));
                status.set(Some(s.others_signed_out.to_owned()));
            }
            Err(e) => {
                leaving.set_value(false);
                error.set(Some(message(s, Op::SignOut, &e)));
            }
        });
    };
    let button = move |scope: LogoutScope, label: &'static str| {
        view! {
            <button type="button" class="lsa-button lsa-button-secondary" disabled=move || pending.get()
                on:click=move |_| ask(scope)>{label}</button>
        }
    };

    view! {
        <section class="lsa-card" aria-labelledby="lsa-sessions-h">
            <h2 id="lsa-sessions-h" tabindex="-1">{s.sessions_title}</h2>
            <div class="lsa-row">
                {button(LogoutScope::Local, s.sign_out_here)}
                {button(LogoutScope::Others, s.sign_out_others)}
                {button(LogoutScope::Global, s.sign_out_everywhere)}
            </div>
            {move || confirming.get().map(|scope| view! {
                <Confirm id="lsa-sign-out-confirm" question=question(s, scope).to_owned() warning=None yes=s.yes
                    pending on_yes=Callback::new(move |_| sign_out())
                    on_cancel=Callback::new(move |_| {
                        confirming.set(None);
                        focus_id("lsa-sessions-h");
                    })/>
            })}
            <Status message=status/>
            <Alert message=error/>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scope_has_its_own_question() {
        let s = &Strings::EN;
        let qs =
            [LogoutScope::Local, LogoutScope::Global, LogoutScope::Others].map(|x| question(s, x));
        assert!(qs[0] != qs[1] && qs[1] != qs[2] && qs[0] != qs[2]);
    }
}

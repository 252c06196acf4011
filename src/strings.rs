//! Every user-facing text, in one overridable table ([`Strings`]), with English defaults.
//!
//! The section picks a language itself (`crate::i18n`); a host changes single texts with
//! `AuthConfig::with_texts`, on top of whichever language is shown.

use crate::api::{ApiError, AuthenticatorError, ErrorCode};

macro_rules! strings {
    // An English text of an optional part (`#[feature = "webauthn"]` before it) is empty when
    // the part is compiled out, and one for a build without a part (`#[without = "qr"]`) when
    // it is in: the table keeps its fields (the locale files' order and a host's `with_texts`
    // stay as they are), the text leaves the wasm. Unit tests keep every text (they check the
    // locale files against English).
    (@en [] $en:literal) => { $en };
    (@en [feature $feat:literal] $en:literal) => {
        if cfg!(any(test, feature = $feat)) { $en } else { "" }
    };
    (@en [without $feat:literal] $en:literal) => {
        if cfg!(any(test, not(feature = $feat))) { $en } else { "" }
    };
    ($($(#[doc = $doc:literal])* $(#[feature = $feat:literal])? $(#[without = $wfeat:literal])? $name:ident = $en:literal,)*) => {
        /// The text table. Every field is one message; see [`Strings::EN`] for the defaults.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[non_exhaustive]
        pub struct Strings {
            $($(#[doc = $doc])* pub $name: &'static str,)*
            /// The language of these texts, a BCP 47 tag (`en`, `de`, `pt-BR`): the section's
            /// `lang`, and the locale of its plurals and numbers.
            pub lang: &'static str,
            /// Other plural forms of texts with a count: (the text's `other` form, its CLDR
            /// category such as `one` or `few`, the form). Filled from locale files.
            pub(crate) plurals: &'static [(&'static str, &'static str, &'static str)],
        }
        impl Strings {
            /// English.
            pub const EN: Strings =
                Strings { $($name: strings!(@en [$(feature $feat)? $(without $wfeat)?] $en),)* lang: "en", plurals: &[] };

            /// The field names, in table order (the order of the locale files).
            #[cfg(test)]
            pub(crate) const KEYS: &'static [&'static str] = &[$(stringify!($name)),*];

            /// The texts, in table order.
            #[cfg(test)]
            pub(crate) fn texts(&self) -> Vec<&'static str> {
                vec![$(self.$name),*]
            }

            /// A table from its texts in table order (`next` is called once per field; `dyn`
            /// keeps the two hundred calls small).
            #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
            pub(crate) fn from_texts(
                next: &mut dyn FnMut() -> &'static str,
                lang: &'static str,
                plurals: &'static [(&'static str, &'static str, &'static str)],
            ) -> Strings {
                Strings { $($name: next(),)* lang, plurals }
            }
        }
    };
}

strings! {
    /// Product name in page titles.
    app_name = "Account",
    /// Generic busy label.
    working = "Working…",
    /// Continue button.
    continue_ = "Continue",
    /// Cancel button.
    cancel = "Cancel",
    /// Back link.
    back = "Back",
    /// Retry button after a network failure.
    retry = "Try again",
    /// Email field label.
    email_label = "Email",
    /// Password field label.
    password_label = "Password",
    /// Current password label.
    current_password_label = "Current password",
    /// New password label.
    new_password_label = "New password",
    /// Confirm password label.
    confirm_password_label = "Confirm new password",
    /// Show password toggle.
    show_password = "Show password",
    /// Hide password toggle.
    hide_password = "Hide password",
    /// Code field label.
    code_label = "Verification code",
    /// Code field hint; `{n}` is the number of digits.
    code_hint = "Enter the {n}-digit code, or paste the link from the email.",
    /// Verify button.
    verify = "Verify",
    /// Resend button.
    resend = "Send a new code",
    /// Resend countdown; `{s}` is seconds.
    resend_in = "You can request a new code in {s} s",
    /// Status after a resend.
    code_resent = "We sent a new code.",

    /// Sign-in page heading.
    sign_in_title = "Sign in",
    /// Sign-in button.
    sign_in_button = "Sign in",
    /// Link to recovery.
    forgot_password = "Forgot your password?",
    /// Sign-out button.
    sign_out = "Sign out",
    /// Link to security settings.
    security_link = "Security settings",
    /// Signed-in banner; `{email}`.
    signed_in_as = "Signed in as {email}",

    /// Wizard step 1 heading.
    recover_step_email = "Step 1 of 4 — Reset your password",
    /// Wizard step 1 intro.
    recover_email_intro = "Enter the email address of your account. We will send you a code.",
    /// Send code button.
    send_code = "Send code",
    /// Neutral message after /recover (never reveals whether the account exists).
    recover_sent = "If an account exists for that address, we sent a code to {email}.",
    /// Wizard step 2 heading.
    recover_step_code = "Step 2 of 4 — Enter the code",
    /// How long the emailed code lasts (`{minutes}`: 2 or more).
    code_expiry = "The code is valid for {minutes} minutes. A new code replaces the old one.",
    /// How long the emailed code lasts, when it is one minute.
    code_expiry_minute = "The code is valid for 1 minute. A new code replaces the old one.",
    /// Change email link.
    change_email = "Use a different email",
    /// Wizard step 3 heading.
    recover_step_mfa = "Step 3 of 4 — Confirm it's you",
    /// Step 3 intro.
    recover_mfa_intro = "Your account is protected with two-step verification. Confirm it's you before choosing a new password.",
    /// Wizard step 4 heading.
    recover_step_password = "Step 4 of 4 — Choose a new password",
    /// Save password button.
    save_password = "Save password",
    /// Done heading.
    recover_done_title = "Your password was changed",
    /// Done text.
    recover_done_text = "You are signed in. For your security, your other sessions were signed out.",
    /// Continue after done.
    recover_done_continue = "Continue",
    /// Session lost mid-wizard.
    recover_session_lost = "Your reset session expired. Please start again.",
    /// Link page heading.
    confirm_title = "Reset your password",
    /// Link page text.
    confirm_text = "Press Continue to verify your reset link.",
    /// Link invalid/expired/used.
    confirm_link_invalid = "This link is invalid, expired or was already used. You can request a code instead.",
    /// PKCE verifier missing.
    confirm_other_browser = "This link was opened in a different browser or tab than the one that requested it. Request a code instead.",
    /// Request code instead.
    use_code_instead = "Request a code instead",
    /// Recovery step 4: whose password is being reset.
    recover_for_account = "For the account {email}.",
    /// Link page: whose account the verified link is for.
    confirm_link_for = "This link resets the password of {email}.",
    /// Link page: another account is signed in on this device.
    confirm_replaces = "You are signed in here as {email}. Continuing signs you out of that account on this device.",
    /// Link page: adopt the link's session.
    confirm_continue_as = "Continue as {email}",
    /// Link page: tokens of a kind this page does not handle.
    confirm_wrong_type = "This link is not a password-reset link, so it was not used. Open the link from your password-reset email, or request a code.",
    /// Code step: a pasted reset link of another account than the address entered.
    paste_other_account = "This link resets the password of another account than the address you entered, so it was not used here. Paste the link from the email sent to that address, or enter its code.",
    /// PKCE: who can use the email, and where its links work.
    code_expiry_pkce = "Anyone with this email can use its code or link until the code expires (a link made for this browser works only here, for 5 minutes). Don't forward it.",
    /// Storage is blocked: the session lives in this tab only.
    storage_blocked = "Your browser blocks storage for this site: you stay signed in only until this tab is closed or reloaded.",

    /// Sign-up page heading, and the sign-in page's link to it.
    #[feature = "sign-up"]
    sign_up_title = "Create an account",
    /// Sign-up button.
    #[feature = "sign-up"]
    sign_up_button = "Create account",
    /// Sign-up page when the project takes no new accounts.
    #[feature = "sign-up"]
    sign_up_closed = "New accounts cannot be made here.",
    /// Sign-up page: back to sign-in.
    #[feature = "sign-up"]
    have_account = "Already have an account? Sign in",
    /// Sign-in page: passwordless sign-in.
    code_sign_in = "Email me a sign-in code",
    /// Code step heading (sign-up, sign-in code, confirming an address).
    check_email_title = "Check your email",
    /// Code step after a sign-up: worded for new and existing accounts alike; `{email}`.
    #[feature = "sign-up"]
    sign_up_sent = "If {email} can be used for a new account, we sent a code to it. If you already have an account, sign in or reset your password instead.",
    /// Code step after "Email me a sign-in code": the same for any address; `{email}`.
    sign_in_code_sent = "If {email} can sign in here, we sent a sign-in code to it.",
    /// Password sign-in of an address not confirmed yet; `{email}`.
    unconfirmed_text = "{email} is not confirmed yet. We will send a code to confirm it.",
    /// Code step: a pasted link of another kind or for another address.
    link_not_used = "This link is not for this address or this step, so it was not used. Enter the code from the email instead.",
    /// Link page for a sign-in link (sign-up, magic link, invitation).
    confirm_sign_in_text = "Press Continue to use the link from your email.",
    /// Link page: whose account a sign-in link signs in; `{email}`.
    confirm_sign_in_for = "This link signs you in as {email}.",
    /// Home page: signing in as an anonymous user.
    #[feature = "sign-up"]
    anonymous_sign_in = "Continue without an account",
    /// Home page of an anonymous user.
    anonymous_home = "You are using the app without an account. Create one to keep what you did.",
    /// Sign-up page of an anonymous user.
    #[feature = "sign-up"]
    sign_up_keeps = "Everything you did so far stays in your new account.",
    /// Security: the email card's heading.
    email_title = "Email address",
    /// Security: opens the email change form.
    change_email_open = "Change your email address",
    /// Security: the new address field.
    new_email_label = "New email address",
    /// Security: a change waits for its confirmations.
    email_pending = "Your address changes to {email} once you confirm it: enter the code from each email, or open its link.",
    /// Security: the code field of the mail to the current address.
    email_code_current = "Code sent to your current address",
    /// Security: the code field of the mail to the new address.
    email_code_new = "Code sent to your new address",
    /// One of the two addresses confirmed (the security screen, the confirm page).
    email_confirmed_one = "Confirmed. Now confirm from the other address too.",
    /// The change is done.
    email_changed = "Your email address is now {email}.",
    /// The confirm page of an email change's link.
    confirm_email_text = "Press Continue to confirm the change of your email address.",
    /// The new address is another account's.
    err_email_taken = "Another account already uses this address.",
    /// The new address is the current one.
    err_email_same = "This is already your email address.",
    /// A social provider's button.
    #[feature = "social"]
    provider_continue = "Continue with {provider}",
    /// The callback page while it signs in.
    #[feature = "social"]
    oauth_finishing = "Finishing signing in…",
    /// The provider's sign-in was cancelled or refused.
    #[feature = "social"]
    oauth_cancelled = "Signing in was cancelled at the provider. Try again, or sign in another way.",
    /// The provider's address must be confirmed first.
    #[feature = "social"]
    oauth_confirm_email = "Confirm your email address first: we sent you a link. Then sign in again.",
    /// The provider's account belongs to another user here.
    #[feature = "social"]
    oauth_identity_taken = "That account is already connected to another user.",
    /// A round trip that expired, was used, or was not started in this browser.
    #[feature = "social"]
    oauth_expired = "This sign-in expired or was not started in this browser. Please start again.",
    /// Any other failure of a round trip.
    #[feature = "social"]
    oauth_failed = "Signing in with the provider did not work. Please try again.",
    /// The callback page names the account of an implicit-flow sign-in before it counts.
    #[feature = "social"]
    oauth_sign_in_for = "This sign-in is for {email}.",
    /// Security: the section listing the ways to sign in (the email address, connected providers).
    #[feature = "social"]
    identities_title = "Sign-in methods",
    /// Security: opens the list of sign-in methods.
    #[feature = "social"]
    identities_open = "Manage sign-in methods",
    /// Security: the email identity in the list of sign-in methods.
    #[feature = "social"]
    identity_email = "Email address",
    /// Security: connects an account at a provider ({provider}: its name, e.g. GitHub).
    #[feature = "social"]
    identity_connect = "Connect {provider}",
    /// Security: the button that disconnects a provider.
    #[feature = "social"]
    identity_disconnect = "Disconnect",
    /// Security: that button's name for screen readers.
    #[feature = "social"]
    identity_disconnect_named = "Disconnect {provider}",
    /// Security: the question before disconnecting.
    #[feature = "social"]
    identity_disconnect_confirm = "Disconnect {provider}? You will no longer be able to sign in with it.",
    /// Security: the answer that disconnects.
    #[feature = "social"]
    identity_disconnect_yes = "Yes, disconnect",
    /// Security: the last sign-in method cannot be disconnected.
    #[feature = "social"]
    identity_only_one = "This is your only sign-in method, so it cannot be disconnected.",
    /// Security: a provider was connected.
    #[feature = "social"]
    identity_connected = "{provider} is connected. You can now sign in with it.",
    /// Security: a provider was disconnected.
    #[feature = "social"]
    identity_disconnected = "{provider} is disconnected.",
    /// Security: the project does not allow connecting other accounts (manual linking off).
    #[feature = "social"]
    identity_linking_off = "Connecting other sign-in methods is turned off for this app.",
    /// The callback page while it connects a provider.
    #[feature = "social"]
    identity_connecting = "Connecting your account…",
    /// Step-up reason: connecting or disconnecting a sign-in method.
    step_up_reason_identity = "Confirm it's you to change how you sign in.",

    /// MFA heading (sign-in and step-up).
    mfa_title = "Two-step verification",
    /// Step-up explanation.
    mfa_step_up_intro = "Confirm it's you to continue.",
    /// Factor picker legend.
    mfa_choose_factor = "Choose a verification method",
    /// TOTP label.
    mfa_totp_label = "Code from your authenticator app",
    /// SMS label; `{phone}`.
    #[feature = "phone"]
    mfa_sms_label = "Code sent by SMS to {phone}",
    /// Send SMS button.
    #[feature = "phone"]
    mfa_send_sms = "Text me a code",
    /// Authenticator app name.
    factor_totp = "Authenticator app",
    /// Phone factor name.
    factor_phone = "Text message (SMS)",
    /// Lost device link.
    mfa_lost_device = "Can't use your authenticator?",
    /// Lost device help.
    mfa_lost_device_help = "For your security, a second factor can only be removed by an administrator. Contact your support team; they can remove the factor so you can reset your password.",

    /// Security page heading.
    security_title = "Security",
    /// Signed-in overview; `{email}`.
    security_account = "Account: {email}",
    /// AAL overview for aal2.
    security_level_aal2 = "This session is verified with two steps",
    /// AAL overview for aal1.
    security_level_aal1 = "This session is verified with one step",
    /// How it was reached; `{methods}`.
    security_methods = "Signed in with: {methods}",
    /// Factors heading.
    security_factors = "Two-step verification",
    /// No factors.
    security_no_factors = "No second factor yet.",
    /// Verified label.
    factor_verified = "Verified",
    /// Unverified label.
    factor_unverified = "Not verified",
    /// Remove factor button.
    remove = "Remove",
    /// Remove confirmation; `{name}`.
    remove_confirm = "Remove {name}? You will no longer be able to use it to sign in.",
    /// Last factor warning.
    remove_last_warning = "This is your last second factor: your account will be protected by your password only.",
    /// Change password heading.
    change_password_title = "Change password",
    /// The button that opens the change-password form.
    change_password_open = "Change your password",
    /// Change password success.
    password_changed = "Password changed. Your other sessions were signed out.",
    /// Nonce label.
    nonce_label = "Code from the confirmation email",
    /// Nonce sent.
    nonce_sent = "We emailed you a code to confirm this change.",
    /// Add TOTP heading.
    add_totp_title = "Add an authenticator app",
    /// Friendly name label.
    friendly_name_label = "Name for this device",
    /// Start enrolment.
    add_factor = "Add",
    /// QR alt text.
    #[feature = "qr"]
    qr_alt = "QR code: scan it with your authenticator app, or type the key below.",
    /// Secret label.
    secret_label = "Setup key",
    /// otpauth link.
    open_in_app = "Open in an authenticator app on this device",
    /// Enrolled success.
    factor_added = "Two-step verification is on.",
    /// Add phone heading.
    #[feature = "phone"]
    add_phone_title = "Add a phone (SMS)",
    /// Phone label.
    #[feature = "phone"]
    phone_label = "Phone number",
    /// Phone hint.
    #[feature = "phone"]
    phone_hint = "International format, e.g. +14155550100",
    /// SMS warning.
    #[feature = "phone"]
    sms_warning = "Text messages are less secure than an authenticator app.",
    /// Sessions heading.
    sessions_title = "Sessions",
    /// Sign out this device.
    sign_out_here = "Sign out of this device",
    /// Sign out everywhere.
    sign_out_everywhere = "Sign out everywhere",
    /// Sign out others.
    sign_out_others = "Sign out of all other devices",
    /// Confirm sign out.
    confirm_sign_out = "Are you sure?",
    /// Others signed out.
    others_signed_out = "Your other sessions were signed out.",
    /// Yes.
    yes = "Yes",

    /// Home heading.
    home_title = "Welcome",
    /// Not found heading.
    not_found = "Page not found",
    /// Config error heading.
    config_error_title = "This app is not configured",
    /// Config error text.
    config_error_text = "Set <meta name=\"supabase-url\" content=\"https://<project>.supabase.co\"> and <meta name=\"supabase-anon-key\" content=\"<anon key>\"> in index.html.",

    /// Password issue: too short; `{n}`.
    pw_too_short = "At least {n} characters",
    /// Password issue: missing a character class.
    pw_missing_chars = "Include: {set}",
    /// Password issue: too long.
    pw_too_long = "At most 72 bytes (about 72 letters)",
    /// Password issue: mismatch.
    pw_mismatch = "The passwords do not match",
    /// Password issue: pwned.
    pw_pwned = "This password appeared in a data breach; choose another",

    /// Error: network.
    err_network = "We could not reach the server. Check your connection and try again.",
    /// Error: a part of the app (its own wasm chunk) could not be downloaded.
    err_load_part = "This page could not be loaded. Check your connection and try again.",
    /// Error: unknown.
    err_unknown = "Something went wrong. Please try again.",
    /// Error: invalid_credentials.
    err_invalid_credentials = "Wrong email or password.",
    /// Error: email_not_confirmed.
    err_email_not_confirmed = "Please confirm your email address first.",
    /// Error: otp_expired.
    err_otp_expired = "That code is wrong or has expired. Check it, or send a new code.",
    /// Error: rate limited; `{s}`.
    err_rate_limited = "Too many requests. Try again in {s} seconds.",
    /// Error: rate limited without seconds.
    err_rate_limited_plain = "Too many requests. Please wait a moment.",
    /// Error: mfa_verification_failed.
    err_mfa_failed = "That code is not right. Check your app or message and try again.",
    /// Error: mfa_challenge_expired.
    err_mfa_expired = "That verification expired. Please try again with a new code.",
    /// Error: weak_password.
    err_weak_password = "Choose a stronger password.",
    /// Error: same_password.
    err_same_password = "Your new password must be different from your current one.",
    /// Error: current_password_invalid / required.
    err_current_password = "Your current password is not correct.",
    /// Error: reauthentication_not_valid.
    err_nonce_invalid = "That confirmation code is wrong or expired.",
    /// Error: session lost.
    err_session = "Your session ended. Please sign in again.",
    /// Error: mfa_factor_name_conflict.
    err_factor_name = "You already have a factor with this name.",
    /// Error: too_many_enrolled_mfa_factors.
    err_too_many_factors = "You have too many factors. Remove one first.",
    /// Error: phone format.
    err_phone_invalid = "Enter the number in international format, starting with +.",
    /// Error: factor type disabled.
    err_factor_disabled = "This verification method is not enabled.",
    /// Error: flow state / link problems.
    err_link = "This link is invalid or expired. Request a code instead.",
    /// Error: user banned.
    err_banned = "This account is blocked.",
    /// Error: mfa_verified_factor_exists.
    err_phone_exists = "This phone number is already set up.",
    /// Error: invalid email address.
    err_email_invalid = "Enter a valid email address.",
    /// Error: new password does not meet the checks.
    err_password_checks = "Your new password does not meet the requirements above.",
    /// Recovery step 3 notice after a late insufficient_aal.
    recover_step_up_needed = "Your account uses two-step verification: confirm it's you, then we will save your new password.",
    /// Link page: verifying.
    confirm_verifying = "Verifying your link…",

    /// Sign-in: the second-factor step's intro.
    sign_in_mfa_intro = "Your account uses two-step verification. Enter a code to finish signing in.",
    /// Sign-in: leave the second-factor step (signs out of the half-done session).
    sign_in_other_account = "Sign in with another account",
    /// Sign-in: email or password left empty.
    err_sign_in_fields = "Enter your email and password.",
    /// Step-up reason: password change.
    step_up_reason_password = "Confirm it's you to change your password.",
    /// Step-up reason: changing the email address.
    step_up_reason_email = "Confirm it's you to change your email address.",
    /// Step-up reason: adding a factor.
    step_up_reason_add_factor = "Confirm it's you to add a new verification method.",
    /// Step-up reason: removing a factor.
    step_up_reason_remove = "Confirm it's you to remove a verification method.",
    /// Sign-in method (amr): password.
    method_password = "password",
    /// Sign-in method (amr): TOTP.
    method_totp = "authenticator app",
    /// Sign-in method (amr): SMS factor.
    method_phone = "text message (SMS)",
    /// Sign-in method (amr): WebAuthn.
    method_webauthn = "security key or passkey",
    /// Sign-in method (amr): emailed code.
    method_email_code = "emailed code",
    /// Sign-in method (amr): email link.
    method_email_link = "email link",
    /// Sign-in method (amr): password reset.
    method_recovery = "password reset",
    /// Sign-in method (amr): another provider.
    method_external = "another provider",
    /// Sign-in method (amr): anonymous.
    method_anonymous = "anonymous sign-in",
    /// Factor list: creation date; `{date}`.
    factor_added_on = "Added {date}",
    /// Factor list: creation within the last month; `{ago}` is the browser's phrase for the
    /// day (`today`, `yesterday`, `3 days ago`, in the page's language).
    factor_added_ago = "Added {ago}",
    /// Remove button's accessible name; `{name}`.
    remove_named = "Remove {name}",
    /// Confirm removal button.
    remove_yes = "Yes, remove",
    /// Status after a removal; `{name}`.
    factor_removed = "{name} was removed.",
    /// Heading of the "add a factor" section.
    add_factor_title = "Add a verification method",
    /// Friendly-name hint.
    totp_name_hint = "For example, the phone your authenticator app is on.",
    /// Friendly name missing.
    err_name_required = "Enter a name for this device.",
    /// Scan step intro.
    #[feature = "qr"]
    totp_scan_intro = "Scan the QR code with your authenticator app, or type the setup key into it. Then enter the 6-digit code the app shows.",
    /// Scan step intro without a QR code (a host built without the `qr` feature).
    #[without = "qr"]
    totp_key_intro = "Type the setup key into your authenticator app. Then enter the 6-digit code the app shows.",
    /// Setup key hint.
    totp_secret_hint = "Spaces do not matter.",
    /// SMS sent for a new phone factor; `{phone}`.
    #[feature = "phone"]
    phone_code_sent = "We sent a code by SMS to {phone}.",
    /// Phone factor verified.
    #[feature = "phone"]
    phone_added = "Your phone can now be used for two-step verification.",
    /// Current password missing.
    err_current_required = "Enter your current password.",
    /// After a reload on the step-up page the typed passwords are gone (memory only).
    password_again = "You confirmed it's you. For your security, enter your passwords again.",
    /// Confirm: sign out here.
    confirm_sign_out_here = "Sign out of this device?",
    /// Confirm: sign out everywhere.
    confirm_sign_out_everywhere = "Sign out everywhere, including this device?",
    /// Confirm: sign out others.
    confirm_sign_out_others = "Sign out of every other device? This device stays signed in.",
    /// Error: user_sso_managed.
    err_sso_managed = "Your sign-in is managed by your organisation. Change it there.",
    /// Error: insufficient_aal again right after a step-up.
    err_step_up_failed = "We could not confirm it's you. Please try again.",
    /// Error: mfa_factor_not_found.
    err_factor_gone = "That verification method no longer exists. Please start again.",
    /// Error: mfa_ip_address_mismatch.
    err_mfa_mismatch = "That verification was already used or started on another network. Please try again.",
    /// Error: mfa_verification_rejected.
    err_mfa_rejected = "The verification was refused and you were signed out. Please sign in again.",
    /// Factor name: security key (WebAuthn).
    factor_webauthn = "Security key",
    /// Second-factor step: use the security key.
    #[feature = "webauthn"]
    mfa_use_key = "Use security key",
    /// Status while the browser's security-key prompt is open.
    #[feature = "webauthn"]
    key_waiting = "Follow your browser's prompt to use your security key or passkey.",
    /// Closes the open security-key prompt.
    #[feature = "webauthn"]
    key_stop = "Stop waiting for the key",
    /// Sign-in page: passkey button.
    #[feature = "webauthn"]
    sign_in_passkey = "Sign in with a passkey",
    /// Heading and opener of the "add a security key" panel.
    #[feature = "webauthn"]
    add_key_title = "Add a security key",
    /// Security-key name label.
    #[feature = "webauthn"]
    key_name_label = "Name of this key",
    /// Default security-key name.
    #[feature = "webauthn"]
    key_name_default = "Security key",
    /// Security-key name hint.
    #[feature = "webauthn"]
    key_name_hint = "For example, the key's brand or the device it is built into.",
    /// The button that opens the browser's prompt to make the key.
    #[feature = "webauthn"]
    add_key_button = "Add security key",
    /// Status after a key was added.
    #[feature = "webauthn"]
    key_added = "Your security key can now be used for two-step verification.",
    /// Back from the step-up with the key panel open: the browser needs a press to open its prompt.
    #[feature = "webauthn"]
    key_resume = "You confirmed it's you. Press the button again to continue.",
    /// Security screen: passkeys heading.
    #[feature = "webauthn"]
    passkeys_title = "Passkeys",
    /// Passkeys intro.
    #[feature = "webauthn"]
    passkeys_intro = "Sign in without a password: with this device's screen lock, fingerprint or face, or a security key.",
    /// No passkeys.
    #[feature = "webauthn"]
    passkeys_none = "No passkeys yet.",
    /// Opens the passkeys list.
    #[feature = "webauthn"]
    passkeys_open = "Manage passkeys",
    /// Add a passkey button.
    #[feature = "webauthn"]
    add_passkey = "Add a passkey",
    /// Status after a passkey was added; `{name}`.
    #[feature = "webauthn"]
    passkey_added = "Passkey “{name}” added. You can sign in with it now.",
    /// A passkey's last use; `{date}`.
    #[feature = "webauthn"]
    passkey_last_used = "Last used {date}",
    /// A passkey's last use within the last month; `{ago}` as in `factor_added_ago`.
    #[feature = "webauthn"]
    passkey_last_used_ago = "Last used {ago}",
    /// Rename button.
    #[feature = "webauthn"]
    rename = "Rename",
    /// Rename button's accessible name; `{name}`.
    #[feature = "webauthn"]
    rename_named = "Rename {name}",
    /// Default passkey name (GoTrue's).
    #[feature = "webauthn"]
    passkey_name_default = "Passkey",
    /// Passkey name label.
    #[feature = "webauthn"]
    passkey_name_label = "Passkey name",
    /// Save button.
    #[feature = "webauthn"]
    save = "Save",
    /// Status after a rename; `{name}`.
    #[feature = "webauthn"]
    passkey_renamed = "Renamed to “{name}”.",
    /// Confirm removing a passkey; `{name}`.
    #[feature = "webauthn"]
    passkey_remove_confirm = "Remove the passkey “{name}”? You will no longer be able to sign in with it.",
    /// Status after a passkey was removed; `{name}`.
    #[feature = "webauthn"]
    passkey_removed = "Passkey “{name}” was removed.",
    /// Error: the prompt was closed, timed out, or found no matching key.
    #[feature = "webauthn"]
    err_key_cancelled = "The security key prompt was closed or timed out, or this device has no matching key. Nothing was changed: try again, or choose another method.",
    /// Error: the prompt never answered.
    #[feature = "webauthn"]
    err_key_timeout = "Your security key did not answer in time. Try again.",
    /// Error: the authenticator already holds this account's credential.
    #[feature = "webauthn"]
    err_key_exists = "This security key or passkey is already registered for your account.",
    /// Error: no WebAuthn here.
    #[feature = "webauthn"]
    err_key_unavailable = "This browser can't use security keys or passkeys on this page.",
    /// Error: another prompt failure.
    #[feature = "webauthn"]
    err_key_failed = "The security key prompt failed. Try again.",
    /// Error: the server refused the credential.
    #[feature = "webauthn"]
    err_key_rejected = "That security key or passkey was not accepted. Try again, or use another one.",
    /// Error: the server's challenge expired or was used.
    #[feature = "webauthn"]
    err_key_expired = "That took too long. Try again.",
}

impl Strings {
    /// The message for a failed security-key or passkey step: as [`Strings::error`], except
    /// that GoTrue refuses a credential it cannot use with 400 `validation_failed` or 500
    /// `unexpected_failure` (another challenge's credential, a bad signature), and a used or
    /// expired MFA challenge with 422 `mfa_challenge_expired`: the user hears that the key was
    /// not accepted, or to try again.
    pub fn key_error(&self, err: &ApiError) -> String {
        match err.code() {
            Some(ErrorCode::ValidationFailed | ErrorCode::UnexpectedFailure) => {
                self.err_key_rejected.to_owned()
            }
            Some(ErrorCode::MfaChallengeExpired) => self.err_key_expired.to_owned(),
            _ => self.error(err),
        }
    }

    /// The message for an API error, chosen by its code (never by the server's text).
    pub fn error(&self, err: &ApiError) -> String {
        let s = |t: &str| t.to_owned();
        if let ApiError::Authenticator(a) = err {
            return s(match a {
                AuthenticatorError::Cancelled => self.err_key_cancelled,
                AuthenticatorError::TimedOut => self.err_key_timeout,
                AuthenticatorError::AlreadyRegistered => self.err_key_exists,
                AuthenticatorError::Unavailable => self.err_key_unavailable,
                AuthenticatorError::Other(_) => self.err_key_failed,
            });
        }
        if err.is_network() {
            return s(self.err_network);
        }
        let Some(code) = err.code() else { return s(self.err_unknown) };
        let text = match code {
            ErrorCode::InvalidCredentials => self.err_invalid_credentials,
            ErrorCode::EmailNotConfirmed => self.err_email_not_confirmed,
            ErrorCode::OtpExpired => self.err_otp_expired,
            ErrorCode::OverEmailSendRateLimit
            | ErrorCode::OverSmsSendRateLimit
            | ErrorCode::OverRequestRateLimit => {
                return match err.retry_after_secs() {
                    Some(n) => self.count(self.err_rate_limited, n.into()),
                    None => s(self.err_rate_limited_plain),
                }
            }
            ErrorCode::MfaVerificationFailed => self.err_mfa_failed,
            ErrorCode::MfaChallengeExpired => self.err_mfa_expired,
            ErrorCode::WeakPassword => self.err_weak_password,
            ErrorCode::SamePassword => self.err_same_password,
            ErrorCode::CurrentPasswordInvalid | ErrorCode::CurrentPasswordRequired => {
                self.err_current_password
            }
            ErrorCode::ReauthenticationNotValid => self.err_nonce_invalid,
            ErrorCode::SessionNotFound
            | ErrorCode::SessionExpired
            | ErrorCode::RefreshTokenNotFound
            | ErrorCode::RefreshTokenAlreadyUsed
            | ErrorCode::BadJwt
            | ErrorCode::UserNotFound
            | ErrorCode::NoAuthorization => self.err_session,
            ErrorCode::MfaFactorNameConflict => self.err_factor_name,
            ErrorCode::TooManyEnrolledMfaFactors => self.err_too_many_factors,
            ErrorCode::MfaTotpEnrollNotEnabled
            | ErrorCode::MfaPhoneEnrollNotEnabled
            | ErrorCode::MfaTotpVerifyNotEnabled
            | ErrorCode::MfaPhoneVerifyNotEnabled
            | ErrorCode::MfaWebauthnEnrollNotEnabled
            | ErrorCode::MfaWebauthnVerifyNotEnabled => self.err_factor_disabled,
            ErrorCode::WebauthnVerificationFailed => self.err_key_rejected,
            ErrorCode::WebauthnChallengeNotFound | ErrorCode::WebauthnChallengeExpired => {
                self.err_key_expired
            }
            ErrorCode::MfaVerifiedFactorExists => self.err_phone_exists,
            ErrorCode::FlowStateNotFound
            | ErrorCode::FlowStateExpired
            | ErrorCode::BadCodeVerifier => self.err_link,
            ErrorCode::UserBanned => self.err_banned,
            ErrorCode::MfaIpAddressMismatch => self.err_mfa_mismatch,
            ErrorCode::MfaVerificationRejected => self.err_mfa_rejected,
            ErrorCode::MfaFactorNotFound => self.err_factor_gone,
            ErrorCode::UserSsoManaged => self.err_sso_managed,
            _ => self.err_unknown,
        };
        s(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::error::parse_error;

    fn answer(status: u16, code: &str) -> ApiError {
        parse_error(status, None, &["{\"code\":\"", code, "\",\"message\":\"m\"}"].concat()).into()
    }

    #[test]
    fn security_key_messages() {
        let s = &Strings::EN;
        let prompt = |a| s.error(&ApiError::Authenticator(a));
        assert_eq!(prompt(AuthenticatorError::Cancelled), s.err_key_cancelled);
        assert_eq!(prompt(AuthenticatorError::TimedOut), s.err_key_timeout);
        assert_eq!(prompt(AuthenticatorError::AlreadyRegistered), s.err_key_exists);
        assert_eq!(prompt(AuthenticatorError::Unavailable), s.err_key_unavailable);
        assert_eq!(prompt(AuthenticatorError::Other("X".into())), s.err_key_failed);
        // The recorded refusals (webauthn.jsonl), each with its own message.
        assert_eq!(s.key_error(&answer(500, "unexpected_failure")), s.err_key_rejected);
        assert_eq!(s.key_error(&answer(400, "validation_failed")), s.err_key_rejected);
        assert_eq!(s.key_error(&answer(400, "webauthn_verification_failed")), s.err_key_rejected);
        assert_eq!(s.key_error(&answer(400, "webauthn_challenge_expired")), s.err_key_expired);
        assert_eq!(s.key_error(&answer(400, "webauthn_challenge_not_found")), s.err_key_expired);
        assert_eq!(s.key_error(&answer(422, "mfa_challenge_expired")), s.err_key_expired);
        assert_eq!(s.key_error(&answer(422, "mfa_factor_not_found")), s.err_factor_gone);
        assert_eq!(
            s.key_error(&answer(403, "insufficient_aal")),
            s.error(&answer(403, "insufficient_aal"))
        );
        // Elsewhere a 500 stays a server problem to retry.
        assert_eq!(s.error(&answer(500, "unexpected_failure")), s.err_network);
        assert_eq!(s.error(&answer(422, "mfa_webauthn_enroll_not_enabled")), s.err_factor_disabled);
    }
}

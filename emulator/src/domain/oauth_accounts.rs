//! Whose account a provider's profile is (GoTrue's `createAccountFromExternalIdentity`,
//! `DetermineAccountLinking`, `linkIdentityToUser`): the identity's owner, the user with its
//! verified email, a new user, or, for manual linking, the caller.

use serde_json::{json, Value};

use crate::domain::{identities, signup};
use crate::error::ApiError;
use crate::state::{AppState, ServerData};
use crate::store::{ExternalIdentity, OAuthState, User};
use crate::util;

/// What the provider said about the person: GoTrue's `UserProvidedData` for one email.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// The provider's subject.
    pub sub: String,
    /// The email, lowercased (`""` when none).
    pub email: String,
    /// Whether the provider verified it.
    pub email_verified: bool,
    /// GoTrue's `Claims` as stored in `identity_data`.
    pub claims: Value,
}

/// A new identity row for `profile` at `provider`.
fn new_identity(provider: &str, profile: &Profile, now: i64) -> ExternalIdentity {
    ExternalIdentity {
        identity_id: util::uuid_v4(),
        provider: provider.into(),
        provider_id: profile.sub.clone(),
        identity_data: profile.claims.clone(),
        last_sign_in_at: Some(now),
        created_at: now,
        updated_at: now,
    }
}

/// GoTrue's `UpdateUserMetaData`: the claims merged into `user_metadata` (null removes).
fn merge_metadata(u: &mut User, claims: &Value) {
    if !u.user_metadata.is_object() {
        u.user_metadata = json!({});
    }
    if let (Some(m), Some(c)) = (u.user_metadata.as_object_mut(), claims.as_object()) {
        for (k, v) in c {
            if v.is_null() {
                m.remove(k);
            } else {
                m.insert(k.clone(), v.clone());
            }
        }
    }
}

/// GoTrue's account-linking decision (`DetermineAccountLinking`, default linking domain).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The identity exists: its owner signs in.
    Exists(String),
    /// A user with the (verified) email exists: the identity is linked to it.
    Link(String),
    /// A new user.
    Create,
}

/// Who a provider profile belongs to: its identity's owner; else, when the email is verified
/// (or autoconfirm is on), the one user whose identities or address carry that email;
/// else a new user. Several users with that email: 500.
pub fn decide(
    db: &crate::store::Db,
    aud: &str,
    provider: &str,
    profile: &Profile,
    autoconfirm: bool,
) -> Result<Decision, ApiError> {
    if let Some(u) = identities::owner_of(db, provider, &profile.sub) {
        return Ok(Decision::Exists(u.id.clone()));
    }
    if !(profile.email_verified || autoconfirm) || profile.email.is_empty() {
        return Ok(Decision::Create);
    }
    let email = &profile.email;
    let by_identity: Vec<&User> = db
        .users
        .iter()
        .filter(|u| {
            (u.identity.is_some() && &u.email == email)
                || u.external_identities.iter().any(|i| &i.email() == email)
        })
        .collect();
    let candidates: Vec<&User> = if by_identity.is_empty() {
        db.users.iter().filter(|u| &u.email == email && u.aud == aud).collect()
    } else {
        by_identity
    };
    match candidates.as_slice() {
        [] => Ok(Decision::Create),
        [u] => Ok(Decision::Link(u.id.clone())),
        _ => Err(ApiError::internal(
            "Multiple accounts with the same email address in the same linking domain detected: default",
        )),
    }
}

/// GoTrue's `createAccountFromExternalIdentity`: signs in the identity's owner, links it to the
/// user with its verified email, or creates a user; an unconfirmed user is confirmed when the
/// provider verified the email, else mailed a confirmation and refused with 422
/// `provider_email_needs_verification` (the user and mail stay).
pub fn sign_in_with_identity(
    state: &AppState,
    data: &mut ServerData,
    flow: &OAuthState,
    profile: &Profile,
) -> Result<String, ApiError> {
    let config = &state.config;
    let now = state.now();
    let provider = flow.provider.as_str();
    let decision = decide(&data.db, &config.jwt_aud, provider, profile, config.mailer_autoconfirm)?;
    let uid = match decision {
        Decision::Exists(uid) => {
            let u = data.db.user_mut(&uid).ok_or_else(|| ApiError::internal("user vanished"))?;
            if let Some(i) = u
                .external_identities
                .iter_mut()
                .find(|i| i.provider == provider && i.provider_id == profile.sub)
            {
                i.identity_data = profile.claims.clone();
                i.last_sign_in_at = Some(now);
            }
            merge_metadata(u, &profile.claims);
            identities::refresh_providers(u);
            uid
        }
        Decision::Link(uid) => {
            let u = data.db.user_mut(&uid).ok_or_else(|| ApiError::internal("user vanished"))?;
            u.external_identities.push(new_identity(provider, profile, now));
            merge_metadata(u, &profile.claims);
            identities::refresh_providers(u);
            uid
        }
        Decision::Create => {
            if config.disable_signup {
                return Err(ApiError::unprocessable(
                    "signup_disabled",
                    "Signups not allowed for this instance",
                ));
            }
            let taken = data.db.user_by_email(&profile.email, &config.jwt_aud).is_some();
            let email = if taken { "" } else { profile.email.as_str() };
            let mut u = User::new(config, email, String::new(), false, None, now);
            u.identity = None;
            u.user_metadata = profile.claims.clone();
            u.external_identities.push(new_identity(provider, profile, now));
            identities::refresh_providers(&mut u);
            let uid = u.id.clone();
            data.db.users.push(u);
            uid
        }
    };
    let user = data.db.user(&uid).cloned().ok_or_else(|| ApiError::internal("user vanished"))?;
    if user.banned_until.is_some_and(|t| t > now) {
        return Err(ApiError::forbidden("user_banned", "User is banned"));
    }
    if !user.email.is_empty() && user.email_confirmed_at.is_none() {
        if profile.email_verified || config.mailer_autoconfirm {
            if let Some(u) = data.db.user_mut(&uid) {
                // GoTrue's `RemoveUnconfirmedIdentities`: an unconfirmed password or email
                // identity is no way into the account once an OAuth identity confirms it.
                u.identity = None;
                u.encrypted_password.clear();
                u.confirm_email(now);
                identities::refresh_providers(u);
            }
        } else {
            signup::send_confirmation(state, data, &uid, &flow.referrer, &None)?;
            return Err(ApiError::unprocessable(
                "provider_email_needs_verification",
                format!(
                    "Unverified email with {provider}. A confirmation email has been sent to your {provider} email"
                ),
            ));
        }
    }
    Ok(uid)
}

/// GoTrue's `linkIdentityToUser`: the identity added to `target` (422
/// `identity_already_exists` when someone has it); a user without email takes the provider's
/// (confirmed when verified, and no longer anonymous).
pub fn link_identity(
    state: &AppState,
    data: &mut ServerData,
    target: &str,
    flow: &OAuthState,
    profile: &Profile,
) -> Result<String, ApiError> {
    let now = state.now();
    let provider = flow.provider.as_str();
    if let Some(owner) = identities::owner_of(&data.db, provider, &profile.sub) {
        let msg = if owner.id == target {
            "Identity is already linked"
        } else {
            "Identity is already linked to another user"
        };
        return Err(ApiError::unprocessable("identity_already_exists", msg));
    }
    let mut u = data.db.user(target).cloned().ok_or_else(|| {
        ApiError::unprocessable("user_not_found", "Linking target user not found")
    })?;
    u.external_identities.push(new_identity(provider, profile, now));
    let mut unverified = false;
    if u.email.is_empty() {
        identities::email_from_identities(&data.db, &mut u, state.config.mailer_autoconfirm);
        if u.email.is_empty() {
            return Err(ApiError::bad_request(
                "email_exists",
                "A user with this email address has already been registered",
            ));
        }
        if profile.email_verified {
            u.confirm_email(now);
            u.is_anonymous = false;
        } else {
            unverified = true;
        }
    }
    identities::refresh_providers(&mut u);
    u.updated_at = now;
    if let Some(slot) = data.db.user_mut(target) {
        *slot = u;
    }
    if unverified {
        signup::send_confirmation(state, data, target, &flow.referrer, &None)?;
        return Err(ApiError::unprocessable(
            "email_not_confirmed",
            format!(
                "Unverified email with {provider}. A confirmation email has been sent to your {provider} email"
            ),
        ));
    }
    Ok(target.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::store::Db;

    #[test]
    fn linking_decisions() {
        let config = Config::default();
        let mut db = Db::default();
        let u = User::new(&config, "a@x.com", String::new(), true, None, 0);
        let uid = u.id.clone();
        db.users.push(u);
        let p = |email: &str, verified: bool| Profile {
            sub: "s1".into(),
            email: email.into(),
            email_verified: verified,
            claims: json!({}),
        };
        assert_eq!(
            decide(&db, "authenticated", "keycloak", &p("a@x.com", true), false).unwrap(),
            Decision::Link(uid.clone())
        );
        assert_eq!(
            decide(&db, "authenticated", "keycloak", &p("a@x.com", false), false).unwrap(),
            Decision::Create
        );
        assert_eq!(
            decide(&db, "authenticated", "keycloak", &p("b@x.com", true), false).unwrap(),
            Decision::Create
        );
        db.users[0].external_identities.push(new_identity("keycloak", &p("c@x.com", true), 0));
        assert_eq!(
            decide(&db, "authenticated", "keycloak", &p("z@x.com", true), false).unwrap(),
            Decision::Exists(uid)
        );
    }
}

//! A user's identities (the email identity and OAuth ones): `app_metadata.providers`, finding
//! who owns a provider identity, and unlinking (`DELETE /user/identities/{id}`, GoTrue's
//! `DeleteIdentity`).

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{Db, User};
use crate::util;

/// The providers of a user's identities: `email` first when it has one, then the OAuth ones
/// in the order they were linked, each once.
pub fn providers(u: &User) -> Vec<String> {
    let mut out: Vec<String> = u.identity.iter().map(|_| "email".to_string()).collect();
    for i in &u.external_identities {
        if !out.contains(&i.provider) {
            out.push(i.provider.clone());
        }
    }
    out
}

/// GoTrue's `UpdateAppMetaDataProviders`: `providers` from the identities and `provider` the
/// first of them (other `app_metadata` keys stay).
pub fn refresh_providers(u: &mut User) {
    let list = providers(u);
    if !u.app_metadata.is_object() {
        u.app_metadata = json!({});
    }
    if let Some(first) = list.first() {
        u.app_metadata["provider"] = json!(first);
    }
    u.app_metadata["providers"] = json!(list);
}

/// How many identities the user has.
pub fn count(u: &User) -> usize {
    usize::from(u.identity.is_some()) + u.external_identities.len()
}

/// The user owning the identity `provider_id` at `provider`.
pub fn owner_of<'a>(db: &'a Db, provider: &str, provider_id: &str) -> Option<&'a User> {
    db.users.iter().find(|u| {
        u.external_identities.iter().any(|i| i.provider == provider && i.provider_id == provider_id)
    })
}

/// GoTrue's `UpdateAppMetaDataProviders` after `UserUpdateEmailFromIdentities`, simplified: when
/// no identity carries the user's email any more, the email of the first identity that has one
/// (verified ones first) becomes the user's; unverified, it is unconfirmed unless `autoconfirm`.
pub fn email_from_identities(db: &Db, u: &mut User, autoconfirm: bool) {
    let has_own = u.identity.is_some()
        || u.external_identities.iter().any(|i| !u.email.is_empty() && i.email() == u.email);
    if has_own {
        return;
    }
    let verified = |i: &&crate::store::ExternalIdentity| {
        i.identity_data.get("email_verified").and_then(Value::as_bool).unwrap_or(false)
    };
    let mut candidates: Vec<&crate::store::ExternalIdentity> =
        u.external_identities.iter().filter(|i| !i.email().is_empty()).collect();
    candidates.sort_by_key(|i| !verified(i));
    let free = candidates.into_iter().find(|i| {
        let email = i.email();
        !db.users.iter().any(|o| o.id != u.id && o.email == email && o.aud == u.aud)
    });
    if let Some(i) = free {
        let ok = verified(&i) || autoconfirm;
        u.email = i.email();
        if !ok {
            u.email_confirmed_at = None;
            if let Some(m) = u.user_metadata.as_object_mut() {
                m.insert("email_verified".into(), Value::Bool(false));
            }
        }
    }
}

/// `DELETE /user/identities/{id}`: a malformed id is 404 `validation_failed`, a user with one
/// identity 422 `single_identity_not_deletable` (checked before the id is looked up), an
/// unknown id 422 `identity_not_found`.
pub fn unlink(state: &AppState, user_id: &str, identity_id: &str) -> Result<(), ApiError> {
    let Some(identity_id) = util::parse_uuid(identity_id) else {
        return Err(ApiError::not_found("validation_failed", "identity_id must be an UUID"));
    };
    let autoconfirm = state.config.mailer_autoconfirm;
    state.write(|data| {
        let now = state.now();
        let db = &mut data.db;
        let mut u = db
            .user(user_id)
            .cloned()
            .ok_or_else(crate::domain::sessions::user_not_found_from_sub)?;
        if count(&u) <= 1 {
            return Err(ApiError::unprocessable(
                "single_identity_not_deletable",
                "User must have at least 1 identity after unlinking",
            ));
        }
        if u.identity.as_ref().is_some_and(|i| i.identity_id == identity_id) {
            u.identity = None;
        } else if let Some(pos) =
            u.external_identities.iter().position(|i| i.identity_id == identity_id)
        {
            u.external_identities.remove(pos);
        } else {
            return Err(ApiError::unprocessable("identity_not_found", "Identity doesn't exist"));
        }
        email_from_identities(db, &mut u, autoconfirm);
        refresh_providers(&mut u);
        u.updated_at = now;
        if let Some(slot) = db.user_mut(user_id) {
            *slot = u;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::store::ExternalIdentity;

    fn kc(sub: &str, email: &str) -> ExternalIdentity {
        ExternalIdentity {
            identity_id: util::uuid_v4(),
            provider: "keycloak".into(),
            provider_id: sub.into(),
            identity_data: json!({"sub": sub, "email": email, "email_verified": true}),
            last_sign_in_at: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn providers_list_email_first_then_linked_ones() {
        let mut u = User::new(&Config::default(), "a@example.com", String::new(), true, None, 0);
        u.external_identities.push(kc("1", "b@example.com"));
        u.external_identities.push(kc("2", "c@example.com"));
        refresh_providers(&mut u);
        assert_eq!(
            u.app_metadata,
            json!({"provider": "email", "providers": ["email", "keycloak"]})
        );
        u.identity = None;
        refresh_providers(&mut u);
        assert_eq!(u.app_metadata["provider"], "keycloak");
        assert_eq!(count(&u), 2);
    }

    #[test]
    fn unlink_rules() {
        let state = crate::state::test_state(|_| {});
        let mut u = User::new(&state.config, "a@example.com", String::new(), true, None, 0);
        let k = kc("1", "b@example.com");
        let kid = k.identity_id.clone();
        u.external_identities.push(k);
        let (uid, eid) = (u.id.clone(), u.identity.as_ref().unwrap().identity_id.clone());
        state.write(|d| d.db.users.push(u));
        assert_eq!(unlink(&state, &uid, "nope").unwrap_err().code, "validation_failed");
        let unknown = util::uuid_v4();
        assert_eq!(unlink(&state, &uid, &unknown).unwrap_err().code, "identity_not_found");
        unlink(&state, &uid, &kid).unwrap();
        assert_eq!(unlink(&state, &uid, &eid).unwrap_err().code, "single_identity_not_deletable");
        let u = state.read(|d| d.db.user(&uid).cloned().unwrap());
        assert_eq!(u.app_metadata["providers"], json!(["email"]));
    }
}

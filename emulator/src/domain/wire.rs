//! GoTrue's JSON shapes (the wire format): User, Factor, passkey and the token response. Pure
//! functions of the stored entities, called under the same lock as the change they report.

use serde_json::{json, Map, Value};

use crate::store::{Db, Factor, Micros, Passkey, User};
use crate::util::rfc3339;

/// GoTrue's User JSON. `fresh` mimics the object GoTrue returns from sign-up before reloading
/// it: `confirmed_at` (a generated column) is missing there.
pub fn user_json(db: &Db, u: &User, fresh: bool) -> Value {
    let mut m = Map::new();
    let ts = |v: Option<Micros>| v.map(rfc3339);
    let opt = |m: &mut Map<String, Value>, k: &str, v: Option<Micros>| {
        if let Some(s) = ts(v) {
            m.insert(k.into(), json!(s));
        }
    };
    m.insert("id".into(), json!(u.id));
    m.insert("aud".into(), json!(u.aud));
    m.insert("role".into(), json!(u.role));
    m.insert("email".into(), json!(u.email));
    opt(&mut m, "email_confirmed_at", u.email_confirmed_at);
    opt(&mut m, "invited_at", u.invited_at);
    m.insert("phone".into(), json!(u.phone));
    opt(&mut m, "phone_confirmed_at", u.phone_confirmed_at);
    opt(&mut m, "confirmation_sent_at", u.confirmation_sent_at);
    if !fresh {
        let confirmed = match (u.email_confirmed_at, u.phone_confirmed_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        opt(&mut m, "confirmed_at", confirmed);
    }
    opt(&mut m, "recovery_sent_at", u.recovery_sent_at);
    if !u.new_email.is_empty() {
        m.insert("new_email".into(), json!(u.new_email));
    }
    opt(&mut m, "email_change_sent_at", u.email_change_sent_at);
    opt(&mut m, "reauthentication_sent_at", u.reauthentication_sent_at);
    opt(&mut m, "last_sign_in_at", u.last_sign_in_at);
    m.insert("app_metadata".into(), u.app_metadata.clone());
    m.insert("user_metadata".into(), u.user_metadata.clone());
    let factors: Vec<Value> = db.factors_of(&u.id).into_iter().map(factor_json).collect();
    if !factors.is_empty() {
        m.insert("factors".into(), json!(factors));
    }
    let mut identities: Vec<Value> = u
        .identity
        .iter()
        .map(|i| {
            json!({
                "identity_id": i.identity_id,
                "id": u.id,
                "user_id": u.id,
                "identity_data": i.identity_data,
                "provider": "email",
                "last_sign_in_at": ts(i.last_sign_in_at),
                "created_at": rfc3339(i.created_at),
                "updated_at": rfc3339(i.updated_at),
                "email": u.email,
            })
        })
        .collect();
    identities.extend(u.external_identities.iter().map(|i| {
        json!({
            "identity_id": i.identity_id,
            "id": i.provider_id,
            "user_id": u.id,
            "identity_data": i.identity_data,
            "provider": i.provider,
            "last_sign_in_at": ts(i.last_sign_in_at),
            "created_at": rfc3339(i.created_at),
            "updated_at": rfc3339(i.updated_at),
            "email": i.email(),
        })
    }));
    m.insert("identities".into(), json!(identities));
    m.insert("created_at".into(), json!(rfc3339(u.created_at)));
    m.insert("updated_at".into(), json!(rfc3339(u.updated_at)));
    opt(&mut m, "banned_until", u.banned_until);
    m.insert("is_anonymous".into(), json!(u.is_anonymous));
    Value::Object(m)
}

/// GoTrue's Factor JSON (the secret is never included).
pub fn factor_json(f: &Factor) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(f.id));
    m.insert("created_at".into(), json!(rfc3339(f.created_at)));
    m.insert("updated_at".into(), json!(rfc3339(f.updated_at)));
    m.insert("status".into(), json!(f.status));
    if !f.friendly_name.is_empty() {
        m.insert("friendly_name".into(), json!(f.friendly_name));
    }
    m.insert("factor_type".into(), json!(f.factor_type));
    m.insert("phone".into(), json!(f.phone));
    m.insert("last_challenged_at".into(), json!(f.last_challenged_at.map(rfc3339)));
    if let Some(c) = &f.webauthn_credential {
        m.insert("web_authn_aaguid".into(), json!(c.aaguid));
    }
    if let Some(d) = &f.last_webauthn_challenge_data {
        m.insert("last_webauthn_challenge_data".into(), d.clone());
    }
    Value::Object(m)
}

/// A passkey as the API lists it (`last_used_at` only once used).
pub fn passkey_json(p: &Passkey) -> Value {
    let mut v =
        json!({"id": p.id, "friendly_name": p.friendly_name, "created_at": rfc3339(p.created_at)});
    if let Some(t) = p.last_used_at {
        v["last_used_at"] = json!(rfc3339(t));
    }
    v
}

/// GoTrue's `AccessTokenResponse`: the signed access token, its `exp`, the refresh token and
/// the user (`now` in seconds).
pub fn token_json(
    access_token: &str,
    exp: i64,
    now: i64,
    refresh_token: &str,
    user: Value,
) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("access_token".into(), json!(access_token));
    m.insert("token_type".into(), json!("bearer"));
    m.insert("expires_in".into(), json!(exp - now));
    m.insert("expires_at".into(), json!(exp));
    m.insert("refresh_token".into(), json!(refresh_token));
    m.insert("user".into(), user);
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn user_json_shapes() {
        let mut meta = Map::new();
        meta.insert("name".into(), json!("A"));
        let user =
            User::new(&Config::default(), "A@example.com", String::new(), true, Some(&meta), 5);
        assert_eq!(user.email, "a@example.com");
        assert_eq!(user.user_metadata["name"], "A");
        assert_eq!(user.user_metadata["email_verified"], true);
        let db = Db::default();
        let full = user_json(&db, &user, false);
        assert!(full.get("confirmed_at").is_some() && full.get("factors").is_none());
        assert_eq!(full["identities"][0]["provider"], "email");
        assert!(user_json(&db, &user, true).get("confirmed_at").is_none());
    }

    #[test]
    fn factor_passkey_and_token_shapes() {
        let f = Factor::new("u", "totp", "", "SECRET".into(), String::new(), 0);
        let j = factor_json(&f);
        assert!(j.get("secret").is_none() && j.get("friendly_name").is_none());
        assert_eq!(
            (j["status"].as_str(), j["created_at"].as_str()),
            (Some("unverified"), Some("1970-01-01T00:00:00Z"))
        );
        let t = token_json("a", 100, 40, "r", json!({}));
        assert_eq!(
            (t["expires_in"].as_i64(), t["token_type"].as_str()),
            (Some(60), Some("bearer"))
        );
    }
}

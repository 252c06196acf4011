//! The front door with confirmations on, step by step as `../shared/fidelity/frontdoor.py`
//! drives real GoTrue v2.196 (`frontdoor.jsonl`), with the clock moved instead of waiting for
//! the 60 s email interval: sign-up confirmation, `/resend`, `/otp` (magic links), secure email
//! change, anonymous users and their conversion, `GOTRUE_DISABLE_SIGNUP`.

use serde_json::{json, Value};

use crate::common::*;

const APP: &str = "http://127.0.0.1:28500";

fn confirmations(cfg: &mut gotrue_emulator::Config) {
    cfg.mailer_autoconfirm = false;
    cfg.anonymous_users_enabled = true;
    cfg.rate_limit_email_sent = 1000;
}

async fn post(c: &Client, path: &str, body: Value) -> Resp {
    c.api("POST", path).json(body).send().await
}

/// How many mails went to `to`.
async fn mails_to(c: &Client, to: &str) -> usize {
    let r = c.req("GET", &format!("/_mail/api/v1/search?query=to:{to}")).send().await;
    r.json()["messages"].as_array().map_or(0, Vec::len)
}

/// The `type` and token of the newest mail's `GET /verify` link to `to`.
async fn link_of(c: &Client, to: &str) -> (String, String, String) {
    let (_, code, link) = c.mail_for(to).await.expect("a mail");
    let link = link.expect("a /verify link");
    let query = link.split_once('?').unwrap().1.to_string();
    let value = |k: &str| {
        query
            .split('&')
            .find_map(|p| p.strip_prefix(&format!("{k}=")))
            .unwrap_or_default()
            .to_string()
    };
    (value("type"), value("token"), code)
}

/// A confirmed user (signed up, confirmed by the mailed code) and its session.
async fn confirmed_user(c: &Client) -> (String, Value) {
    let email = email();
    post(c, "/signup", json!({"email": email, "password": PW})).await;
    let (_, _, code) = link_of(c, &email).await;
    let r = post(c, "/verify", json!({"type": "signup", "email": email, "token": code})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    (email, r.json())
}

fn amr(session: &Value) -> Vec<Value> {
    let claims = claims(session["access_token"].as_str().unwrap_or("x.e30.x"));
    claims["amr"].as_array().into_iter().flatten().map(|a| a["method"].clone()).collect()
}

#[tokio::test]
async fn sign_up_confirmation_resend_and_the_made_up_user() {
    let (_srv, c) = start_with(confirmations).await;
    let a = email();
    let path = format!("/signup?redirect_to={APP}/welcome");
    let r = post(&c, &path, json!({"email": a, "password": PW, "data": {"name": "Ada"}})).await;
    let user = r.json();
    assert!(r.status == 200 && user.get("access_token").is_none());
    assert_eq!(user["identities"][0]["identity_data"]["name"], "Ada");
    let (kind, _, code) = link_of(&c, &a).await;
    assert_eq!(kind, "signup");
    assert_eq!(c.login(&a, PW).await.code(), "email_not_confirmed");
    let r = post(&c, "/verify", json!({"type": "signup", "email": a, "token": code})).await;
    assert_eq!((r.status, amr(&r.json())), (200, vec![json!("otp")]));
    // A confirmed address signing up again: a made-up user, no session and no mail.
    let r = post(&c, "/signup", json!({"email": a, "password": "Other-Horse-9"})).await;
    let made_up = r.json();
    assert_eq!(r.status, 200);
    assert!(made_up["id"] != user["id"] && made_up.get("access_token").is_none());
    assert_eq!((made_up["role"].clone(), made_up["identities"].clone()), (json!(""), json!([])));
    assert_eq!(mails_to(&c, &a).await, 1);
    // /resend: nothing for a confirmed or an unknown address, 429 within the interval.
    for address in [a.clone(), email()] {
        let r = post(&c, "/resend", json!({"type": "signup", "email": address})).await;
        assert_eq!((r.status, r.json()), (200, json!({})));
    }
    assert_eq!(mails_to(&c, &a).await, 1);
    let d = email();
    post(&c, "/signup", json!({"email": d, "password": PW})).await;
    let r = post(&c, "/resend", json!({"type": "signup", "email": d})).await;
    assert_eq!((r.status, r.code()), (429, "over_email_send_rate_limit".into()));
    let r = post(&c, "/signup", json!({"email": d, "password": "Other-Horse-9"})).await;
    assert_eq!((r.status, r.code()), (429, "over_email_send_rate_limit".into()));
    c.advance(61.0).await;
    let r = post(&c, "/resend", json!({"type": "signup", "email": d})).await;
    assert_eq!(r.status, 200);
    assert_eq!(mails_to(&c, &d).await, 2);
    let (_, _, code) = link_of(&c, &d).await;
    let r = post(&c, "/verify", json!({"type": "signup", "email": d, "token": code})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    // An unconfirmed user signing up again after the interval: the same user, a new mail.
    let e = email();
    let id = post(&c, "/signup", json!({"email": e, "password": PW})).await.json()["id"].clone();
    c.advance(61.0).await;
    let r = post(&c, "/signup", json!({"email": e, "password": "Other-Horse-9"})).await;
    assert_eq!((r.status, r.json()["id"].clone()), (200, id));
    assert_eq!(mails_to(&c, &e).await, 2);
}

#[tokio::test]
async fn pkce_sign_up_link_gives_a_code() {
    let (_srv, c) = start_with(confirmations).await;
    let f = email();
    let verifier = "v".repeat(64);
    let challenge = gotrue_emulator::util::pkce_s256(&verifier);
    let body = json!({"email": f, "password": PW, "code_challenge": challenge, "code_challenge_method": "s256"});
    assert_eq!(post(&c, "/signup", body).await.status, 200);
    let (kind, token, _) = link_of(&c, &f).await;
    assert!(kind == "signup" && token.starts_with("pkce_"), "{token}");
    let path = format!("/verify?token={token}&type=signup&redirect_to={APP}/auth/callback");
    let r = c.api("GET", &path).send().await;
    let loc = r.header("Location").unwrap().to_string();
    assert!(r.status == 303 && loc.starts_with(&format!("{APP}/auth/callback?code=")), "{loc}");
    assert!(!loc.contains('#'), "{loc}");
    let code = loc.split_once("code=").unwrap().1;
    let body = json!({"auth_code": code, "code_verifier": verifier});
    let r = post(&c, "/token?grant_type=pkce", body).await;
    assert_eq!(r.status, 200, "{}", r.text());
}

#[tokio::test]
async fn otp_mails_magic_links_and_sign_up_confirmations() {
    let (_srv, c) = start_with(confirmations).await;
    let g = email();
    let r = post(&c, "/otp", json!({"email": g, "create_user": true})).await;
    assert_eq!((r.status, r.json()), (200, json!({})));
    let (kind, _, code) = link_of(&c, &g).await;
    assert_eq!(kind, "signup");
    let r = post(&c, "/verify", json!({"type": "email", "email": g, "token": code})).await;
    assert_eq!((r.status, amr(&r.json())), (200, vec![json!("otp")]));
    let r = post(&c, "/otp", json!({"email": g, "create_user": true})).await;
    assert_eq!(r.status, 200);
    let (kind, token, code) = link_of(&c, &g).await;
    assert_eq!(kind, "magiclink");
    let r = post(&c, "/verify", json!({"type": "magiclink", "email": g, "token": code})).await;
    assert_eq!((r.status, amr(&r.json())), (200, vec![json!("otp")]));
    // The used link now fails; another within the interval is refused.
    let r = c.api("GET", &format!("/verify?token={token}&type=magiclink")).send().await;
    assert!(r.header("Location").unwrap().contains("error_code=otp_expired"));
    let r = post(&c, "/otp", json!({"email": g})).await;
    assert_eq!((r.status, r.code()), (429, "over_email_send_rate_limit".into()));
    let r = post(&c, "/resend", json!({"type": "magiclink", "email": g})).await;
    assert_eq!((r.status, r.code()), (400, "validation_failed".into()));
    let r = post(&c, "/otp", json!({"email": email(), "create_user": false})).await;
    assert_eq!((r.status, r.code()), (422, "otp_disabled".into()));
    let r = post(&c, "/otp", json!({})).await;
    assert_eq!(
        (r.status, r.json()["message"].clone()),
        (400, json!("One of email or phone must be set"))
    );
    // A magic link followed: tokens in the fragment, type magiclink.
    let (h, _) = confirmed_user(&c).await;
    post(&c, "/otp", json!({"email": h, "create_user": false})).await;
    let (_, token, _) = link_of(&c, &h).await;
    let path = format!("/verify?token={token}&type=magiclink&redirect_to={APP}/welcome");
    let r = c.api("GET", &path).send().await;
    let loc = r.header("Location").unwrap();
    assert!(loc.starts_with(&format!("{APP}/welcome#access_token=")), "{loc}");
    assert!(loc.contains("&type=magiclink"), "{loc}");
    c.advance(61.0).await;
    assert_eq!(post(&c, "/otp", json!({"email": g})).await.status, 200);
    assert_eq!(link_of(&c, &g).await.0, "magiclink");
}

#[tokio::test]
async fn secure_email_change_needs_both_addresses() {
    let (_srv, c) = start_with(confirmations).await;
    let (cur, s) = confirmed_user(&c).await;
    let new = email();
    let r = c.put_user(&at(&s), json!({"email": new})).await;
    assert_eq!(
        (r.json()["email"].clone(), r.json()["new_email"].clone()),
        (json!(cur), json!(new))
    );
    let (kind, cur_token, cur_code) = link_of(&c, &cur).await;
    let (_, new_token, _) = link_of(&c, &new).await;
    assert_eq!(kind, "email_change");
    assert_ne!(cur_token, new_token);
    let r = post(&c, "/resend", json!({"type": "email_change", "email": cur})).await;
    assert_eq!((r.status, r.code()), (429, "over_email_send_rate_limit".into()));
    // The current address's code: a message, no session, the address unchanged.
    let r =
        post(&c, "/verify", json!({"type": "email_change", "email": cur, "token": cur_code})).await;
    assert_eq!(
        r.json()["msg"],
        "Confirmation link accepted. Please proceed to confirm link sent to the other email"
    );
    assert!(r.json().get("access_token").is_none());
    assert_eq!(c.api("GET", "/user").bearer(&at(&s)).send().await.json()["email"], cur.as_str());
    // The new address's link: the session, with the new address.
    let r = post(&c, "/verify", json!({"type": "email_change", "token_hash": new_token})).await;
    assert_eq!((r.status, r.json()["user"]["email"].clone()), (200, json!(new)));
    let u = c.api("GET", "/user").bearer(&at(&r.json())).send().await.json();
    assert!(u["email"] == new.as_str() && u.get("new_email").is_none());
    assert_eq!(u["identities"][0]["identity_data"]["email"], new.as_str());
    let (other, _) = confirmed_user(&c).await;
    let r = c.put_user(&at(&s), json!({"email": other})).await;
    assert_eq!((r.status, r.code()), (422, "email_exists".into()));
}

#[tokio::test]
async fn the_first_of_two_email_change_links_redirects_with_a_message() {
    let (_srv, c) = start_with(confirmations).await;
    let (cur, s) = confirmed_user(&c).await;
    c.put_user(&at(&s), json!({"email": email()})).await;
    let (_, token, _) = link_of(&c, &cur).await;
    let path = format!("/verify?token={token}&type=email_change&redirect_to={APP}/done");
    let r = c.api("GET", &path).send().await;
    let loc = r.header("Location").unwrap();
    assert_eq!(
        loc,
        format!("{APP}/done#message=Confirmation+link+accepted.+Please+proceed+to+confirm+link+sent+to+the+other+email&sb=")
    );
}

#[tokio::test]
async fn anonymous_users_and_their_conversion() {
    let (_srv, c) = start_with(confirmations).await;
    let r = c.api("POST", "/signup").send().await;
    assert_eq!((r.status, r.code()), (400, "bad_json".into()));
    let r = post(&c, "/signup", json!({})).await;
    let s = r.json();
    assert_eq!((r.status, amr(&s)), (200, vec![json!("anonymous")]));
    assert_eq!(claims(&at(&s))["is_anonymous"], true);
    let s = post(&c, "/signup", json!({"data": {"theme": "dark"}})).await.json();
    assert_eq!(s["user"]["user_metadata"], json!({"theme": "dark"}));
    let token = at(&s);
    let r = c.put_user(&token, json!({"password": PW})).await;
    assert_eq!((r.status, r.code()), (422, "validation_failed".into()));
    let r = c.api("GET", "/reauthenticate").bearer(&token).send().await;
    assert_eq!((r.status, r.code()), (400, "validation_failed".into()));
    let (taken, _) = confirmed_user(&c).await;
    assert_eq!(c.put_user(&token, json!({"email": taken})).await.code(), "email_exists");
    let k = email();
    let r = c.put_user(&token, json!({"email": k})).await;
    assert_eq!(
        (r.json()["is_anonymous"].clone(), r.json()["new_email"].clone()),
        (json!(true), json!(k))
    );
    // One mail (no current address), and the password still refused while it is pending.
    assert_eq!(mails_to(&c, &k).await, 1);
    assert_eq!(c.put_user(&token, json!({"password": PW})).await.status, 422);
    let (_, _, code) = link_of(&c, &k).await;
    let r = post(&c, "/verify", json!({"type": "email_change", "email": k, "token": code})).await;
    let s2 = r.json();
    assert_eq!((r.status, claims(&at(&s2))["is_anonymous"].clone()), (200, json!(false)));
    let u = c.api("GET", "/user").bearer(&at(&s2)).send().await.json();
    assert_eq!(u["user_metadata"], json!({"email_verified": true, "theme": "dark"}));
    assert_eq!(u["app_metadata"], json!({"provider": "email", "providers": ["email"]}));
    assert_eq!(u["identities"][0]["identity_data"]["email"], k.as_str());
    assert_eq!(c.put_user(&at(&s2), json!({"password": PW})).await.status, 200);
    assert_eq!(c.login(&k, PW).await.status, 200);
}

#[tokio::test]
async fn anonymous_sign_ins_off_and_sign_ups_disabled() {
    let (_srv, c) = start().await;
    let r = post(&c, "/signup", json!({})).await;
    assert_eq!((r.status, r.code()), (422, "anonymous_provider_disabled".into()));
    let (_srv, c) = start_with(|cfg| {
        cfg.disable_signup = true;
        cfg.anonymous_users_enabled = true;
    })
    .await;
    for (path, body) in [
        ("/signup", json!({"email": email(), "password": PW})),
        ("/signup", json!({})),
        ("/otp", json!({"email": email()})),
    ] {
        let r = post(&c, path, body.clone()).await;
        assert_eq!((r.status, r.code()), (422, "signup_disabled".into()), "{path} {body}");
    }
}

#[tokio::test]
async fn pkce_email_change_links_end_in_a_code() {
    let (_srv, c) = start_with(confirmations).await;
    let (cur, s) = confirmed_user(&c).await;
    let new = email();
    let verifier = "w".repeat(64);
    let challenge = gotrue_emulator::util::pkce_s256(&verifier);
    let body = json!({"email": new, "code_challenge": challenge, "code_challenge_method": "S256"});
    assert_eq!(c.put_user(&at(&s), body).await.status, 200);
    let follow = |token: String| {
        let c = c.clone();
        async move {
            let path = format!("/verify?token={token}&type=email_change&redirect_to={APP}/done");
            c.api("GET", &path).send().await.header("Location").unwrap().to_string()
        }
    };
    let (_, cur_token, _) = link_of(&c, &cur).await;
    let (_, new_token, _) = link_of(&c, &new).await;
    assert!(cur_token.starts_with("pkce_") && new_token.starts_with("pkce_"));
    let loc = follow(cur_token).await;
    assert!(loc.starts_with(&format!("{APP}/done?message=Confirmation+link+accepted")), "{loc}");
    let loc = follow(new_token).await;
    let code =
        loc.split_once("?code=").map(|(_, c)| c.to_string()).unwrap_or_else(|| panic!("{loc}"));
    let r =
        post(&c, "/token?grant_type=pkce", json!({"auth_code": code, "code_verifier": verifier}))
            .await;
    assert_eq!((r.status, r.json()["user"]["email"].clone()), (200, json!(new)));
}

#[tokio::test]
async fn otp_sign_ups_meet_the_password_policy() {
    let (_srv, c) = start_with(|cfg| {
        confirmations(cfg);
        cfg.password_required_characters = vec!["!@#".into(), "XYZ".into()];
    })
    .await;
    let r = post(&c, "/otp", json!({"email": email()})).await;
    assert_eq!((r.status, r.json()), (200, json!({})));
}

#[tokio::test]
async fn every_code_mail_shows_its_code_and_the_apps_link() {
    let (_srv, c) = start_with(confirmations).await;
    let site = format!("http://{}", c.addr);
    // The app's link carries the same token as GoTrue's /verify link, and the verify type.
    let check = |text: String, token: String, kind: &str| {
        let app = format!("{site}/auth/confirm?token_hash={token}&type={kind}");
        let app_at = text.find(&app).unwrap_or_else(|| panic!("{app} in {text}"));
        let verify_at = text.find("/auth/v1/verify?token=").unwrap();
        assert!(app_at < verify_at && text.contains("Code: "), "{text}");
    };
    let (a, s) = confirmed_user(&c).await;
    let text = |to: String| {
        let c = c.clone();
        async move { c.mail_for(&to).await.unwrap().0 }
    };
    let (_, token, _) = link_of(&c, &a).await;
    check(text(a.clone()).await, token, "signup");
    post(&c, "/otp", json!({"email": a})).await;
    let (_, token, _) = link_of(&c, &a).await;
    check(text(a.clone()).await, token, "magiclink");
    let new = email();
    c.put_user(&at(&s), json!({"email": new})).await;
    for to in [a.clone(), new.clone()] {
        let (_, token, _) = link_of(&c, &to).await;
        check(text(to).await, token, "email_change");
    }
}

#[tokio::test]
async fn invited_users_confirm_with_the_invite_code() {
    let (_srv, c) = start_with(confirmations).await;
    let invitee = email();
    let body = json!({"email": invitee, "data": {"team": "blue"}});
    let r = c.api("POST", "/invite").json(body.clone()).send().await;
    assert_eq!(r.status, 401, "an admin token is needed: {}", r.text());
    let r = c.api("POST", "/invite").bearer(&service_key()).json(body.clone()).send().await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.json()["invited_at"].is_string() && r.json().get("email_confirmed_at").is_none());
    let (kind, token, code) = link_of(&c, &invitee).await;
    assert_eq!(kind, "invite");
    let text = c.mail_for(&invitee).await.unwrap().0;
    assert!(text.contains(&format!("/auth/confirm?token_hash={token}&type=invite")), "{text}");
    let r = post(&c, "/verify", json!({"type": "invite", "email": invitee, "token": code})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let s = r.json();
    assert!(s["user"]["email_confirmed_at"].is_string());
    assert_eq!(s["user"]["user_metadata"]["team"], "blue");
    // The invited user then chooses a password.
    assert_eq!(c.put_user(&at(&s), json!({"password": PW})).await.status, 200);
    assert_eq!(c.login(&invitee, PW).await.status, 200);
    let r = c.api("POST", "/invite").bearer(&service_key()).json(body).send().await;
    assert_eq!((r.status, r.code()), (422, "email_exists".into()));
}

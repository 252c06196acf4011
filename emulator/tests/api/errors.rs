//! Error codes and shapes: malformed input, bad ids and tokens, validation messages. Never a 500.

use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn error_shapes_and_headers() {
    let (_srv, c) = start().await;
    let r = c.api("POST", "/recover").json(json!({})).send().await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json(),
        json!({"code": "validation_failed", "message": "Password recovery requires an email"})
    );
    assert_eq!(r.header("x-supabase-api-version"), Some("2024-01-01"));
    assert_eq!(r.header("x-sb-error-code"), Some("validation_failed"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    let r = c.api("POST", "/recover").legacy().json(json!({})).send().await;
    assert_eq!(
        r.json(),
        json!({"code": 400, "error_code": "validation_failed", "msg": "Password recovery requires an email"})
    );
    assert_eq!(r.header("x-supabase-api-version"), None);
    assert_eq!(r.header("x-sb-error-code"), Some("validation_failed"));
    let r = c
        .api("POST", "/recover")
        .header("X-Supabase-Api-Version", "2023-05-01")
        .json(json!({}))
        .send()
        .await;
    assert_eq!(r.json()["error_code"], "validation_failed");
    // Success answers do not echo the version header.
    let r = c.api("GET", "/settings").send().await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-supabase-api-version"), None);
    assert_eq!(r.json()["external"]["email"], true);
    assert_eq!(r.json()["mailer_autoconfirm"], true);
}

#[tokio::test]
async fn malformed_json_everywhere() {
    let (_srv, c) = start().await;
    let s = c.signup(&email(), PW).await;
    let (fid, _) = c.enroll_totp(&at(&s), "a").await;
    let paths = [
        ("POST", "/signup".to_string()),
        ("POST", "/token?grant_type=password".into()),
        ("POST", "/token?grant_type=refresh_token".into()),
        ("POST", "/token?grant_type=pkce".into()),
        ("POST", "/recover".into()),
        ("POST", "/verify".into()),
        ("PUT", "/user".into()),
        ("POST", "/factors".into()),
        ("POST", format!("/factors/{fid}/verify")),
    ];
    for (m, p) in &paths {
        let mismatch = r#"{"email": 5, "refresh_token": 5, "password": 5, "auth_code": 5, "factor_type": 5, "code": 5, "type": 5}"#;
        for body in ["{", "not json", "[1,2]", mismatch, ""] {
            let r = c
                .api(m, p)
                .bearer(&at(&s))
                .raw(body)
                .header("Content-Type", "text/plain")
                .send()
                .await;
            assert_eq!(
                (r.status, r.code()),
                (400, "bad_json".into()),
                "{m} {p} {body:?}: {}",
                r.text()
            );
            assert!(r.json()["message"]
                .as_str()
                .unwrap()
                .starts_with("Could not parse request body as JSON: "));
        }
    }
    // JSON is read whatever the content type.
    let r = c
        .api("POST", "/recover")
        .raw("{\"email\": \"nobody@example.com\"}")
        .header("Content-Type", "text/plain")
        .send()
        .await;
    assert_eq!(r.status, 200);
    // A non-UUID challenge id fails while decoding the body, like GoTrue.
    let r = c
        .api("POST", &format!("/factors/{fid}/verify"))
        .bearer(&at(&s))
        .json(json!({"challenge_id": "abc", "code": "1"}))
        .send()
        .await;
    assert_eq!(r.code(), "bad_json");
}

#[tokio::test]
async fn huge_bodies_get_413() {
    let (_srv, c) = start().await;
    let big = format!("{{\"email\": \"{}\"}}", "a".repeat(1024 * 1024 + 10));
    for p in ["/signup", "/recover", "/verify", "/token?grant_type=password"] {
        let r = c.api("POST", p).raw(big.clone()).send().await;
        assert_eq!((r.status, r.code()), (413, "request_entity_too_large".into()), "{p}");
    }
    // Just under the limit is parsed (and refused for what it says).
    let ok = format!("{{\"email\": \"{}\"}}", "a".repeat(1000));
    assert_eq!(c.api("POST", "/recover").raw(ok).send().await.status, 400);
}

#[tokio::test]
async fn bad_ids() {
    let (_srv, c) = start().await;
    let s = c.signup(&email(), PW).await;
    let r =
        c.api("POST", "/factors/not-a-uuid/challenge").bearer(&at(&s)).json(json!({})).send().await;
    assert_eq!((r.status, r.code()), (404, "validation_failed".into()));
    assert_eq!(r.json()["message"], "factor_id must be an UUID");
    let r = c.api("DELETE", "/factors/123").bearer(&at(&s)).send().await;
    assert_eq!((r.status, r.code()), (404, "validation_failed".into()));
    let r =
        c.api("POST", "/factors/not-a-uuid/verify").bearer(&at(&s)).json(json!({})).send().await;
    assert_eq!(r.status, 404);
    let unknown = gotrue_emulator::util::uuid_v4();
    let r = c.challenge(&at(&s), &unknown, Some(json!({}))).await;
    assert_eq!((r.status, r.code()), (404, "mfa_factor_not_found".into()));
    assert_eq!(r.json()["message"], "Factor not found");
    // Another user's factor is not found either.
    let other = c.signup(&email(), PW).await;
    let (fid, _) = c.enroll_totp(&at(&other), "x").await;
    let r = c.api("DELETE", &format!("/factors/{fid}")).bearer(&at(&s)).send().await;
    assert_eq!(r.code(), "mfa_factor_not_found");
    let r = c.verify_code(&at(&other), &fid, &json!(unknown), "123456").await;
    assert_eq!((r.status, r.code()), (422, "mfa_factor_not_found".into()));
    assert_eq!(r.json()["message"], "MFA factor with the provided challenge ID not found");
    let r = c.verify_code(&at(&other), &fid, &json!(unknown), "").await;
    assert_eq!(r.json()["message"], "Code needs to be non-empty");
    let key = service_key();
    let r = c.api("DELETE", &format!("/admin/users/nope/factors/{fid}")).bearer(&key).send().await;
    assert_eq!((r.status, r.code()), (404, "validation_failed".into()));
    let r =
        c.api("DELETE", &format!("/admin/users/{unknown}/factors/{fid}")).bearer(&key).send().await;
    assert_eq!((r.status, r.code()), (404, "user_not_found".into()));
    // Unknown routes are 404, not a panic.
    assert_eq!(c.api("GET", "/nope").send().await.status, 404);
}

#[tokio::test]
async fn bad_tokens() {
    let (_srv, c) = start().await;
    let email = email();
    let s = c.signup(&email, PW).await;
    let r = c.api("GET", "/user").send().await;
    assert_eq!((r.status, r.code()), (401, "no_authorization".into()));
    assert_eq!(r.json()["message"], "This endpoint requires a valid Bearer token");
    let r = c.api("GET", "/user").header("Authorization", "Basic abc").send().await;
    assert_eq!(r.code(), "no_authorization");
    for bad in ["garbage", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30.sig"] {
        let r = c.api("GET", "/user").bearer(bad).send().await;
        assert_eq!((r.status, r.code()), (403, "bad_jwt".into()), "{bad}");
    }
    let mut cl = claims(&at(&s));
    let wrong_key = gotrue_emulator::jwt::sign(&cl, "another-secret-another-secret-1234", None);
    assert_eq!(c.api("GET", "/user").bearer(&wrong_key).send().await.code(), "bad_jwt");
    let secret = gotrue_emulator::Config::default().jwt_secret;
    cl["sub"] = json!("not-a-uuid");
    let r =
        c.api("GET", "/user").bearer(&gotrue_emulator::jwt::sign(&cl, &secret, None)).send().await;
    assert_eq!((r.status, r.code()), (400, "bad_jwt".into()));
    cl["sub"] = json!(gotrue_emulator::util::uuid_v4());
    let r =
        c.api("GET", "/user").bearer(&gotrue_emulator::jwt::sign(&cl, &secret, None)).send().await;
    assert_eq!((r.status, r.code()), (403, "user_not_found".into()));
    assert_eq!(c.api("POST", "/logout").bearer(&at(&s)).send().await.status, 204);
    let r = c.api("POST", "/logout").bearer(&at(&s)).send().await;
    assert_eq!((r.status, r.code()), (403, "session_not_found".into()));
    assert_eq!(r.json()["message"], "Session from session_id claim in JWT does not exist");
}

#[tokio::test]
async fn signup_and_recover_validation() {
    let (_srv, c) = start().await;
    let email = email();
    c.signup(&email, PW).await;
    let r = c
        .api("POST", "/signup")
        .json(json!({"email": email, "password": "Other-Horse-9"}))
        .send()
        .await;
    assert_eq!((r.status, r.code()), (422, "user_already_exists".into()));
    assert_eq!(r.json()["message"], "User already registered");
    let r = c
        .api("POST", "/signup")
        .json(json!({"email": "x@example.com", "password": "ab"}))
        .send()
        .await;
    assert_eq!(
        r.json(),
        json!({"code": "weak_password", "message": "Password should be at least 6 characters.", "weak_password": {"reasons": ["length"]}})
    );
    let r = c.api("POST", "/signup").json(json!({"email": "bad", "password": PW})).send().await;
    assert_eq!(r.json()["message"], "Unable to validate email address: invalid format");
    let r = c.api("POST", "/signup").json(json!({"email": "x@example.com"})).send().await;
    assert_eq!(r.code(), "validation_failed");
    let r = c.api("POST", "/recover").json(json!({"email": "not-an-email"})).send().await;
    assert_eq!(r.json()["message"], "Unable to validate email address: invalid format");
    let r = c
        .api("POST", "/recover")
        .json(json!({"email": email, "code_challenge": "a".repeat(43)}))
        .send()
        .await;
    assert_eq!(r.json()["message"], "PKCE flow requires code_challenge_method and code_challenge");
    let r = c
        .api("POST", "/recover")
        .json(json!({"email": email, "code_challenge": "short", "code_challenge_method": "s256"}))
        .send()
        .await;
    assert_eq!(r.code(), "validation_failed");
}

#[tokio::test]
async fn verify_validation() {
    let (_srv, c) = start().await;
    let cases = [
        (
            json!({"email": "a@example.com", "token": "123456"}),
            400,
            "validation_failed",
            "Verify requires a verification type",
        ),
        (
            json!({"type": "recovery", "email": "a@example.com"}),
            400,
            "validation_failed",
            "Verify requires either a token or a token hash",
        ),
        (
            json!({"type": "recovery", "token": "1", "token_hash": "2"}),
            400,
            "validation_failed",
            "Verify requires either a token or a token hash",
        ),
        (
            json!({"type": "recovery", "token": "123456"}),
            400,
            "validation_failed",
            "Only an email address or phone number should be provided on verify",
        ),
        (
            json!({"type": "recovery", "token_hash": "abc", "email": "a@example.com"}),
            400,
            "validation_failed",
            "Only the token_hash and type should be provided",
        ),
        (
            json!({"type": "recovery", "token": "123456", "email": "bad"}),
            422,
            "validation_failed",
            "Invalid email format",
        ),
        (
            json!({"type": "recovery", "token": "123456", "email": "nobody@example.com"}),
            403,
            "otp_expired",
            "Token has expired or is invalid",
        ),
        (
            json!({"type": "recovery", "token_hash": "abc"}),
            403,
            "otp_expired",
            "Email link is invalid or has expired",
        ),
        (
            json!({"type": "bogus", "token_hash": "abc"}),
            400,
            "validation_failed",
            "Invalid email verification type",
        ),
    ];
    for (body, status, code, msg) in cases {
        let r = c.api("POST", "/verify").json(body.clone()).send().await;
        assert_eq!(
            (r.status, r.code(), r.json()["message"].as_str().unwrap_or("")),
            (status, code.into(), msg),
            "{body}"
        );
    }
    let r = c.api("GET", "/verify?type=recovery").send().await;
    assert_eq!(
        (r.status, r.json()["message"].clone()),
        (400, json!("Verify requires a token or a token hash"))
    );
    // A bad link redirects with the error (PKCE links also in the query).
    let r = c
        .api("GET", "/verify?token=pkce_0000&type=recovery&redirect_to=http://localhost:3000/reset")
        .send()
        .await;
    assert_eq!(r.status, 303);
    let loc = r.header("Location").unwrap();
    assert!(
        loc.starts_with("http://localhost:3000/reset?error=access_denied&error_code=otp_expired"),
        "{loc}"
    );
    assert!(loc.contains("#error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid+or+has+expired"), "{loc}");
    // A redirect outside the allow list falls back to the site URL.
    let r = c
        .api("GET", "/verify?token=x&type=recovery&redirect_to=https://evil.example/")
        .send()
        .await;
    assert!(r.header("Location").unwrap().starts_with(&format!("http://{}#error=", c.addr)));
}

#[tokio::test]
async fn factor_enrol_errors() {
    let (_srv, c) = start_with(|cfg| cfg.mfa_max_enrolled_factors = 3).await;
    let s = c.signup(&email(), PW).await;
    let t = at(&s);
    let post = |body: serde_json::Value| {
        let c = c.clone();
        let t = t.clone();
        async move { c.api("POST", "/factors").bearer(&t).json(body).send().await }
    };
    let r = post(json!({"factor_type": "sms"})).await;
    assert_eq!(
        (r.status, r.json()["message"].clone()),
        (400, json!("factor_type needs to be totp, phone, or webauthn"))
    );
    assert_eq!(
        post(json!({"factor_type": "webauthn"})).await.code(),
        "mfa_webauthn_enroll_not_enabled"
    );
    assert_eq!(
        post(json!({"factor_type": "phone"})).await.json()["message"],
        "Phone number required to enroll Phone factor"
    );
    assert_eq!(
        post(json!({"factor_type": "phone", "phone": "abc"})).await.json()["message"],
        "Invalid phone number format (E.164 required)"
    );
    let r = post(json!({"factor_type": "totp", "friendly_name": "a"})).await;
    let j = r.json();
    assert!(j["totp"]["qr_code"].as_str().unwrap().starts_with("<?xml version=\"1.0\"?>"));
    assert!(j["totp"]["uri"].as_str().unwrap().starts_with(&format!("otpauth://totp/{}:", c.addr)));
    assert_eq!(j["totp"]["secret"].as_str().unwrap().len(), 32);
    let r = post(json!({"factor_type": "totp", "friendly_name": "a"})).await;
    assert_eq!((r.status, r.code()), (422, "mfa_factor_name_conflict".into()));
    assert_eq!(
        r.json()["message"],
        "A factor with the friendly name \"a\" for this user already exists"
    );
    post(json!({"factor_type": "totp", "friendly_name": "b"})).await;
    post(json!({"factor_type": "totp", "friendly_name": "c"})).await;
    let r = post(json!({"factor_type": "totp", "friendly_name": "d"})).await;
    assert_eq!((r.status, r.code()), (422, "too_many_enrolled_mfa_factors".into()));
    // A verified phone factor with the same number blocks another.
    let (_srv2, c2) = start().await;
    let s = c2.signup(&email(), PW).await;
    let f = c2.enroll(&at(&s), json!({"factor_type": "phone", "phone": "+15550002222"})).await;
    let fid = f.json()["id"].as_str().unwrap().to_string();
    let ch = c2.challenge(&at(&s), &fid, Some(json!({}))).await.json();
    let code = c2.sms_code("15550002222").await.unwrap();
    let s = c2.verify_code(&at(&s), &fid, &ch["id"], &code).await.json();
    let r = c2
        .enroll(
            &at(&s),
            json!({"factor_type": "phone", "phone": "15550002222", "friendly_name": "again"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (422, "mfa_verified_factor_exists".into()));
    // Disabled types.
    let (_srv3, c3) = start_with(|cfg| {
        cfg.mfa_phone_enroll_enabled = false;
        cfg.mfa_totp_enroll_enabled = false;
    })
    .await;
    let s = c3.signup(&email(), PW).await;
    let r = c3.enroll(&at(&s), json!({"factor_type": "phone", "phone": "+15550003333"})).await;
    assert_eq!(r.code(), "mfa_phone_enroll_not_enabled");
    let r = c3.enroll(&at(&s), json!({"factor_type": "totp"})).await;
    assert_eq!(r.code(), "mfa_totp_enroll_not_enabled");
}

#[tokio::test]
async fn logout_scopes() {
    let (_srv, c) = start().await;
    let email = email();
    c.signup(&email, PW).await;
    let a = c.session(&email, PW).await;
    let b = c.session(&email, PW).await;
    let d = c.session(&email, PW).await;
    let r = c.api("POST", "/logout?scope=nope").bearer(&at(&a)).send().await;
    assert_eq!(
        (r.status, r.json()["message"].clone()),
        (400, json!("Unsupported logout scope \"nope\""))
    );
    assert_eq!(c.api("POST", "/logout?scope=others").bearer(&at(&a)).send().await.status, 204);
    assert_eq!(c.api("GET", "/user").bearer(&at(&b)).send().await.code(), "session_not_found");
    assert_eq!(c.api("GET", "/user").bearer(&at(&a)).send().await.status, 200);
    let e = c.session(&email, PW).await;
    assert_eq!(c.api("POST", "/logout?scope=local").bearer(&at(&a)).send().await.status, 204);
    assert_eq!(c.api("GET", "/user").bearer(&at(&e)).send().await.status, 200);
    assert_eq!(c.api("POST", "/logout").bearer(&at(&e)).send().await.status, 204);
    assert_eq!(c.api("GET", "/user").bearer(&at(&d)).send().await.code(), "session_not_found");
}

#[tokio::test]
async fn odd_bodies_never_500() {
    let (_srv, c) = start().await;
    let s = c.signup(&email(), PW).await;
    let bodies = [
        json!(null),
        json!(1),
        json!("x"),
        json!([]),
        json!({"email": null}),
        json!({"email": []}),
        json!({"password": {"a": 1}}),
        json!({"data": "x"}),
        json!({"factor_type": null}),
        json!({"email": "a@b.co", "password": "x".repeat(100)}),
        json!({"refresh_token": 12}),
        json!({"type": "recovery", "token_hash": ""}),
        json!({"challenge_id": null}),
    ];
    let paths = [
        "/signup",
        "/token?grant_type=password",
        "/token?grant_type=refresh_token",
        "/token?grant_type=pkce",
        "/recover",
        "/verify",
        "/user",
        "/factors",
        "/logout",
        "/reauthenticate",
        "/admin/users",
    ];
    for p in paths {
        for m in ["POST", "PUT", "GET", "DELETE"] {
            for b in &bodies {
                let r = c.api(m, p).bearer(&at(&s)).json(b.clone()).send().await;
                assert!(r.status < 500, "{m} {p} {b}: {} {}", r.status, r.text());
            }
        }
    }
}

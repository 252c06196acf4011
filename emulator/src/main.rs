//! `gotrue-emulator`: a GoTrue-compatible local server (thin binary around the library).

use std::path::PathBuf;
use std::process::ExitCode;

use gotrue_emulator::config::ENV_VARS;
use gotrue_emulator::state::{DEMO_PASSWORD, DEMO_TOTP_SECRET};
use gotrue_emulator::Config;

const FLAGS: &[(&str, &str)] = &[
    ("--port N", "port to bind (default 54321; 0 = any free port)"),
    ("--host H", "address to bind (default 127.0.0.1)"),
    ("--serve-dir DIR", "serve DIR at / with an index.html fallback for deep links"),
    ("--db PATH", "keep state in this SQLite file across restarts (default: in memory)"),
    ("--seed-demo", "seed demo@example.com and mfa@example.com (TOTP) and print them"),
    ("--test-controls", "enable /_emulator/ (clock, faults, reset, users)"),
    ("--anon-key K", "require this apikey under /auth/v1 (default: any apikey)"),
    ("--cors-origin O", "allowed CORS origin, repeatable, '*' wildcards (default http://127.0.0.1:*, http://localhost:*)"),
    ("--site-url URL", "GOTRUE_SITE_URL (default: the server's own origin)"),
    ("--jwt-secret S", "GOTRUE_JWT_SECRET"),
    ("--require-current-password", "GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_CURRENT_PASSWORD=true"),
    ("--require-reauthentication", "GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_REAUTHENTICATION=true"),
    ("--webauthn", "WebAuthn MFA enroll + verify and passkeys on (GOTRUE_WEBAUTHN_RP_* set the RP)"),
    ("--no-csp", "do not send the Content-Security-Policy header on served pages"),
    ("--help", "show this help"),
];

fn help() -> String {
    let mut s = String::from(
        "gotrue-emulator: a GoTrue-compatible (Supabase Auth) local server.\n\n\
         Usage: gotrue-emulator [--port N] [--host H] [--serve-dir DIR] [--db PATH] [--seed-demo]\n\
         \x20                      [--test-controls] [--anon-key K] [--cors-origin O]... [--no-csp] [--help]\n\n\
         API at /auth/v1, mail outbox at /_mail (Mailpit API + inbox page), SMS at /_sms.\n\nFlags:\n",
    );
    for (f, d) in FLAGS {
        s.push_str(&format!("  {f:<28} {d}\n"));
    }
    s.push_str("\nEnvironment (flags win over variables):\n");
    for (v, d) in ENV_VARS {
        s.push_str(&format!("  {v:<58} {d}\n"));
    }
    s
}

fn parse(args: &[String], mut c: Config) -> Result<Option<Config>, String> {
    let mut it = args.iter();
    let mut cors: Vec<String> = Vec::new();
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let mut value =
            || inline.clone().or_else(|| it.next().cloned()).ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--help" | "-h" => return Ok(None),
            "--port" => {
                c.port = value()?.parse().map_err(|_| "--port needs a number".to_string())?
            }
            "--host" => c.host = value()?,
            "--serve-dir" => c.serve_dir = Some(PathBuf::from(value()?)),
            "--db" => c.db_path = Some(PathBuf::from(value()?)),
            "--seed-demo" => c.seed_demo = true,
            "--test-controls" => c.test_controls = true,
            "--anon-key" => c.anon_key = Some(value()?),
            "--cors-origin" => cors.push(value()?),
            "--site-url" => c.site_url = Some(value()?),
            "--jwt-secret" => c.jwt_secret = value()?,
            "--require-current-password" => c.update_password_require_current_password = true,
            "--require-reauthentication" => c.update_password_require_reauthentication = true,
            "--webauthn" => {
                c.mfa_webauthn_enroll_enabled = true;
                c.mfa_webauthn_verify_enabled = true;
                c.passkey_enabled = true;
            }
            "--no-csp" => c.csp = false,
            other => return Err(format!("unknown argument {other:?} (see --help)")),
        }
    }
    if !cors.is_empty() {
        c.cors_origins = cors;
    }
    Ok(Some(c))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match parse(&args, Config::from_env()) {
        Ok(Some(c)) => c,
        Ok(None) => {
            print!("{}", help());
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("gotrue-emulator: {e}");
            return ExitCode::from(2);
        }
    };
    let (seed, serve) = (config.seed_demo, config.serve_dir.is_some());
    let running = match gotrue_emulator::spawn(config).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("gotrue-emulator: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let url = running.url();
    println!("listening on {url}");
    println!("  API:   {url}/auth/v1");
    println!("  inbox: {url}/_mail/");
    if serve {
        println!("  app:   {url}/");
    }
    if seed {
        println!("demo users (password {DEMO_PASSWORD}):");
        println!("  demo@example.com  (no MFA)");
        println!(
            "  mfa@example.com   (TOTP secret {DEMO_TOTP_SECRET}; current codes on the inbox page)"
        );
    }
    let _ = tokio::signal::ctrl_c().await;
    running.stop().await;
    ExitCode::SUCCESS
}

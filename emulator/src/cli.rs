//! The command line: flags over the environment's settings, and the help text.

use std::path::PathBuf;

use crate::config::{Config, ENV_VARS};

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    /// Start the server with these settings.
    Serve(Box<Config>),
    /// Print [`help`] and exit.
    Help,
}

/// Every flag with a line of help.
pub const FLAGS: &[(&str, &str)] = &[
    ("--port N", "port to bind (default 54321; 0 = any free port)"),
    ("--host H", "address to bind (default 127.0.0.1)"),
    ("--serve-dir DIR", "serve DIR at / with an index.html fallback for deep links"),
    ("--db PATH", "keep state in this SQLite file across restarts (default: in memory)"),
    ("--seed-demo", "seed demo@example.com and mfa@example.com (TOTP) and print them"),
    ("--test-provider", "serve a built-in test provider (as GoTrue's keycloak) with demo accounts"),
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

/// The `--help` text: usage, flags, environment variables.
pub fn help() -> String {
    let mut text = String::from(
        "gotrue-emulator: a GoTrue-compatible (Supabase Auth) local server.\n\n\
         Usage: gotrue-emulator [--port N] [--host H] [--serve-dir DIR] [--db PATH] [--seed-demo]\n\
         \x20                      [--test-provider] [--test-controls] [--anon-key K] [--cors-origin O]... [--no-csp] [--help]\n\n\
         API at /auth/v1, mail outbox at /_mail (Mailpit API + inbox page), SMS at /_sms.\n\nFlags:\n",
    );
    for (flag, what) in FLAGS {
        text.push_str(&format!("  {flag:<28} {what}\n"));
    }
    text.push_str("\nEnvironment (flags win over variables):\n");
    for (var, what) in ENV_VARS {
        text.push_str(&format!("  {var:<58} {what}\n"));
    }
    text
}

/// Applies the arguments (without the program name) to `config`, which holds the defaults and
/// the environment's settings. `--flag value` and `--flag=value` both work; repeated
/// `--cors-origin`s replace the configured origins together.
pub fn parse_args(args: &[String], mut config: Config) -> Result<Command, String> {
    let mut args = args.iter();
    let mut cors: Vec<String> = Vec::new();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = || {
            inline.clone().or_else(|| args.next().cloned()).ok_or(format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--help" | "-h" => return Ok(Command::Help),
            "--port" => {
                config.port = value()?.parse().map_err(|_| "--port needs a number".to_string())?
            }
            "--host" => config.host = value()?,
            "--serve-dir" => config.serve_dir = Some(PathBuf::from(value()?)),
            "--db" => config.db_path = Some(PathBuf::from(value()?)),
            "--seed-demo" => config.seed_demo = true,
            "--test-provider" => config.test_provider = true,
            "--test-controls" => config.test_controls = true,
            "--anon-key" => config.anon_key = Some(value()?),
            "--cors-origin" => cors.push(value()?),
            "--site-url" => config.site_url = Some(value()?),
            "--jwt-secret" => config.jwt_secret = value()?,
            "--require-current-password" => config.update_password_require_current_password = true,
            "--require-reauthentication" => config.update_password_require_reauthentication = true,
            "--webauthn" => {
                config.mfa_webauthn_enroll_enabled = true;
                config.mfa_webauthn_verify_enabled = true;
                config.passkey_enabled = true;
            }
            "--no-csp" => config.csp = false,
            other => return Err(format!("unknown argument {other:?} (see --help)")),
        }
    }
    if !cors.is_empty() {
        config.cors_origins = cors;
    }
    Ok(Command::Serve(Box::new(config)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, String> {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        parse_args(&args, Config::default())
    }

    fn serve(args: &[&str]) -> Config {
        match parse(args) {
            Ok(Command::Serve(c)) => *c,
            other => panic!("expected settings, got {other:?}"),
        }
    }

    #[test]
    fn no_arguments_keep_the_given_settings() {
        let c = serve(&[]);
        assert_eq!((c.host.as_str(), c.port), ("127.0.0.1", 54321));
        assert!(!c.test_controls && !c.seed_demo && c.csp && !c.passkey_enabled);
        let from_env = Config { port: 7, ..Config::default() };
        match parse_args(&[], from_env) {
            Ok(Command::Serve(c)) => assert_eq!(c.port, 7),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn flags_with_separate_and_inline_values() {
        let c = serve(&[
            "--port",
            "0",
            "--host=0.0.0.0",
            "--serve-dir",
            "dist",
            "--db=state.db",
            "--anon-key",
            "k",
            "--site-url=http://app.test",
            "--jwt-secret",
            "s",
        ]);
        assert_eq!(c.port, 0);
        assert_eq!(c.host, "0.0.0.0");
        assert_eq!(c.serve_dir, Some(PathBuf::from("dist")));
        assert_eq!(c.db_path, Some(PathBuf::from("state.db")));
        assert_eq!(c.anon_key.as_deref(), Some("k"));
        assert_eq!(c.site_url.as_deref(), Some("http://app.test"));
        assert_eq!(c.jwt_secret, "s");
    }

    #[test]
    fn switches() {
        let c = serve(&[
            "--seed-demo",
            "--test-provider",
            "--test-controls",
            "--require-current-password",
            "--require-reauthentication",
            "--webauthn",
            "--no-csp",
        ]);
        assert!(c.seed_demo && c.test_provider && c.test_controls && !c.csp);
        assert!(c.update_password_require_current_password);
        assert!(c.update_password_require_reauthentication);
        assert!(c.mfa_webauthn_enroll_enabled && c.mfa_webauthn_verify_enabled);
        assert!(c.passkey_enabled);
    }

    #[test]
    fn repeated_cors_origins_replace_the_defaults() {
        let c = serve(&["--cors-origin", "http://a.test", "--cors-origin=http://b.test"]);
        assert_eq!(c.cors_origins, vec!["http://a.test".to_string(), "http://b.test".to_string()]);
    }

    #[test]
    fn help_wins() {
        assert!(matches!(parse(&["--port", "1", "--help"]), Ok(Command::Help)));
        assert!(matches!(parse(&["-h"]), Ok(Command::Help)));
        let text = help();
        assert!(text.contains("--test-controls") && text.contains("GOTRUE_JWT_SECRET"));
    }

    #[test]
    fn bad_arguments() {
        assert_eq!(parse(&["--port", "x"]).unwrap_err(), "--port needs a number");
        assert_eq!(parse(&["--port"]).unwrap_err(), "--port needs a value");
        assert_eq!(parse(&["--host"]).unwrap_err(), "--host needs a value");
        assert!(parse(&["--frobnicate"])
            .unwrap_err()
            .contains("unknown argument \"--frobnicate\""));
        assert!(parse(&["stray"]).unwrap_err().contains("unknown argument"));
    }
}

//! `gotrue-emulator`: a GoTrue-compatible local server (thin binary around the library).

use std::process::ExitCode;

use gotrue_emulator::cli::{self, Command};
use gotrue_emulator::domain::seed::{DEMO_PASSWORD, DEMO_TOTP_SECRET};
use gotrue_emulator::Config;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match cli::parse_args(&args, Config::from_env()) {
        Ok(Command::Serve(config)) => *config,
        Ok(Command::Help) => {
            print!("{}", cli::help());
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("gotrue-emulator: {e}");
            return ExitCode::from(2);
        }
    };
    let (seed, serve, provider) =
        (config.seed_demo, config.serve_dir.is_some(), config.test_provider);
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
    if provider {
        println!(
            "test provider (not a real sign-in): GoTrue's keycloak at {url}{}",
            gotrue_emulator::test_provider::REALM_PATH
        );
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

//! `idp-fakes`: the three fake servers as one standalone process, for test suites in any language.
//!
//! ```text
//! cargo run -p idp-testkit --bin idp-fakes -- [--okta-port N] [--authress-port N] [--kinde-port N]
//!                                             [--seed N] [--request-log-limit N]
//! ```
//!
//! Starts FakeOkta, FakeAuthress and FakeKinde on `127.0.0.1` (port 0 or absent: a free port),
//! prints one JSON line on stdout with their base URLs and credentials, then serves until SIGTERM
//! or SIGINT. Each fake serves the control API under `/__testkit/` (request log, faults, reset,
//! seed; see `idp_testkit::StartOptions` and the crate docs).

use std::process::ExitCode;

use idp_testkit::{FakeAuthress, FakeKinde, FakeOkta, OKTA_SEED_APP_ID, StartOptions};
use serde_json::json;

const USAGE: &str = "usage: idp-fakes [--okta-port N] [--authress-port N] [--kinde-port N] \
[--seed N] [--request-log-limit N]";

/// The parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Args {
    okta_port: u16,
    authress_port: u16,
    kinde_port: u16,
    seed: usize,
    request_log_limit: usize,
}

impl Default for Args {
    fn default() -> Self {
        Args {
            okta_port: 0,
            authress_port: 0,
            kinde_port: 0,
            seed: 0,
            request_log_limit: 1_000,
        }
    }
}

/// Parses `--name value` and `--name=value` options.
fn parse_args(raw: impl IntoIterator<Item = String>) -> Result<Option<Args>, String> {
    let mut args = Args::default();
    let mut raw = raw.into_iter();
    while let Some(arg) = raw.next() {
        if arg == "-h" || arg == "--help" {
            return Ok(None);
        }
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
            None => (arg.clone(), None),
        };
        let value = match inline {
            Some(v) => v,
            None => raw.next().ok_or_else(|| format!("{name} needs a value"))?,
        };
        let bad = |e: std::num::ParseIntError| format!("{name} {value:?}: {e}");
        match name.as_str() {
            "--okta-port" => args.okta_port = value.parse().map_err(bad)?,
            "--authress-port" => args.authress_port = value.parse().map_err(bad)?,
            "--kinde-port" => args.kinde_port = value.parse().map_err(bad)?,
            "--seed" => args.seed = value.parse().map_err(bad)?,
            "--request-log-limit" => args.request_log_limit = value.parse().map_err(bad)?,
            _ => return Err(format!("unknown option {name:?}")),
        }
    }
    Ok(Some(args))
}

/// Waits for SIGTERM or SIGINT (Ctrl-C).
async fn shutdown_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}

async fn run(args: Args) -> std::io::Result<()> {
    let options = |port| {
        StartOptions::default()
            .port(port)
            .request_log_limit(args.request_log_limit)
    };
    // Listen for signals before announcing the servers, so a SIGTERM right after the JSON line
    // is never missed.
    let signal = tokio::spawn(shutdown_signal());
    let okta = FakeOkta::start_with(options(args.okta_port)).await?;
    let authress = FakeAuthress::start_with(options(args.authress_port)).await?;
    let kinde = FakeKinde::start_with(options(args.kinde_port)).await?;
    let okta_users = okta.seed_app_users(OKTA_SEED_APP_ID, args.seed);
    authress.seed_connections(args.seed);
    kinde.seed_connections(args.seed);
    let kinde_domain = kinde.base_url().trim_start_matches("http://").to_owned();
    let line = json!({
        "okta": {
            "base_url": okta.base_url(),
            "api_token": okta.api_token(),
            "app_id": OKTA_SEED_APP_ID,
            "seeded_user_ids": okta_users,
            "control_url": format!("{}/__testkit", okta.base_url()),
        },
        "authress": {
            "base_url": authress.base_url(),
            "access_key": authress.access_key(),
            "account_id": authress.account_id(),
            "client_id": authress.client_id(),
            "control_url": format!("{}/__testkit", authress.base_url()),
        },
        "kinde": {
            "base_url": kinde.base_url(),
            "domain": kinde_domain,
            "client_id": kinde.client_id(),
            "client_secret": kinde.client_secret(),
            "audience": kinde.audience(),
            "control_url": format!("{}/__testkit", kinde.base_url()),
        },
    });
    println!("{line}");
    match signal.await {
        Ok(result) => result?,
        Err(e) => return Err(std::io::Error::other(e)),
    }
    eprintln!("idp-fakes: stopping");
    drop((okta, authress, kinde));
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("idp-fakes: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("idp-fakes: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("idp-fakes: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Args>, String> {
        parse_args(args.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn options_parse_in_both_forms() {
        let args = parse(&["--okta-port", "1", "--kinde-port=3", "--seed", "5"])
            .expect("parses")
            .expect("not help");
        assert_eq!(args.okta_port, 1);
        assert_eq!(args.authress_port, 0);
        assert_eq!(args.kinde_port, 3);
        assert_eq!(args.seed, 5);
        assert_eq!(args.request_log_limit, 1_000);
        assert_eq!(parse(&["--help"]), Ok(None));
        assert!(parse(&["--okta-port"]).is_err());
        assert!(parse(&["--okta-port", "x"]).is_err());
        assert!(parse(&["--nope", "1"]).is_err());
    }
}

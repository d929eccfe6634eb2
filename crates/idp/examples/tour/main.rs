//! A walk through the three providers: assign and list Okta app users, configure a provisioning
//! connection, rotate a hook key; create, list, update and delete SSO connections in Authress and
//! Kinde.
//!
//! `cargo run -p idp --example tour` runs it against the in-process fakes of `idp-testkit` (no
//! network beyond loopback). A provider whose environment is set is walked against the real
//! tenant instead:
//! - Okta: `OKTA_CLIENT_ORGURL` + `OKTA_CLIENT_TOKEN` (or the private-key variables), and
//!   `IDP_TOUR_OKTA_APP_ID` / `IDP_TOUR_OKTA_USER_ID` naming an app and a user it may assign;
//! - Authress: `AUTHRESS_KEY` (and `AUTHRESS_API_URL` for a custom domain);
//! - Kinde: `KINDE_DOMAIN`, `KINDE_MANAGEMENT_CLIENT_ID`, `KINDE_MANAGEMENT_CLIENT_SECRET`.
//!
//! Set `RUST_LOG`-style tracing with `IDP_TOUR_TRACE=1` to see one span per call.

// `Fakes::walk` and `SECRETS` serve the workspace secret-hygiene test, which runs this same walk.
#[allow(dead_code)]
mod walk;

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if env("IDP_TOUR_TRACE").is_some() {
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .init();
    }
    let fakes = walk::Fakes::start().await?;

    match (
        env("OKTA_CLIENT_ORGURL"),
        env("IDP_TOUR_OKTA_APP_ID"),
        env("IDP_TOUR_OKTA_USER_ID"),
    ) {
        (Some(_), Some(app), Some(user)) => {
            walk::okta(&idp::okta::Client::from_env()?, &app, &user).await?
        }
        _ => walk::okta(&fakes.okta_client()?, walk::TOUR_APP, walk::TOUR_USER).await?,
    }
    let authress = if env("AUTHRESS_KEY").is_some() {
        idp::authress::Client::from_env()?
    } else {
        fakes.authress_client()?
    };
    walk::authress(&authress).await?;
    let kinde = if env("KINDE_DOMAIN").is_some() {
        idp::kinde::Client::from_env()?
    } else {
        fakes.kinde_client()?
    };
    walk::kinde(&kinde).await?;
    println!(
        "── done: every call above went through idp's one pipeline (auth, retries, paging, errors)"
    );
    Ok(())
}

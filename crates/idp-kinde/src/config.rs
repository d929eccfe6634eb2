//! Configuration from the environment and the Kinde domain rules.

use idp_core::{EnvVars, Error, Result};

use crate::client::{Client, ClientBuilder};

/// The business domain (`acme.kinde.com`, with or without `https://`).
pub const ENV_DOMAIN: &str = "KINDE_DOMAIN";
/// The M2M application's client id.
pub const ENV_CLIENT_ID: &str = "KINDE_MANAGEMENT_CLIENT_ID";
/// The M2M application's client secret.
pub const ENV_CLIENT_SECRET: &str = "KINDE_MANAGEMENT_CLIENT_SECRET";
/// Optional: the token audience (default `https://<domain>/api`).
pub const ENV_AUDIENCE: &str = "KINDE_AUDIENCE";

impl Client {
    /// A client configured from the environment: `KINDE_DOMAIN`, `KINDE_MANAGEMENT_CLIENT_ID`,
    /// `KINDE_MANAGEMENT_CLIENT_SECRET` and optionally `KINDE_AUDIENCE` (the variables of Kinde's
    /// own management SDKs). See [`ClientBuilder::from_env`] to adjust it before building.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) naming every missing variable,
    /// or an invalid one.
    pub fn from_env() -> Result<Client> {
        ClientBuilder::from_env()?.build()
    }
}

impl ClientBuilder {
    /// A builder preset from the environment (see [`Client::from_env`]); later calls override it.
    ///
    /// ```no_run
    /// # fn run() -> idp_kinde::Result<()> {
    /// let kinde = idp_kinde::ClientBuilder::from_env()?
    ///     .user_agent_suffix("billing-sync/1.4")
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) naming every missing variable.
    pub fn from_env() -> Result<ClientBuilder> {
        ClientBuilder::from_env_vars(EnvVars::system())
    }

    /// A builder configured from any lookup of the same variables (tests and secret stores pass
    /// `EnvVars::from_fn(..)` instead of the process environment).
    ///
    /// # Errors
    /// As [`ClientBuilder::from_env`].
    pub fn from_env_vars<F: Fn(&str) -> Option<String>>(env: EnvVars<F>) -> Result<ClientBuilder> {
        from_vars(env)
    }
}

/// A builder from the variables `env` reads (empty values count as missing).
fn from_vars<F: Fn(&str) -> Option<String>>(mut env: EnvVars<F>) -> Result<ClientBuilder> {
    let domain = env.required(ENV_DOMAIN);
    let client_id = env.required(ENV_CLIENT_ID);
    let client_secret = env.required(ENV_CLIENT_SECRET);
    let audience = env.optional(ENV_AUDIENCE);
    env.finish("kinde")?;
    let (Some(domain), Some(client_id), Some(client_secret)) = (domain, client_id, client_secret)
    else {
        return Err(Error::invalid_input("kinde: missing environment variables"));
    };
    let mut builder = ClientBuilder::new()
        .domain(domain)
        .client_credentials(client_id, client_secret);
    if let Some(audience) = audience {
        builder = builder.audience(audience);
    }
    Ok(builder)
}

/// `acme.kinde.com`, `https://acme.kinde.com/` or `acme` → `https://acme.kinde.com`. A host with
/// no dot (other than `localhost`) is taken as a Kinde subdomain. Paths, queries and credentials
/// are refused: the domain is only a host.
pub(crate) fn normalize_domain(input: &str) -> Result<String> {
    let trimmed = input.trim().trim_end_matches('/');
    if trimmed.is_empty() {
        return Err(Error::invalid_input("kinde: the domain must not be empty"));
    }
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("https://{trimmed}")
    };
    // The messages never echo the input: a pasted domain may carry credentials.
    let mut url = url::Url::parse(&with_scheme)
        .map_err(|e| Error::invalid_input(format!("kinde: the domain is not valid: {e}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::invalid_input(
            "kinde: the domain must not contain credentials",
        ));
    }
    if (url.path() != "/" && !url.path().is_empty())
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(Error::invalid_input(
            "kinde: the domain must be a host such as `acme.kinde.com`, without a path, query or fragment",
        ));
    }
    if let Some(url::Host::Domain(host)) = url.host() {
        if !host.contains('.') && !host.eq_ignore_ascii_case("localhost") {
            let full = format!("{host}.kinde.com");
            url.set_host(Some(&full)).map_err(|e| {
                Error::invalid_input(format!("kinde: the domain is not valid: {e}"))
            })?;
        }
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Refuses a base URL whose host is neither under `kinde.com` nor a loopback host. Kinde's docs
/// ("Pointing your domain"): even with a custom domain, M2M tokens and Management API calls use
/// the `<subdomain>.kinde.com` domain; tokens from the custom domain are not accepted there.
pub(crate) fn require_kinde_host(base: &str) -> Result<()> {
    let url = url::Url::parse(base)
        .map_err(|e| Error::invalid_input(format!("kinde: the domain is not valid: {e}")))?;
    let ok = match url.host() {
        Some(url::Host::Domain(host)) => {
            let host = host.trim_end_matches('.').to_ascii_lowercase();
            host == "kinde.com" || host.ends_with(".kinde.com") || host == "localhost"
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    if ok {
        return Ok(());
    }
    Err(Error::invalid_input(format!(
        "kinde: `{}` is not a Kinde domain: the Management API and M2M tokens need your \
         `<subdomain>.kinde.com` domain even when users sign in on a custom domain (Kinde docs, \
         \"Pointing your domain\"); use it, or `.allow_custom_domain(true)` for a proxy that \
         forwards to it",
        url.host_str().unwrap_or_default()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use idp_core::ErrorKind;

    #[test]
    fn domain_forms() {
        let ok = |s: &str| normalize_domain(s).ok();
        assert_eq!(
            ok("acme.kinde.com").as_deref(),
            Some("https://acme.kinde.com")
        );
        assert_eq!(
            ok("https://acme.kinde.com/").as_deref(),
            Some("https://acme.kinde.com")
        );
        assert_eq!(ok(" acme ").as_deref(), Some("https://acme.kinde.com"));
        assert_eq!(
            ok("http://127.0.0.1:8080").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(
            ok("http://localhost:9").as_deref(),
            Some("http://localhost:9")
        );
        for bad in [
            "",
            "  ",
            "https://acme.kinde.com/api",
            "acme.kinde.com?x=1",
            "https://u:p@acme.kinde.com",
        ] {
            assert_eq!(
                normalize_domain(bad).err().map(|e| e.kind()),
                Some(ErrorKind::InvalidInput),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn only_kinde_and_loopback_hosts_pass() {
        for ok in [
            "https://acme.kinde.com",
            "https://ACME.Kinde.com",
            "http://127.0.0.1:8080",
            "http://localhost:9",
            "http://[::1]:9",
        ] {
            assert!(require_kinde_host(ok).is_ok(), "{ok}");
        }
        for bad in [
            "https://auth.acme.com",
            "https://acme.kinde.com.evil.io",
            "https://notkinde.com",
            "https://10.0.0.1",
        ] {
            let err = require_kinde_host(bad).err();
            assert_eq!(
                err.as_ref().map(|e| e.kind()),
                Some(ErrorKind::InvalidInput),
                "{bad}"
            );
            let text = err.map(|e| e.to_string()).unwrap_or_default();
            assert!(
                text.contains("kinde.com") && text.contains("allow_custom_domain"),
                "{text}"
            );
        }
    }

    fn env(pairs: &[(&str, &str)]) -> EnvVars<impl Fn(&str) -> Option<String>> {
        let map: std::collections::HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        EnvVars::from_fn(move |k| map.get(k).cloned())
    }

    #[test]
    fn from_lookup_reads_the_official_variables() -> Result<()> {
        let builder = from_vars(env(&[
            ("KINDE_DOMAIN", "https://acme.kinde.com"),
            ("KINDE_MANAGEMENT_CLIENT_ID", "id-1"),
            ("KINDE_MANAGEMENT_CLIENT_SECRET", "SECRET-1"),
            ("KINDE_AUDIENCE", "https://acme.kinde.com/api/v1"),
        ]))?;
        let text = format!("{builder:?}");
        assert!(
            text.contains("id-1") && text.contains("https://acme.kinde.com/api/v1"),
            "{text}"
        );
        assert!(!text.contains("SECRET-1"), "{text}");
        let client = builder.build()?;
        assert_eq!(client.core().base_url().as_str(), "https://acme.kinde.com");
        assert!(!format!("{client:?}").contains("SECRET-1"));
        Ok(())
    }

    #[test]
    fn from_lookup_names_every_missing_variable() {
        let err = from_vars(env(&[
            ("KINDE_DOMAIN", "acme.kinde.com"),
            ("KINDE_MANAGEMENT_CLIENT_ID", " "),
        ]))
        .err();
        let text = err.as_ref().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::InvalidInput));
        assert!(
            text.contains("KINDE_MANAGEMENT_CLIENT_ID")
                && text.contains("KINDE_MANAGEMENT_CLIENT_SECRET"),
            "{text}"
        );
        assert!(!text.contains("KINDE_DOMAIN"), "{text}");
    }
}

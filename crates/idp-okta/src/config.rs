//! Configuration from `okta.yaml` files and the environment, with the file layout and variable
//! names of Okta's official SDKs.
//!
//! [`ClientBuilder::from_env`] reads, each source overriding the one before:
//!
//! 1. `~/.okta/okta.yaml` (the user's file),
//! 2. `./okta.yaml` (the current directory's),
//! 3. the `OKTA_CLIENT_*` environment variables,
//!
//! and builder calls made afterwards override all three. The files are read with the `yaml`
//! feature (on by default); their keys (`okta.client.orgUrl`, `token`, `authorizationMode`,
//! `clientId`, `scopes`, `privateKey`, `privateKeyId`, `connectionTimeout`, `requestTimeout`,
//! `rateLimit.maxRetries`) stand for the variables below, and errors name the variable.
//! [`ClientBuilder::from_okta_yaml_in`] takes the two directories and the variables explicitly.
//!
//! The org URL is checked as the official SDKs check it: `https` (plain `http` only for a
//! loopback host), no `{yourOktaDomain}` placeholder, no `-admin` host, no `.com.com` or doubled
//! `://` typo; a token that still reads `{apiToken}` is refused.
//!
//! | variable | meaning |
//! | --- | --- |
//! | `OKTA_CLIENT_ORGURL` | the org URL (required) |
//! | `OKTA_CLIENT_AUTHORIZATIONMODE` | `SSWS` (default), `Bearer` or `PrivateKey` |
//! | `OKTA_CLIENT_TOKEN` | the API token (`SSWS`) or access token (`Bearer`) |
//! | `OKTA_CLIENT_CLIENTID` | the service app's client id (`PrivateKey`) |
//! | `OKTA_CLIENT_SCOPES` | scopes, comma or space separated (`PrivateKey`) |
//! | `OKTA_CLIENT_PRIVATEKEY` | the private key as PEM or JWK (JSON), or a path to a file holding either (`PrivateKey`) |
//! | `OKTA_CLIENT_KID` / `OKTA_CLIENT_PRIVATEKEYID` | the key's `kid` (optional; Python / Go spelling) |
//! | `OKTA_CLIENT_DPOPENABLED` | `false` turns DPoP off (it is on by default for `PrivateKey`) |
//! | `OKTA_CLIENT_CONNECTIONTIMEOUT` / `OKTA_CLIENT_CONNECTION_TIMEOUT` | connect timeout, seconds |
//! | `OKTA_CLIENT_REQUESTTIMEOUT` / `OKTA_CLIENT_REQUEST_TIMEOUT` | request timeout, seconds (`0` = none) |
//! | `OKTA_CLIENT_RATELIMIT_MAXRETRIES` / `OKTA_CLIENT_RATE_LIMIT_MAX_RETRIES` | retries after a 429 |
//!
//! Both spellings of the multi-word names are read because Okta's Go SDK reads the underscored
//! ones while its README (and the Python SDK) use the joined ones.

use std::time::Duration;

use idp_core::{EnvVars, Error, Result, RetryPolicy};

#[cfg(feature = "yaml")]
mod yaml;

use crate::client::{Client, ClientBuilder};

impl ClientBuilder {
    /// A builder configured as Okta's official SDKs configure themselves: `~/.okta/okta.yaml`,
    /// then `./okta.yaml`, then the environment variables, each overriding the one before (see
    /// the [module docs](crate::config)). Without the `yaml` feature only the environment is
    /// read. Builder calls made afterwards override it.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) for missing settings (all
    /// of them named in one error), an invalid one, or an `okta.yaml` that cannot be read or is
    /// not YAML (the file and line named), never echoing a secret.
    pub fn from_env() -> Result<ClientBuilder> {
        #[cfg(feature = "yaml")]
        {
            let cwd = std::env::current_dir().ok();
            ClientBuilder::from_okta_yaml_in(
                yaml::home_dir().as_deref(),
                cwd.as_deref(),
                EnvVars::system(),
            )
        }
        #[cfg(not(feature = "yaml"))]
        {
            ClientBuilder::from_env_vars(EnvVars::system())
        }
    }

    /// As [`ClientBuilder::from_env`] with the directories and variables given:
    /// `<home>/.okta/okta.yaml`, then `<project_dir>/okta.yaml`, then `env` (a file that does not
    /// exist is skipped; `None` skips that file).
    ///
    /// ```no_run
    /// # fn main() -> idp_okta::Result<()> {
    /// use std::path::Path;
    /// let client = idp_okta::ClientBuilder::from_okta_yaml_in(
    ///     Some(Path::new("/home/ci")),
    ///     Some(Path::new("/srv/app")),
    ///     idp_okta::EnvVars::system(),
    /// )?
    /// .build()?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`ClientBuilder::from_env`].
    #[cfg(feature = "yaml")]
    pub fn from_okta_yaml_in<F: Fn(&str) -> Option<String>>(
        home: Option<&std::path::Path>,
        project_dir: Option<&std::path::Path>,
        env: EnvVars<F>,
    ) -> Result<ClientBuilder> {
        let files = yaml::load(&yaml::paths(home, project_dir))?;
        let lookup = yaml::layered(move |name: &str| env.optional(name), files);
        from_vars(EnvVars::from_fn(lookup))
    }

    /// A builder configured from the environment variables only, or from any lookup of them
    /// (tests and secret stores pass `EnvVars::from_fn(..)` instead of the process environment).
    ///
    /// # Errors
    /// As [`ClientBuilder::from_env`].
    pub fn from_env_vars<F: Fn(&str) -> Option<String>>(env: EnvVars<F>) -> Result<ClientBuilder> {
        from_vars(env)
    }
}

impl Client {
    /// A client configured as Okta's official SDKs configure themselves: `~/.okta/okta.yaml`,
    /// `./okta.yaml` and the environment variables (`OKTA_CLIENT_ORGURL`, `OKTA_CLIENT_TOKEN`,
    /// `OKTA_CLIENT_AUTHORIZATIONMODE`, …), later sources winning; see the
    /// [module docs](crate::config).
    ///
    /// # Errors
    /// As [`ClientBuilder::from_env`], and as [`ClientBuilder::build`].
    pub fn from_env() -> Result<Client> {
        ClientBuilder::from_env()?.build()
    }
}

fn seconds<F: Fn(&str) -> Option<String>>(env: &EnvVars<F>, names: &[&str]) -> Result<Option<u64>> {
    match env.first_of(names) {
        None => Ok(None),
        Some(v) => v.parse::<u64>().map(Some).map_err(|_| {
            Error::invalid_input(format!("{} must be a whole number of seconds", names[0]))
        }),
    }
}

/// Reads `OKTA_CLIENT_PRIVATEKEY`: PEM or JWK (JSON) text, or a path to a file holding either.
fn private_key(value: String) -> Result<String> {
    if crate::jwk::looks_like_jwk(&value) {
        return Ok(value);
    }
    if value.contains("-----BEGIN") {
        // Environment variables often carry `\n` escapes instead of newlines.
        return Ok(value.replace("\\n", "\n"));
    }
    std::fs::read_to_string(&value).map_err(|e| {
        Error::invalid_input(format!(
            "OKTA_CLIENT_PRIVATEKEY is neither a PEM or JWK key nor a readable file ({})",
            e.kind()
        ))
    })
}

/// The authorization mode and its credentials.
fn with_credentials<F: Fn(&str) -> Option<String>>(
    builder: ClientBuilder,
    env: &mut EnvVars<F>,
) -> Result<ClientBuilder> {
    let mode = env
        .optional("OKTA_CLIENT_AUTHORIZATIONMODE")
        .unwrap_or_else(|| "SSWS".to_owned());
    Ok(match mode.to_ascii_lowercase().as_str() {
        "ssws" => match env.required("OKTA_CLIENT_TOKEN") {
            Some(token) => builder.api_token(token),
            None => builder,
        },
        "bearer" => match env.required("OKTA_CLIENT_TOKEN") {
            Some(token) => builder.access_token(token),
            None => builder,
        },
        "privatekey" => {
            let client_id = env.required("OKTA_CLIENT_CLIENTID");
            let scopes = env.required("OKTA_CLIENT_SCOPES");
            let key = env.required("OKTA_CLIENT_PRIVATEKEY");
            let (Some(client_id), Some(scopes), Some(key)) = (client_id, scopes, key) else {
                return Ok(builder);
            };
            let scopes: Vec<&str> = scopes
                .split([',', ' '])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            let mut b = builder.private_key_jwt(client_id, private_key(key)?, scopes);
            if let Some(kid) = env.first_of(&["OKTA_CLIENT_KID", "OKTA_CLIENT_PRIVATEKEYID"]) {
                b = b.key_id(kid);
            }
            if let Some(dpop) = env.optional("OKTA_CLIENT_DPOPENABLED") {
                b = b.dpop(!matches!(
                    dpop.to_ascii_lowercase().as_str(),
                    "false" | "0" | "no" | "off"
                ));
            }
            b
        }
        _ => {
            return Err(Error::invalid_input(
                "OKTA_CLIENT_AUTHORIZATIONMODE must be SSWS, Bearer or PrivateKey",
            ));
        }
    })
}

/// Builds a [`ClientBuilder`] from the variables (the environment, or a map in tests).
pub(crate) fn from_vars<F: Fn(&str) -> Option<String>>(
    mut env: EnvVars<F>,
) -> Result<ClientBuilder> {
    let mut builder = ClientBuilder::new();
    if let Some(org) = env.required("OKTA_CLIENT_ORGURL") {
        builder = builder.org_url(org);
    }
    builder = with_credentials(builder, &mut env)?;
    if let Some(s) = seconds(
        &env,
        &[
            "OKTA_CLIENT_CONNECTIONTIMEOUT",
            "OKTA_CLIENT_CONNECTION_TIMEOUT",
        ],
    )? {
        if s > 0 {
            builder = builder.connect_timeout(Duration::from_secs(s));
        }
    }
    if let Some(s) = seconds(
        &env,
        &["OKTA_CLIENT_REQUESTTIMEOUT", "OKTA_CLIENT_REQUEST_TIMEOUT"],
    )? {
        builder = builder.timeout((s > 0).then(|| Duration::from_secs(s)));
    }
    if let Some(n) = seconds(
        &env,
        &[
            "OKTA_CLIENT_RATELIMIT_MAXRETRIES",
            "OKTA_CLIENT_RATE_LIMIT_MAX_RETRIES",
        ],
    )? {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        builder = builder.retry_policy(RetryPolicy::default().max_retries(n));
    }
    env.finish("okta")?;
    Ok(builder)
}

#[cfg(test)]
mod tests {
    use super::*;
    use idp_core::ErrorKind;
    use std::collections::HashMap;

    fn lookup(pairs: &[(&str, &str)]) -> EnvVars<impl Fn(&str) -> Option<String>> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        EnvVars::from_fn(move |k| map.get(k).cloned())
    }

    #[test]
    fn ssws_is_the_default_mode() -> Result<()> {
        let b = from_vars(lookup(&[
            ("OKTA_CLIENT_ORGURL", "https://acme.okta.com"),
            ("OKTA_CLIENT_TOKEN", "t0k"),
        ]))?;
        let debug = format!("{b:?}");
        assert!(
            debug.contains("ApiToken") && !debug.contains("t0k"),
            "{debug}"
        );
        b.build()?;
        Ok(())
    }

    #[test]
    fn bearer_mode_and_timeouts_in_both_spellings() -> Result<()> {
        let b = from_vars(lookup(&[
            ("OKTA_CLIENT_ORGURL", "acme.okta.com"),
            ("OKTA_CLIENT_AUTHORIZATIONMODE", "Bearer"),
            ("OKTA_CLIENT_TOKEN", "at"),
            ("OKTA_CLIENT_CONNECTION_TIMEOUT", "5"),
            ("OKTA_CLIENT_REQUESTTIMEOUT", "0"),
            ("OKTA_CLIENT_RATE_LIMIT_MAX_RETRIES", "2"),
        ]))?;
        assert!(format!("{b:?}").contains("AccessToken"));
        let client = b.build()?;
        assert_eq!(client.core().base_url().as_str(), "https://acme.okta.com");
        assert_eq!(client.core().retry_policy().retries(), 2);
        Ok(())
    }

    #[test]
    fn every_missing_variable_is_named_in_one_error() {
        let err = from_vars(lookup(&[("OKTA_CLIENT_AUTHORIZATIONMODE", "PrivateKey")])).err();
        assert_eq!(err.as_ref().map(Error::kind), Some(ErrorKind::InvalidInput));
        let text = err.map(|e| e.to_string()).unwrap_or_default();
        for name in [
            "OKTA_CLIENT_ORGURL",
            "OKTA_CLIENT_CLIENTID",
            "OKTA_CLIENT_SCOPES",
            "OKTA_CLIENT_PRIVATEKEY",
        ] {
            assert!(text.contains(name), "{name}: {text}");
        }
        let err = from_vars(lookup(&[]))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("OKTA_CLIENT_ORGURL") && err.contains("OKTA_CLIENT_TOKEN"),
            "{err}"
        );
    }

    #[test]
    fn private_key_mode_reads_key_id_dpop_and_scopes_and_blank_values_are_unset() -> Result<()> {
        let pem = include_str!("../tests/it/keys/test-only-rsa-private.pem").replace('\n', "\\n");
        let b = from_vars(lookup(&[
            ("OKTA_CLIENT_ORGURL", "https://acme.okta.com"),
            ("OKTA_CLIENT_AUTHORIZATIONMODE", "privatekey"),
            ("OKTA_CLIENT_CLIENTID", "0oaService"),
            (
                "OKTA_CLIENT_SCOPES",
                "okta.apps.read, okta.inlineHooks.read",
            ),
            ("OKTA_CLIENT_PRIVATEKEY", &pem),
            ("OKTA_CLIENT_KID", "  "),
            ("OKTA_CLIENT_PRIVATEKEYID", "kid-2"),
            ("OKTA_CLIENT_DPOPENABLED", "false"),
        ]))?;
        let debug = format!("{b:?}");
        assert!(
            debug.contains("PrivateKey") && debug.contains("0oaService"),
            "{debug}"
        );
        assert!(
            debug.contains(r#"["okta.apps.read", "okta.inlineHooks.read"]"#),
            "{debug}"
        );
        assert!(debug.contains(r#"key_id: Some("kid-2")"#), "{debug}");
        assert!(debug.contains("dpop: false"), "{debug}");
        assert!(!debug.contains("BEGIN"), "{debug}");
        b.build()?;
        Ok(())
    }

    #[test]
    fn missing_and_invalid_settings_are_invalid_input() {
        let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
            (vec![], "OKTA_CLIENT_ORGURL"),
            (
                vec![("OKTA_CLIENT_ORGURL", "https://a.okta.com")],
                "OKTA_CLIENT_TOKEN",
            ),
            (
                vec![
                    ("OKTA_CLIENT_ORGURL", "https://a.okta.com"),
                    ("OKTA_CLIENT_AUTHORIZATIONMODE", "JWT"),
                ],
                "OKTA_CLIENT_AUTHORIZATIONMODE",
            ),
            (
                vec![
                    ("OKTA_CLIENT_ORGURL", "https://a.okta.com"),
                    ("OKTA_CLIENT_AUTHORIZATIONMODE", "PrivateKey"),
                ],
                "OKTA_CLIENT_CLIENTID",
            ),
            (
                vec![
                    ("OKTA_CLIENT_ORGURL", "https://a.okta.com"),
                    ("OKTA_CLIENT_AUTHORIZATIONMODE", "PrivateKey"),
                    ("OKTA_CLIENT_CLIENTID", "c"),
                    ("OKTA_CLIENT_SCOPES", "okta.apps.read"),
                    ("OKTA_CLIENT_PRIVATEKEY", "/nonexistent/key-SECRET.pem"),
                ],
                "OKTA_CLIENT_PRIVATEKEY",
            ),
            (
                vec![
                    ("OKTA_CLIENT_ORGURL", "https://a.okta.com"),
                    ("OKTA_CLIENT_TOKEN", "t"),
                    ("OKTA_CLIENT_REQUESTTIMEOUT", "soon"),
                ],
                "OKTA_CLIENT_REQUESTTIMEOUT",
            ),
        ];
        for (pairs, needle) in cases {
            let err = from_vars(lookup(&pairs)).err();
            assert_eq!(
                err.as_ref().map(Error::kind),
                Some(ErrorKind::InvalidInput),
                "{needle}"
            );
            let text = err.map(|e| e.to_string()).unwrap_or_default();
            assert!(text.contains(needle), "{text}");
            assert!(!text.contains("SECRET"), "{text}");
        }
    }
}

//! Configuration from the environment: [`ClientBuilder::from_env`] and [`Client::from_env`].
//!
//! | Variable | Meaning |
//! |---|---|
//! | `AUTHRESS_KEY` | The service client access key (the variable of the official Terraform and Pulumi providers) |
//! | `AUTHRESS_SERVICE_CLIENT_ACCESS_KEY` | Read when `AUTHRESS_KEY` is unset (the official SDKs' parameter name) |
//! | `AUTHRESS_API_URL` | The base URL (the official SDKs' `authress_api_url`): custom domain or `https://<accountId>.api.authress.io` |
//! | `AUTHRESS_CUSTOM_DOMAIN` | Read when `AUTHRESS_API_URL` is unset |
//!
//! Without a base URL, the account host `https://<accountId>.api.authress.io` is derived from the
//! key. The key is signed into a local token ([`ClientBuilder::access_key`]); it is never
//! sent as is. Values are trimmed and empty values count as unset.

use idp_core::{EnvVars, Error, Result};

use crate::client::{Client, ClientBuilder};

/// The variables holding the access key, in order.
pub const ACCESS_KEY_VARS: &[&str] = &["AUTHRESS_KEY", "AUTHRESS_SERVICE_CLIENT_ACCESS_KEY"];

/// The variables holding the base URL, in order.
pub const BASE_URL_VARS: &[&str] = &["AUTHRESS_API_URL", "AUTHRESS_CUSTOM_DOMAIN"];

impl ClientBuilder {
    /// A builder configured from the process environment (see [the table](crate::config)); set
    /// further options on it before [`ClientBuilder::build`].
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidInput`] when no access key variable is set.
    pub fn from_env() -> Result<ClientBuilder> {
        ClientBuilder::from_env_vars(EnvVars::system())
    }

    /// A builder configured from any lookup of the same variables (tests and secret stores pass
    /// `EnvVars::from_fn(..)` instead of the process environment).
    ///
    /// ```
    /// use idp_authress::{ClientBuilder, EnvVars};
    /// let err = ClientBuilder::from_env_vars(EnvVars::from_fn(|_| None)).unwrap_err();
    /// assert!(err.to_string().contains("AUTHRESS_KEY"));
    /// ```
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidInput`] when no access key variable is set.
    pub fn from_env_vars<F: Fn(&str) -> Option<String>>(env: EnvVars<F>) -> Result<ClientBuilder> {
        let key = env.first_of(ACCESS_KEY_VARS).ok_or_else(|| {
            Error::invalid_input(format!(
                "authress: no access key in the environment (set {})",
                ACCESS_KEY_VARS.join(" or ")
            ))
        })?;
        let mut builder = ClientBuilder::new().access_key(key);
        if let Some(url) = env.first_of(BASE_URL_VARS) {
            builder = builder.base_url(url);
        }
        Ok(builder)
    }
}

impl Client {
    /// A client configured from the process environment (see [the table](crate::config)).
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidInput`] when no access key is set or a value is invalid.
    pub fn from_env() -> Result<Client> {
        ClientBuilder::from_env()?.build()
    }
}

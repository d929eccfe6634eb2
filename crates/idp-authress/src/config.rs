//! Configuration from the environment.
//!
//! | Variable | Meaning |
//! |---|---|
//! | `AUTHRESS_KEY` | The service client access key (the variable of the official Terraform and Pulumi providers) |
//! | `AUTHRESS_SERVICE_CLIENT_ACCESS_KEY` | Read when `AUTHRESS_KEY` is unset (the official SDKs' parameter name) |
//! | `AUTHRESS_API_URL` | The base URL (the official SDKs' `authress_api_url`): custom domain or `https://<accountId>.api.authress.io` |
//! | `AUTHRESS_CUSTOM_DOMAIN` | Read when `AUTHRESS_API_URL` is unset |
//!
//! Without a base URL, the account host `https://<accountId>.api.authress.io` is derived from the
//! key. The key is signed into a local token ([`crate::ClientBuilder::access_key`]); it is never
//! sent as is. Empty values count as unset.

use idp_core::{Error, Result};

use crate::client::ClientBuilder;

/// The variables holding the access key, in order.
pub const ACCESS_KEY_VARS: &[&str] = &["AUTHRESS_KEY", "AUTHRESS_SERVICE_CLIENT_ACCESS_KEY"];

/// The variables holding the base URL, in order.
pub const BASE_URL_VARS: &[&str] = &["AUTHRESS_API_URL", "AUTHRESS_CUSTOM_DOMAIN"];

/// A builder configured from the process environment.
///
/// # Errors
/// [`idp_core::ErrorKind::InvalidInput`] when no access key variable is set.
pub fn from_env() -> Result<ClientBuilder> {
    from_lookup(|name| std::env::var(name).ok())
}

fn first(get: &impl Fn(&str) -> Option<String>, names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|name| get(name).filter(|v| !v.trim().is_empty()))
}

/// A builder configured from a lookup function (tests pass a map instead of the environment).
///
/// # Errors
/// [`idp_core::ErrorKind::InvalidInput`] when no access key variable is set.
pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<ClientBuilder> {
    let key = first(&get, ACCESS_KEY_VARS).ok_or_else(|| {
        Error::invalid_input(format!(
            "authress: no access key in the environment (set {})",
            ACCESS_KEY_VARS.join(" or ")
        ))
    })?;
    let mut builder = ClientBuilder::default().access_key(key);
    if let Some(url) = first(&get, BASE_URL_VARS) {
        builder = builder.base_url(url);
    }
    Ok(builder)
}

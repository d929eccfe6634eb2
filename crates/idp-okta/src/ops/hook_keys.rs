//! Hook Keys: keys for inline hooks.

use http::Method;
use idp_core::{Body, Operation, Result, encode_segment};

use crate::client::{Client, Okta, Request};
use crate::models::{DetailedHookKeyInstance, Embedded, HookKey, KeyRequest};

/// `POST /api/v1/hook-keys`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateHookKey {
    pub(crate) body: KeyRequest,
}

impl Operation for CreateHookKey {
    type Provider = Okta;
    type Output = DetailedHookKeyInstance;
    const ID: &'static str = "createHookKey";

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Result<String> {
        Ok("/api/v1/hook-keys".to_owned())
    }

    fn body(&self) -> Result<Option<Body>> {
        Body::json(&self.body).map(Some)
    }
}

/// `DELETE /api/v1/hook-keys/{id}` (204).
#[derive(Debug, Clone, PartialEq)]
pub struct DeleteHookKey {
    pub(crate) id: String,
}

impl Operation for DeleteHookKey {
    type Provider = Okta;
    type Output = ();
    const ID: &'static str = "deleteHookKey";

    fn method(&self) -> Method {
        Method::DELETE
    }

    fn path(&self) -> Result<String> {
        Ok(format!(
            "/api/v1/hook-keys/{}",
            encode_segment("id", &self.id)?
        ))
    }
}

/// `GET /api/v1/hook-keys/{id}[?expand=publickey]`.
#[derive(Debug, Clone, PartialEq)]
pub struct GetHookKey {
    pub(crate) id: String,
    pub(crate) expand: Option<String>,
}

impl Operation for GetHookKey {
    type Provider = Okta;
    type Output = HookKey;
    const ID: &'static str = "getHookKey";

    fn method(&self) -> Method {
        Method::GET
    }

    fn path(&self) -> Result<String> {
        Ok(format!(
            "/api/v1/hook-keys/{}",
            encode_segment("id", &self.id)?
        ))
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        self.expand.iter().map(|e| ("expand", e.clone())).collect()
    }
}

impl Request<GetHookKey> {
    /// `expand=publickey` returns the public key in `_embedded` (described by Okta's docs,
    /// not declared as a parameter by the spec).
    pub fn expand(self, expand: impl Into<String>) -> Self {
        let expand = expand.into();
        self.map(|mut op| {
            op.expand = Some(expand);
            op
        })
    }
}

/// `GET /api/v1/hook-keys/public/{keyId}`.
#[derive(Debug, Clone, PartialEq)]
pub struct GetPublicKey {
    pub(crate) key_id: String,
}

impl Operation for GetPublicKey {
    type Provider = Okta;
    type Output = Embedded;
    const ID: &'static str = "getPublicKey";

    fn method(&self) -> Method {
        Method::GET
    }

    fn path(&self) -> Result<String> {
        Ok(format!(
            "/api/v1/hook-keys/public/{}",
            encode_segment("keyId", &self.key_id)?
        ))
    }
}

/// `GET /api/v1/hook-keys` (not paginated: an org has at most 50 keys).
#[derive(Debug, Clone, PartialEq)]
pub struct ListHookKeys {}

impl Operation for ListHookKeys {
    type Provider = Okta;
    type Output = Vec<HookKey>;
    const ID: &'static str = "listHookKeys";

    fn method(&self) -> Method {
        Method::GET
    }

    fn path(&self) -> Result<String> {
        Ok("/api/v1/hook-keys".to_owned())
    }
}

/// `PUT /api/v1/hook-keys/{id}`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplaceHookKey {
    pub(crate) id: String,
    pub(crate) body: KeyRequest,
}

impl Operation for ReplaceHookKey {
    type Provider = Okta;
    type Output = DetailedHookKeyInstance;
    const ID: &'static str = "replaceHookKey";

    fn method(&self) -> Method {
        Method::PUT
    }

    fn path(&self) -> Result<String> {
        Ok(format!(
            "/api/v1/hook-keys/{}",
            encode_segment("id", &self.id)?
        ))
    }

    fn body(&self) -> Result<Option<Body>> {
        Body::json(&self.body).map(Some)
    }
}

/// Hook keys: `client.hook_keys()`.
#[derive(Debug, Clone, Copy)]
pub struct HookKeys<'a> {
    pub(crate) client: &'a Client,
}

impl HookKeys<'_> {
    /// Creates a key (at most 50 per org); the name is how inline hooks refer to it.
    pub fn create(&self, request: KeyRequest) -> Request<CreateHookKey> {
        self.client.request(CreateHookKey { body: request })
    }

    /// Deletes key `id` (only unused keys can be deleted).
    pub fn delete(&self, id: impl Into<String>) -> Request<DeleteHookKey> {
        self.client.request(DeleteHookKey { id: id.into() })
    }

    /// Retrieves key `id`.
    pub fn get(&self, id: impl Into<String>) -> Request<GetHookKey> {
        self.client.request(GetHookKey {
            id: id.into(),
            expand: None,
        })
    }

    /// Retrieves the public key with alias `key_id` (the key's `keyId`, not its `id`).
    pub fn get_public_key(&self, key_id: impl Into<String>) -> Request<GetPublicKey> {
        self.client.request(GetPublicKey {
            key_id: key_id.into(),
        })
    }

    /// Lists every key.
    pub fn list(&self) -> Request<ListHookKeys> {
        self.client.request(ListHookKeys {})
    }

    /// Replaces key `id` (only the name can change).
    pub fn replace(&self, id: impl Into<String>, request: KeyRequest) -> Request<ReplaceHookKey> {
        self.client.request(ReplaceHookKey {
            id: id.into(),
            body: request,
        })
    }
}

//! Hook Keys: keys for inline hooks.

use http::Method;
use idp_core::{Body, Operation, PathParams, Query, Result};

use crate::client::{Client, Okta, Request};
use crate::models::{DetailedHookKeyInstance, Embedded, HookKey, KeyRequest};

/// `POST /api/v1/hook-keys` (`createHookKey`): creates a key (at most 50 per org).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CreateHookKey {
    /// The key's name.
    pub body: KeyRequest,
}

impl CreateHookKey {
    /// Creates a key named as `body` says.
    pub fn new(body: KeyRequest) -> Self {
        CreateHookKey { body }
    }
}

impl Operation for CreateHookKey {
    type Provider = Okta;
    type Output = DetailedHookKeyInstance;
    const ID: &'static str = "createHookKey";
    const METHOD: Method = Method::POST;
    const PATH: &'static str = "/api/v1/hook-keys";

    fn body(&self) -> Result<Option<Body>> {
        Body::json(&self.body).map(Some)
    }
}

/// `DELETE /api/v1/hook-keys/{id}` (`deleteHookKey`, 204): only unused keys can be deleted.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DeleteHookKey {
    /// The key record id (`HookKey::id`).
    pub id: String,
}

impl DeleteHookKey {
    /// Deletes key `id`.
    pub fn new(id: impl Into<String>) -> Self {
        DeleteHookKey { id: id.into() }
    }
}

impl Operation for DeleteHookKey {
    type Provider = Okta;
    type Output = ();
    const ID: &'static str = "deleteHookKey";
    const METHOD: Method = Method::DELETE;
    const PATH: &'static str = "/api/v1/hook-keys/{id}";

    fn path_params(&self) -> PathParams<'_> {
        [self.id.as_str()].into()
    }
}

/// `GET /api/v1/hook-keys/{id}` (`getHookKey`): one key.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct GetHookKey {
    /// The key record id (`HookKey::id`).
    pub id: String,
    /// `expand` (`publickey`: the public key in `_embedded`).
    pub expand: Option<String>,
}

impl GetHookKey {
    /// Key `id`.
    pub fn new(id: impl Into<String>) -> Self {
        GetHookKey {
            id: id.into(),
            expand: None,
        }
    }

    /// `expand=publickey` returns the public key in `_embedded` (described by Okta's docs,
    /// not declared as a parameter by the spec).
    #[must_use]
    pub fn expand(mut self, expand: impl Into<String>) -> Self {
        self.expand = Some(expand.into());
        self
    }
}

impl Operation for GetHookKey {
    type Provider = Okta;
    type Output = HookKey;
    const ID: &'static str = "getHookKey";
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/api/v1/hook-keys/{id}";

    fn path_params(&self) -> PathParams<'_> {
        [self.id.as_str()].into()
    }

    fn query(&self, q: &mut Query) {
        q.push_opt("expand", self.expand.as_deref());
    }
}

idp_core::forward_setters!(GetHookKey {
    expand(expand: impl Into<String>)
});

/// `GET /api/v1/hook-keys/public/{keyId}` (`getPublicKey`): the public JWK of a key.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct GetPublicKey {
    /// The alias of the public key (`HookKey::key_id`, not its `id`).
    pub key_id: String,
}

impl GetPublicKey {
    /// The public key with alias `key_id`.
    pub fn new(key_id: impl Into<String>) -> Self {
        GetPublicKey {
            key_id: key_id.into(),
        }
    }
}

impl Operation for GetPublicKey {
    type Provider = Okta;
    type Output = Embedded;
    const ID: &'static str = "getPublicKey";
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/api/v1/hook-keys/public/{keyId}";

    fn path_params(&self) -> PathParams<'_> {
        [self.key_id.as_str()].into()
    }
}

/// `GET /api/v1/hook-keys` (`listHookKeys`; not paginated: an org has at most 50 keys).
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct ListHookKeys {}

impl ListHookKeys {
    /// Every key of the org.
    pub fn new() -> Self {
        ListHookKeys {}
    }
}

impl Operation for ListHookKeys {
    type Provider = Okta;
    type Output = Vec<HookKey>;
    const ID: &'static str = "listHookKeys";
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/api/v1/hook-keys";
}

/// `PUT /api/v1/hook-keys/{id}` (`replaceHookKey`): renames a key (only the name can change).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ReplaceHookKey {
    /// The key record id (`HookKey::id`).
    pub id: String,
    /// The new name.
    pub body: KeyRequest,
}

impl ReplaceHookKey {
    /// Replaces key `id` with `body`.
    pub fn new(id: impl Into<String>, body: KeyRequest) -> Self {
        ReplaceHookKey {
            id: id.into(),
            body,
        }
    }
}

impl Operation for ReplaceHookKey {
    type Provider = Okta;
    type Output = DetailedHookKeyInstance;
    const ID: &'static str = "replaceHookKey";
    const METHOD: Method = Method::PUT;
    const PATH: &'static str = "/api/v1/hook-keys/{id}";

    fn path_params(&self) -> PathParams<'_> {
        [self.id.as_str()].into()
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
    #[doc(alias = "create_hook_key")]
    pub fn create(&self, request: KeyRequest) -> Request<CreateHookKey> {
        self.client.request(CreateHookKey::new(request))
    }

    /// Deletes key `id` (only unused keys can be deleted).
    #[doc(alias = "delete_hook_key")]
    pub fn delete(&self, id: impl Into<String>) -> Request<DeleteHookKey> {
        self.client.request(DeleteHookKey::new(id))
    }

    /// Retrieves key `id`.
    #[doc(alias = "get_hook_key")]
    pub fn get(&self, id: impl Into<String>) -> Request<GetHookKey> {
        self.client.request(GetHookKey::new(id))
    }

    /// Retrieves the public key with alias `key_id` (the key's `keyId`, not its `id`).
    pub fn get_public_key(&self, key_id: impl Into<String>) -> Request<GetPublicKey> {
        self.client.request(GetPublicKey::new(key_id))
    }

    /// Lists every key.
    #[doc(alias = "list_hook_keys")]
    pub fn list(&self) -> Request<ListHookKeys> {
        self.client.request(ListHookKeys::new())
    }

    /// Replaces key `id` (only the name can change).
    #[doc(alias = "replace_hook_key")]
    pub fn replace(&self, id: impl Into<String>, request: KeyRequest) -> Request<ReplaceHookKey> {
        self.client.request(ReplaceHookKey::new(id, request))
    }
}

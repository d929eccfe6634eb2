//! Application Connections: the default provisioning connection of an app.

use http::Method;
use idp_core::{Body, Operation, PathParams, Query, Result};

use crate::client::{Client, Okta, Request};
use crate::models::{ProvisioningConnectionRequest, ProvisioningConnectionResponse};

/// `POST /api/v1/apps/{appId}/connections/default/lifecycle/activate`
/// (`activateDefaultProvisioningConnectionForApplication`, 204).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ActivateDefaultProvisioningConnectionForApplication {
    /// The app id.
    pub app_id: String,
}

impl ActivateDefaultProvisioningConnectionForApplication {
    /// Activates the default provisioning connection of app `app_id`.
    pub fn new(app_id: impl Into<String>) -> Self {
        ActivateDefaultProvisioningConnectionForApplication {
            app_id: app_id.into(),
        }
    }
}

impl Operation for ActivateDefaultProvisioningConnectionForApplication {
    type Provider = Okta;
    type Output = ();
    const ID: &'static str = "activateDefaultProvisioningConnectionForApplication";
    const METHOD: Method = Method::POST;
    const PATH: &'static str = "/api/v1/apps/{appId}/connections/default/lifecycle/activate";

    fn path_params(&self) -> PathParams<'_> {
        [self.app_id.as_str()].into()
    }

    /// Activating twice has the effect of once: a lost response may be retried.
    fn idempotent(&self) -> bool {
        true
    }
}

/// `POST /api/v1/apps/{appId}/connections/default/lifecycle/deactivate`
/// (`deactivateDefaultProvisioningConnectionForApplication`, 204).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DeactivateDefaultProvisioningConnectionForApplication {
    /// The app id.
    pub app_id: String,
}

impl DeactivateDefaultProvisioningConnectionForApplication {
    /// Deactivates the default provisioning connection of app `app_id`.
    pub fn new(app_id: impl Into<String>) -> Self {
        DeactivateDefaultProvisioningConnectionForApplication {
            app_id: app_id.into(),
        }
    }
}

impl Operation for DeactivateDefaultProvisioningConnectionForApplication {
    type Provider = Okta;
    type Output = ();
    const ID: &'static str = "deactivateDefaultProvisioningConnectionForApplication";
    const METHOD: Method = Method::POST;
    const PATH: &'static str = "/api/v1/apps/{appId}/connections/default/lifecycle/deactivate";

    fn path_params(&self) -> PathParams<'_> {
        [self.app_id.as_str()].into()
    }

    /// Deactivating twice has the effect of once: a lost response may be retried.
    fn idempotent(&self) -> bool {
        true
    }
}

/// `GET /api/v1/apps/{appId}/connections/default`
/// (`getDefaultProvisioningConnectionForApplication`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct GetDefaultProvisioningConnectionForApplication {
    /// The app id.
    pub app_id: String,
}

impl GetDefaultProvisioningConnectionForApplication {
    /// The default provisioning connection of app `app_id`.
    pub fn new(app_id: impl Into<String>) -> Self {
        GetDefaultProvisioningConnectionForApplication {
            app_id: app_id.into(),
        }
    }
}

impl Operation for GetDefaultProvisioningConnectionForApplication {
    type Provider = Okta;
    type Output = ProvisioningConnectionResponse;
    const ID: &'static str = "getDefaultProvisioningConnectionForApplication";
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/api/v1/apps/{appId}/connections/default";

    fn path_params(&self) -> PathParams<'_> {
        [self.app_id.as_str()].into()
    }
}

/// `POST /api/v1/apps/{appId}/connections/default`
/// (`updateDefaultProvisioningConnectionForApplication`): sets the connection (token or OAuth 2.0).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct UpdateDefaultProvisioningConnectionForApplication {
    /// The app id.
    pub app_id: String,
    /// The connection settings.
    pub body: ProvisioningConnectionRequest,
    /// `activate`: activate the connection as well (`true`), or explicitly not (`false`).
    pub activate: Option<bool>,
}

impl UpdateDefaultProvisioningConnectionForApplication {
    /// Sets the default provisioning connection of app `app_id` to `body`.
    pub fn new(app_id: impl Into<String>, body: impl Into<ProvisioningConnectionRequest>) -> Self {
        UpdateDefaultProvisioningConnectionForApplication {
            app_id: app_id.into(),
            body: body.into(),
            activate: None,
        }
    }

    /// Activates the connection as well (`activate=true`), or explicitly not (`false`).
    #[must_use]
    pub fn activate(mut self, activate: bool) -> Self {
        self.activate = Some(activate);
        self
    }
}

impl Operation for UpdateDefaultProvisioningConnectionForApplication {
    type Provider = Okta;
    type Output = ProvisioningConnectionResponse;
    const ID: &'static str = "updateDefaultProvisioningConnectionForApplication";
    const METHOD: Method = Method::POST;
    const PATH: &'static str = "/api/v1/apps/{appId}/connections/default";

    fn path_params(&self) -> PathParams<'_> {
        [self.app_id.as_str()].into()
    }

    fn query(&self, q: &mut Query) {
        q.push_opt("activate", self.activate);
    }

    fn body(&self) -> Result<Option<Body>> {
        Body::json(&self.body).map(Some)
    }
}

idp_core::forward_setters!(UpdateDefaultProvisioningConnectionForApplication {
    activate(activate: bool)
});

/// The default provisioning connection of apps: `client.application_connections()`.
#[derive(Debug, Clone, Copy)]
pub struct ApplicationConnections<'a> {
    pub(crate) client: &'a Client,
}

impl ApplicationConnections<'_> {
    /// Activates the default provisioning connection of app `app_id`.
    #[doc(alias = "activate_default_provisioning_connection_for_application")]
    pub fn activate_default(
        &self,
        app_id: impl Into<String>,
    ) -> Request<ActivateDefaultProvisioningConnectionForApplication> {
        self.client
            .request(ActivateDefaultProvisioningConnectionForApplication::new(
                app_id,
            ))
    }

    /// Deactivates the default provisioning connection of app `app_id`.
    #[doc(alias = "deactivate_default_provisioning_connection_for_application")]
    pub fn deactivate_default(
        &self,
        app_id: impl Into<String>,
    ) -> Request<DeactivateDefaultProvisioningConnectionForApplication> {
        self.client
            .request(DeactivateDefaultProvisioningConnectionForApplication::new(
                app_id,
            ))
    }

    /// Retrieves the default provisioning connection of app `app_id`.
    #[doc(alias = "get_default_provisioning_connection_for_application")]
    pub fn get_default(
        &self,
        app_id: impl Into<String>,
    ) -> Request<GetDefaultProvisioningConnectionForApplication> {
        self.client
            .request(GetDefaultProvisioningConnectionForApplication::new(app_id))
    }

    /// Updates the default provisioning connection of app `app_id` (token or OAuth 2.0).
    #[doc(alias = "update_default_provisioning_connection_for_application")]
    pub fn update_default(
        &self,
        app_id: impl Into<String>,
        request: impl Into<ProvisioningConnectionRequest>,
    ) -> Request<UpdateDefaultProvisioningConnectionForApplication> {
        self.client
            .request(UpdateDefaultProvisioningConnectionForApplication::new(
                app_id, request,
            ))
    }
}

//! Application Connections: the default provisioning connection of an app.

use http::Method;
use idp_core::{Body, Operation, Result, encode_segment};

use crate::client::{Client, Okta, Request};
use crate::models::{ProvisioningConnectionRequest, ProvisioningConnectionResponse};

/// `POST /api/v1/apps/{appId}/connections/default/lifecycle/activate` (204).
#[derive(Debug, Clone, PartialEq)]
pub struct ActivateDefaultProvisioningConnectionForApplication {
    pub(crate) app_id: String,
}

impl Operation for ActivateDefaultProvisioningConnectionForApplication {
    type Provider = Okta;
    type Output = ();
    const ID: &'static str = "activateDefaultProvisioningConnectionForApplication";

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Result<String> {
        Ok(format!(
            "/api/v1/apps/{}/connections/default/lifecycle/activate",
            encode_segment("appId", &self.app_id)?
        ))
    }

    fn idempotent(&self) -> bool {
        true
    }
}

/// `POST /api/v1/apps/{appId}/connections/default/lifecycle/deactivate` (204).
#[derive(Debug, Clone, PartialEq)]
pub struct DeactivateDefaultProvisioningConnectionForApplication {
    pub(crate) app_id: String,
}

impl Operation for DeactivateDefaultProvisioningConnectionForApplication {
    type Provider = Okta;
    type Output = ();
    const ID: &'static str = "deactivateDefaultProvisioningConnectionForApplication";

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Result<String> {
        Ok(format!(
            "/api/v1/apps/{}/connections/default/lifecycle/deactivate",
            encode_segment("appId", &self.app_id)?
        ))
    }

    fn idempotent(&self) -> bool {
        true
    }
}

/// `GET /api/v1/apps/{appId}/connections/default`.
#[derive(Debug, Clone, PartialEq)]
pub struct GetDefaultProvisioningConnectionForApplication {
    pub(crate) app_id: String,
}

impl Operation for GetDefaultProvisioningConnectionForApplication {
    type Provider = Okta;
    type Output = ProvisioningConnectionResponse;
    const ID: &'static str = "getDefaultProvisioningConnectionForApplication";

    fn method(&self) -> Method {
        Method::GET
    }

    fn path(&self) -> Result<String> {
        Ok(format!(
            "/api/v1/apps/{}/connections/default",
            encode_segment("appId", &self.app_id)?
        ))
    }
}

/// `POST /api/v1/apps/{appId}/connections/default[?activate=…]`.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateDefaultProvisioningConnectionForApplication {
    pub(crate) app_id: String,
    pub(crate) body: ProvisioningConnectionRequest,
    pub(crate) activate: Option<bool>,
}

impl Operation for UpdateDefaultProvisioningConnectionForApplication {
    type Provider = Okta;
    type Output = ProvisioningConnectionResponse;
    const ID: &'static str = "updateDefaultProvisioningConnectionForApplication";

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Result<String> {
        Ok(format!(
            "/api/v1/apps/{}/connections/default",
            encode_segment("appId", &self.app_id)?
        ))
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        self.activate
            .map(|a| ("activate", a.to_string()))
            .into_iter()
            .collect()
    }

    fn body(&self) -> Result<Option<Body>> {
        Body::json(&self.body).map(Some)
    }
}

impl Request<UpdateDefaultProvisioningConnectionForApplication> {
    /// Activates the connection as well (`activate=true`), or explicitly not (`false`).
    pub fn activate(self, activate: bool) -> Self {
        self.map(|mut op| {
            op.activate = Some(activate);
            op
        })
    }
}

/// The default provisioning connection of apps: `client.application_connections()`.
#[derive(Debug, Clone, Copy)]
pub struct ApplicationConnections<'a> {
    pub(crate) client: &'a Client,
}

impl ApplicationConnections<'_> {
    /// Activates the default provisioning connection of app `app_id`.
    pub fn activate_default(
        &self,
        app_id: impl Into<String>,
    ) -> Request<ActivateDefaultProvisioningConnectionForApplication> {
        self.client
            .request(ActivateDefaultProvisioningConnectionForApplication {
                app_id: app_id.into(),
            })
    }

    /// Deactivates the default provisioning connection of app `app_id`.
    pub fn deactivate_default(
        &self,
        app_id: impl Into<String>,
    ) -> Request<DeactivateDefaultProvisioningConnectionForApplication> {
        self.client
            .request(DeactivateDefaultProvisioningConnectionForApplication {
                app_id: app_id.into(),
            })
    }

    /// Retrieves the default provisioning connection of app `app_id`.
    pub fn get_default(
        &self,
        app_id: impl Into<String>,
    ) -> Request<GetDefaultProvisioningConnectionForApplication> {
        self.client
            .request(GetDefaultProvisioningConnectionForApplication {
                app_id: app_id.into(),
            })
    }

    /// Updates the default provisioning connection of app `app_id` (token or OAuth 2.0).
    pub fn update_default(
        &self,
        app_id: impl Into<String>,
        request: impl Into<ProvisioningConnectionRequest>,
    ) -> Request<UpdateDefaultProvisioningConnectionForApplication> {
        self.client
            .request(UpdateDefaultProvisioningConnectionForApplication {
                app_id: app_id.into(),
                body: request.into(),
                activate: None,
            })
    }
}

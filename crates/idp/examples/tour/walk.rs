//! The walk itself, shared by the tour's `main.rs` and by the workspace's secret-hygiene test
//! (which runs it with tracing at TRACE and scans the logs for every secret below).

use idp::authress::models::{Connection, ConnectionType};
use idp::kinde::models::{
    CreateConnectionRequest, CreateConnectionRequestOptionsSocial, Strategy,
    UpdateConnectionRequest,
};
use idp::okta::models::{
    AppUserAssignRequest, AppUserCredentials, AppUserScope, AppUserUpdateRequest, KeyRequest,
    Office365ProvisioningSettings, ProvisioningConnectionOauthRequest,
    ProvisioningConnectionTokenRequest,
};
use serde_json::json;

/// The SCIM token the tour configures on Okta's provisioning connection.
pub(crate) const SCIM_TOKEN: &str = "tour-scim-token-7f3a9c";
/// The Office 365 admin password the tour configures.
pub(crate) const O365_ADMIN_PASSWORD: &str = "tour-o365-admin-password-51d2";
/// The OAuth client secret of the SSO connections the tour creates.
pub(crate) const CONNECTION_CLIENT_SECRET: &str = "tour-connection-client-secret-c09e";

/// Every secret the walk itself sends (the clients' credentials come on top).
pub(crate) const SECRETS: &[&str] = &[SCIM_TOKEN, O365_ADMIN_PASSWORD, CONNECTION_CLIENT_SECRET];

fn status(s: Option<&idp::okta::models::AppUserStatus>) -> &str {
    s.map_or("?", |s| s.as_str())
}

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Okta: configure the provisioning connection, assign / list / update / unassign app users,
/// rotate a hook key.
pub(crate) async fn okta(okta: &idp::okta::Client, app_id: &str, user_id: &str) -> Result<()> {
    println!("── Okta ({})", okta.core().base_url());
    let connections = okta.application_connections();
    connections
        .update_default(app_id, ProvisioningConnectionTokenRequest::new(SCIM_TOKEN))
        .activate(true)
        .send()
        .await?;
    let conn = connections.get_default(app_id).send().await?;
    println!(
        "  provisioning connection: {} via {}",
        conn.status,
        conn.auth_scheme().map_or("-", |s| s.as_str())
    );
    connections.deactivate_default(app_id).send().await?;
    let o365 = ProvisioningConnectionOauthRequest::new()
        .client_id("tour-o365-client")
        .settings(Office365ProvisioningSettings::new(
            "admin@tour.example",
            O365_ADMIN_PASSWORD,
        ));
    connections.update_default(app_id, o365).send().await?;
    connections.activate_default(app_id).send().await?;
    let conn = connections.get_default(app_id).send().await?;
    println!(
        "  reconfigured for Office 365 OAuth and reactivated: {} via {}",
        conn.status,
        conn.auth_scheme().map_or("-", |s| s.as_str())
    );

    let users = okta.application_users();
    let assigned = users
        .assign(
            app_id,
            AppUserAssignRequest::new(user_id)
                .scope(AppUserScope::User)
                .credentials(AppUserCredentials::user_name("rae@tour.example"))
                .profile(json!({ "role": "Developer" })),
        )
        .send()
        .await?;
    println!(
        "  assigned {} ({})",
        assigned.id.as_deref().unwrap_or("?"),
        status(assigned.status.as_ref())
    );
    let mut listed = users.list(app_id).limit(2).items();
    let mut count = 0;
    while let Some(user) = listed.try_next().await? {
        count += 1;
        if count <= 3 {
            println!(
                "  listed {} ({})",
                user.id.as_deref().unwrap_or("?"),
                status(user.status.as_ref())
            );
        }
    }
    println!("  {count} app users in all (pages of 2, fetched lazily)");
    let mut profile = assigned.profile.unwrap_or_default();
    profile.insert("role".into(), json!("Lead"));
    let updated = users
        .update(app_id, user_id, AppUserUpdateRequest::profile(profile))
        .send()
        .await?;
    println!(
        "  updated role → {}",
        updated
            .profile
            .as_ref()
            .and_then(|p| p.get("role"))
            .unwrap_or(&json!(null))
    );
    users
        .unassign(app_id, user_id)
        .send_email(false)
        .send()
        .await?;
    println!("  unassigned {user_id}");

    let hook_keys = okta.hook_keys();
    let old = hook_keys
        .create(KeyRequest::new("tour signing key"))
        .send()
        .await?;
    let new = hook_keys
        .create(KeyRequest::new("tour signing key (next)"))
        .send()
        .await?;
    let public = hook_keys
        .get_public_key(new.key_id.clone().unwrap_or_default())
        .send()
        .await?;
    println!(
        "  new hook key {} (public JWK kid {})",
        new.key_id.as_deref().unwrap_or("?"),
        public.kid.as_deref().unwrap_or("?")
    );
    hook_keys
        .delete(old.id.clone().unwrap_or_default())
        .send()
        .await?;
    let renamed = hook_keys
        .replace(
            new.id.clone().unwrap_or_default(),
            KeyRequest::new("tour signing key"),
        )
        .send()
        .await?;
    println!(
        "  rotated: old key deleted, new key renamed to {:?}",
        renamed.name.unwrap_or_default()
    );
    let keys = hook_keys.list().send().await?;
    println!("  {} hook key(s) now", keys.len());
    hook_keys.delete(new.id.unwrap_or_default()).send().await?;
    Ok(())
}

/// Authress: create, list, update and delete an SSO connection.
pub(crate) async fn authress(authress: &idp::authress::Client) -> Result<()> {
    println!("── Authress ({})", authress.core().base_url());
    let connection = Connection::new(ConnectionType::Oauth2)
        .authentication_url("https://accounts.google.com/o/oauth2/v2/auth")
        .token_url("https://oauth2.googleapis.com/token")
        .client_id("tour-google-client")
        .client_secret(CONNECTION_CLIENT_SECRET);
    let created = authress.connections().create(connection).send().await?;
    let id = created.id().unwrap_or_default().to_owned();
    println!(
        "  created {id} ({})",
        created.connection_type.as_ref().map_or("?", |t| t.as_str())
    );
    let all = authress.connections().list().collect_all().await?;
    println!("  {} connection(s) listed", all.len());
    let got = authress
        .connections()
        .get(&id)
        .send()
        .await?
        .issuer_url("https://accounts.google.com")
        // GET never returns the secret and PUT replaces the whole connection: send it again.
        .client_secret(CONNECTION_CLIENT_SECRET);
    let updated = authress.connections().update(&id, got).send().await?;
    println!(
        "  updated issuer → {}",
        updated.issuer_url.value().map_or("?", String::as_str)
    );
    authress.connections().delete(&id).send().await?;
    println!("  deleted {id}");
    Ok(())
}

/// Kinde: create, list, update and delete a social connection.
pub(crate) async fn kinde(kinde: &idp::kinde::Client) -> Result<()> {
    println!("── Kinde ({})", kinde.core().base_url());
    let created = kinde
        .connections()
        .create(
            CreateConnectionRequest::new("tour-github", "GitHub (tour)", Strategy::Github).options(
                CreateConnectionRequestOptionsSocial::new()
                    .client_id("tour-github-client")
                    .client_secret(CONNECTION_CLIENT_SECRET),
            ),
        )
        .send()
        .await?;
    let id = created.id().unwrap_or_default().to_owned();
    println!("  created {id}");
    let mut listed = kinde.connections().list().page_size(2).items();
    let mut count = 0;
    while listed.try_next().await?.is_some() {
        count += 1;
    }
    println!("  {count} connection(s) listed (pages of 2)");
    kinde
        .connections()
        .update(&id, UpdateConnectionRequest::new().display_name("GitHub"))
        .send()
        .await?;
    let got = kinde.connections().get(&id).send().await?;
    println!("  renamed → {:?}", got.display_name.unwrap_or_default());
    kinde.connections().delete(&id).send().await?;
    println!("  deleted {id}");
    Ok(())
}

/// The three fakes, seeded, and clients for them.
pub(crate) struct Fakes {
    /// The fake Okta org.
    pub(crate) okta: idp_testkit::FakeOkta,
    /// The fake Authress account.
    pub(crate) authress: idp_testkit::FakeAuthress,
    /// The fake Kinde business.
    pub(crate) kinde: idp_testkit::FakeKinde,
}

impl Fakes {
    /// Starts and seeds the three fakes.
    pub(crate) async fn start() -> Result<Fakes> {
        let okta = idp_testkit::FakeOkta::start().await?;
        okta.seed_app_users(TOUR_APP, 4);
        okta.add_users([TOUR_USER]);
        let authress = idp_testkit::FakeAuthress::start().await?;
        authress.seed_connections(2);
        let kinde = idp_testkit::FakeKinde::start().await?;
        kinde.seed_connections(3);
        Ok(Fakes {
            okta,
            authress,
            kinde,
        })
    }

    /// Every credential the fakes hand out.
    pub(crate) fn secrets(&self) -> Vec<String> {
        vec![
            self.okta.api_token().to_owned(),
            self.authress.access_key().to_owned(),
            self.authress
                .access_key()
                .rsplit('.')
                .next()
                .unwrap_or_default()
                .to_owned(),
            self.kinde.client_secret().to_owned(),
        ]
    }

    /// A client for the fake Okta (API token).
    pub(crate) fn okta_client(&self) -> idp::Result<idp::okta::Client> {
        idp::okta::Client::builder()
            .org_url(self.okta.base_url())
            .api_token(self.okta.api_token())
            .build()
    }

    /// A client for the fake Authress (service-client access key, signed locally).
    pub(crate) fn authress_client(&self) -> idp::Result<idp::authress::Client> {
        idp::authress::Client::builder()
            .base_url(self.authress.base_url())
            .access_key(self.authress.access_key())
            .build()
    }

    /// A client for the fake Kinde (M2M client credentials).
    pub(crate) fn kinde_client(&self) -> idp::Result<idp::kinde::Client> {
        idp::kinde::Client::builder()
            .domain(self.kinde.base_url())
            .client_credentials(self.kinde.client_id(), self.kinde.client_secret())
            .build()
    }

    /// Walks all three providers against the fakes.
    pub(crate) async fn walk(&self) -> Result<()> {
        okta(&self.okta_client()?, TOUR_APP, TOUR_USER).await?;
        authress(&self.authress_client()?).await?;
        kinde(&self.kinde_client()?).await
    }
}

/// The Okta user the tour assigns on the fake.
pub(crate) const TOUR_USER: &str = "00utour0000000000001";

/// The Okta app the tour uses on the fake.
pub(crate) const TOUR_APP: &str = "0oatour000000000001";

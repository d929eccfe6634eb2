//! The three clients the CPU benchmark compares, doing the same work against the same server:
//! idp, and a hand-written `reqwest` + `serde_json` client on reqwest 0.12 (the version idp is
//! built on, with its features: rustls, HTTP/2) and on reqwest 0.13 (the newest, no TLS).
//!
//! The hand-written clients are what a careful user would write: the URL formatted per call, the
//! authorization and accept headers, a request timeout (reqwest has none by default, and a call
//! that can hang forever is a bug in a service; idp bounds every attempt the same way, 30 s), the
//! status checked, the body read as bytes and decoded with `serde_json` into plain structs shaped
//! like the wire; list walks follow the provider's cursor.

use std::hint::black_box;

use crate::{
    PlainAppUser, PlainAuthressConnection, PlainAuthressPage, PlainKindeEnvelope, PlainKindePage,
};

/// One unit of work for a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Work {
    /// `n` sequential GETs of one item.
    Get(Provider),
    /// A walk over every item the server lists, in pages of `page`.
    List(Provider),
}

/// The provider a work unit talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Provider {
    Okta,
    Authress,
    Kinde,
}

impl Work {
    pub(crate) const ALL: [Work; 6] = [
        Work::Get(Provider::Okta),
        Work::Get(Provider::Authress),
        Work::Get(Provider::Kinde),
        Work::List(Provider::Okta),
        Work::List(Provider::Authress),
        Work::List(Provider::Kinde),
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Work::Get(Provider::Okta) => "get-okta",
            Work::Get(Provider::Authress) => "get-authress",
            Work::Get(Provider::Kinde) => "get-kinde",
            Work::List(Provider::Okta) => "list-okta",
            Work::List(Provider::Authress) => "list-authress",
            Work::List(Provider::Kinde) => "list-kinde",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Work> {
        Work::ALL.into_iter().find(|w| w.name() == s)
    }
}

/// Which client runs the work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Impl {
    Idp,
    Raw12,
    Raw13,
}

impl Impl {
    pub(crate) const ALL: [Impl; 3] = [Impl::Idp, Impl::Raw12, Impl::Raw13];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Impl::Idp => "idp",
            Impl::Raw12 => "raw-0.12",
            Impl::Raw13 => "raw-0.13",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Impl> {
        Impl::ALL.into_iter().find(|i| i.name() == s)
    }
}

/// How much work one measured step does.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Size {
    /// Items the server lists (Okta: from the app id; Authress and Kinde: the server's total).
    pub(crate) total: usize,
    /// Page size asked for.
    pub(crate) page: u32,
}

/// A client ready to do the work; `step` does one GET or one whole walk and returns how many
/// units (calls or items) it did.
pub(crate) enum Client {
    Idp(Box<IdpClients>),
    Raw12(raw12::Raw),
    Raw13(raw13::Raw),
}

/// The idp client of the provider the work talks to (only that one is built, as a user of one
/// provider would).
pub(crate) enum IdpClients {
    Okta(idp::okta::Client),
    Authress(idp::authress::Client),
    Kinde(idp::kinde::Client),
}

impl Work {
    fn provider(self) -> Provider {
        match self {
            Work::Get(p) | Work::List(p) => p,
        }
    }
}

impl Client {
    /// Builds the client the way its user would (idp: the builder of the provider the work talks
    /// to, with its default transport).
    pub(crate) fn new(which: Impl, work: Work, base: &str) -> Client {
        match which {
            Impl::Idp => Client::Idp(Box::new(match work.provider() {
                Provider::Okta => IdpClients::Okta(
                    idp::okta::Client::builder()
                        .org_url(base)
                        .api_token("bench-token")
                        .build()
                        .expect("okta client"),
                ),
                Provider::Authress => IdpClients::Authress(
                    idp::authress::Client::builder()
                        .base_url(base)
                        .user_token("bench-token")
                        .build()
                        .expect("authress client"),
                ),
                Provider::Kinde => IdpClients::Kinde(
                    idp::kinde::Client::builder()
                        .domain(base)
                        .access_token("bench-token")
                        .build()
                        .expect("kinde client"),
                ),
            })),
            Impl::Raw12 => Client::Raw12(raw12::Raw::new(base)),
            Impl::Raw13 => Client::Raw13(raw13::Raw::new(base)),
        }
    }

    pub(crate) async fn step(&self, work: Work, size: Size) -> usize {
        match self {
            Client::Idp(c) => c.step(work, size).await,
            Client::Raw12(c) => c.step(work, size).await,
            Client::Raw13(c) => c.step(work, size).await,
        }
    }
}

impl IdpClients {
    async fn step(&self, work: Work, size: Size) -> usize {
        match (self, work) {
            (IdpClients::Okta(okta), Work::Get(_)) => {
                let user = okta.application_users().get("0oa1", "00u1").send();
                black_box(user.await.expect("okta get"));
                1
            }
            (IdpClients::Authress(authress), Work::Get(_)) => {
                let conn = authress.connections().get("con_1").send();
                black_box(conn.await.expect("authress get"));
                1
            }
            (IdpClients::Kinde(kinde), Work::Get(_)) => {
                let conn = kinde.connections().get("conn_1").send();
                black_box(conn.await.expect("kinde get"));
                1
            }
            (IdpClients::Okta(okta), Work::List(_)) => {
                let app = format!("app{}", size.total);
                let list = okta.application_users().list(app).limit(size.page);
                let mut items = list.items();
                let mut n = 0;
                while let Some(item) = items.try_next().await.expect("okta list") {
                    black_box(item);
                    n += 1;
                }
                n
            }
            (IdpClients::Authress(authress), Work::List(_)) => {
                let mut items = authress.connections().list().limit(size.page).items();
                let mut n = 0;
                while let Some(item) = items.try_next().await.expect("authress list") {
                    black_box(item);
                    n += 1;
                }
                n
            }
            (IdpClients::Kinde(kinde), Work::List(_)) => {
                let list = kinde.connections().list().page_size(size.page);
                let mut items = list.items();
                let mut n = 0;
                while let Some(item) = items.try_next().await.expect("kinde list") {
                    black_box(item);
                    n += 1;
                }
                n
            }
        }
    }
}

/// The target of the `rel="next"` link among `Link` header values, as a hand-written client
/// would find it.
fn next_link<'a>(values: impl Iterator<Item = &'a [u8]>) -> Option<String> {
    values
        .filter_map(|v| std::str::from_utf8(v).ok())
        .flat_map(|v| v.split(','))
        .find(|l| l.contains("rel=\"next\""))
        .and_then(|l| {
            let start = l.find('<')? + 1;
            let end = l.find('>')?;
            l.get(start..end).map(str::to_owned)
        })
}

/// One hand-written client per reqwest version: the same source, compiled against each.
macro_rules! raw_client {
    ($module:ident, $reqwest:ident) => {
        pub(crate) mod $module {
            use std::hint::black_box;

            use $reqwest as rq;

            use super::*;

            pub(crate) struct Raw {
                client: rq::Client,
                base: String,
            }

            impl Raw {
                pub(crate) fn new(base: &str) -> Raw {
                    let client = rq::Client::builder()
                        .redirect(rq::redirect::Policy::none())
                        .timeout(std::time::Duration::from_secs(30))
                        .build()
                        .expect("reqwest client");
                    Raw {
                        client,
                        base: base.to_owned(),
                    }
                }

                async fn fetch(&self, url: &str, auth: &str) -> rq::Response {
                    let resp = self
                        .client
                        .get(url)
                        .header("authorization", auth)
                        .header("accept", "application/json")
                        .send()
                        .await
                        .expect("send");
                    assert!(resp.status().is_success(), "status {}", resp.status());
                    resp
                }

                async fn get<T: serde::de::DeserializeOwned>(&self, url: &str, auth: &str) -> T {
                    let body = self.fetch(url, auth).await.bytes().await.expect("body");
                    serde_json::from_slice(&body).expect("decode")
                }

                pub(crate) async fn step(&self, work: Work, size: Size) -> usize {
                    let base = &self.base;
                    match work {
                        Work::Get(Provider::Okta) => {
                            let (app, user) = ("0oa1", "00u1");
                            let url = format!("{base}/api/v1/apps/{app}/users/{user}");
                            black_box(self.get::<PlainAppUser>(&url, "SSWS bench-token").await);
                            1
                        }
                        Work::Get(Provider::Authress) => {
                            let url = format!("{base}/v1/connections/{}", "con_1");
                            let conn: PlainAuthressConnection =
                                self.get(&url, "Bearer bench-token").await;
                            black_box(conn);
                            1
                        }
                        Work::Get(Provider::Kinde) => {
                            let url = format!("{base}/api/v1/connections/{}", "conn_1");
                            let conn: PlainKindeEnvelope =
                                self.get(&url, "Bearer bench-token").await;
                            black_box(conn);
                            1
                        }
                        Work::List(Provider::Okta) => {
                            let (total, page) = (size.total, size.page);
                            let mut url =
                                Some(format!("{base}/api/v1/apps/app{total}/users?limit={page}"));
                            let mut n = 0;
                            while let Some(u) = url.take() {
                                let resp = self.fetch(&u, "SSWS bench-token").await;
                                url = next_link(
                                    resp.headers().get_all("link").iter().map(|v| v.as_bytes()),
                                );
                                let body = resp.bytes().await.expect("body");
                                let users: Vec<PlainAppUser> =
                                    serde_json::from_slice(&body).expect("decode");
                                for user in users {
                                    black_box(user);
                                    n += 1;
                                }
                            }
                            n
                        }
                        Work::List(Provider::Authress) => {
                            let mut cursor: Option<String> = None;
                            let mut n = 0;
                            loop {
                                let url = match &cursor {
                                    Some(c) => format!(
                                        "{base}/v1/connections?limit={}&cursor={c}",
                                        size.page
                                    ),
                                    None => format!("{base}/v1/connections?limit={}", size.page),
                                };
                                let page: PlainAuthressPage =
                                    self.get(&url, "Bearer bench-token").await;
                                for conn in page.connections {
                                    black_box(conn);
                                    n += 1;
                                }
                                cursor =
                                    page.pagination.and_then(|p| p.next).and_then(|n| n.cursor);
                                if cursor.is_none() {
                                    return n;
                                }
                            }
                        }
                        Work::List(Provider::Kinde) => {
                            let mut after: Option<String> = None;
                            let mut n = 0;
                            loop {
                                let url = match &after {
                                    Some(a) => format!(
                                        "{base}/api/v1/connections?page_size={}&starting_after={a}",
                                        size.page
                                    ),
                                    None => {
                                        format!("{base}/api/v1/connections?page_size={}", size.page)
                                    }
                                };
                                let page: PlainKindePage =
                                    self.get(&url, "Bearer bench-token").await;
                                after = page.connections.last().and_then(|c| c.id.clone());
                                for conn in page.connections {
                                    black_box(conn);
                                    n += 1;
                                }
                                if page.has_more != Some(true) {
                                    return n;
                                }
                            }
                        }
                    }
                }
            }
        }
    };
}

raw_client!(raw12, reqwest);
raw_client!(raw13, reqwest013);

//! A running server per test, and a browser-like client.

use mamoru_app::{App, Config, Principal};
use mamoru_domain::access::{Grant, Role, Scope};
use mamoru_domain::{OrgId, UserId};
use mamoru_server::{AppState, ServerConfig};
use mamoru_store::{Location, Store};

/// A server on 127.0.0.1 with its own temporary database.
pub(crate) struct Server {
    pub(crate) base: String,
    pub(crate) app: App,
    _dir: tempfile::TempDir,
}

/// The password every test user gets.
pub(crate) const PASSWORD: &str = "Test#Pass-2026";

pub(crate) async fn server() -> Server {
    server_with(ServerConfig { secure_cookies: false, max_upload: 10 * 1024 * 1024 }).await
}

pub(crate) async fn server_with(config: ServerConfig) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&Location::Dir(dir.path().to_owned())).await.unwrap();
    let app = App::new(store, Config::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(mamoru_server::serve(listener, AppState::new(app.clone(), config), std::future::pending()));
    Server { base: format!("http://{addr}"), app, _dir: dir }
}

impl Server {
    /// An organisation with one facility; returns the organisation.
    pub(crate) async fn org(&self, name: &str, facility: &str) -> OrgId {
        let org = self.app.create_org(name).await.unwrap();
        let input = mamoru_domain::FacilityInput {
            name: facility.into(),
            kind: "病院".into(),
            beds: "200".into(),
            ..Default::default()
        };
        self.app.create_facility(&Principal::cli(org), &input).await.unwrap();
        org
    }

    /// A user with `role` over the whole organisation.
    pub(crate) async fn user(&self, org: OrgId, email: &str, role: Role) -> UserId {
        self.user_with(org, email, &[Grant { role, scope: Scope::Organization }]).await
    }

    pub(crate) async fn user_with(&self, org: OrgId, email: &str, grants: &[Grant]) -> UserId {
        self.app.create_user(&Principal::cli(org), email, email, PASSWORD, grants).await.unwrap()
    }

    /// A client logged in as `email` (without TOTP).
    pub(crate) async fn login(&self, email: &str) -> Client {
        let c = self.client();
        let res = c.login(email, PASSWORD).await;
        assert_eq!(res.status(), 200, "login of {email} failed");
        assert!(res.url().path() == "/", "login did not reach the dashboard: {}", res.url());
        c
    }

    /// A client logged in as `email` whose organisation requires TOTP it has not set up.
    pub(crate) async fn login_to_enrolment(&self, email: &str) -> Client {
        let c = self.client();
        let res = c.login(email, PASSWORD).await;
        assert_eq!(res.url().path(), "/account/totp", "expected the enrolment page");
        c
    }

    pub(crate) fn client(&self) -> Client {
        // reqwest is built with rustls and no default crypto provider (see mamoru_app::notify).
        mamoru_app::notify::install_tls();
        let http = reqwest::Client::builder().cookie_store(true).build().unwrap();
        Client { http, base: self.base.clone() }
    }
}

/// A client that keeps cookies, like a browser.
pub(crate) struct Client {
    pub(crate) http: reqwest::Client,
    pub(crate) base: String,
}

impl Client {
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub(crate) async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.unwrap()
    }

    pub(crate) async fn text(&self, path: &str) -> (u16, String) {
        let res = self.get(path).await;
        (res.status().as_u16(), res.text().await.unwrap())
    }

    /// Posts a form with this page's CSRF token, as the browser would.
    pub(crate) async fn post_form(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let csrf = self.csrf(page).await;
        let mut form: Vec<(&str, &str)> = vec![("_csrf", &csrf)];
        form.extend_from_slice(fields);
        self.http.post(self.url(action)).form(&form).send().await.unwrap()
    }

    /// The `_csrf` value of the first form on `page`.
    pub(crate) async fn csrf(&self, page: &str) -> String {
        let (_, html) = self.text(page).await;
        hidden(&html, "_csrf").unwrap_or_else(|| panic!("no _csrf on {page}"))
    }

    pub(crate) async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        let (_, html) = self.text("/login").await;
        let csrf = hidden(&html, "_csrf").unwrap();
        self.http
            .post(self.url("/login"))
            .form(&[("_csrf", csrf.as_str()), ("email", email), ("password", password), ("next", "/")])
            .send()
            .await
            .unwrap()
    }
}

/// The value of a hidden input in a page.
pub(crate) fn hidden(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}

/// The id in a `/assets/{id}` redirect.
pub(crate) fn id_in(url: &reqwest::Url) -> i64 {
    url.path().rsplit('/').next().unwrap().parse().unwrap()
}

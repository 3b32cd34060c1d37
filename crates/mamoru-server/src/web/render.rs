//! Rendering pages: the shared layout, forms' errors, and the askama wrapper.

use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use mamoru_domain::Invalid;

use crate::error::WebError;
use crate::i18n::Tr;
use crate::web::context::Viewer;

/// What the base template needs: the menu, the user, the CSRF token for the logout form.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    /// The page title (already translated).
    pub(crate) title: String,
    /// Which menu entry is current: `dashboard`, `facilities`, `assets`, `vulns`, `alerts`,
    /// `contacts`, `users`, `audit`, `account`.
    pub(crate) nav: &'static str,
    /// The user's display name; empty on the login pages.
    pub(crate) user: String,
    /// The session's CSRF token.
    pub(crate) csrf: String,
    /// Show the Users menu.
    pub(crate) can_users: bool,
    /// Show the Audit log menu.
    pub(crate) can_audit: bool,
    /// The current path, for the language switch to come back to.
    pub(crate) path: String,
    /// A confirmation to show once (after a redirect), already translated.
    pub(crate) notice: Option<String>,
}

impl Layout {
    /// The layout of a logged-in page.
    pub(crate) fn new(v: &Viewer, title_key: &str, nav: &'static str) -> Self {
        Layout {
            title: v.tr.t(title_key).to_owned(),
            nav,
            user: v.p.display_name.clone(),
            csrf: v.csrf.clone(),
            can_users: v.can_manage_users(),
            can_audit: v.can_view_audit(),
            path: v.path.clone(),
            notice: None,
        }
    }

    /// The layout of a page without a session (login).
    pub(crate) fn public(tr: Tr, title_key: &str) -> Self {
        Layout {
            title: tr.t(title_key).to_owned(),
            nav: "",
            user: String::new(),
            csrf: String::new(),
            can_users: false,
            can_audit: false,
            path: "/login".into(),
            notice: None,
        }
    }

    /// Shows the confirmation named by a `done=` parameter (`saved`, `deleted`...).
    pub(crate) fn with_notice(mut self, tr: Tr, done: Option<&str>) -> Self {
        self.notice = done.and_then(|d| match d {
            "saved" => Some(tr.t("notice.saved").to_owned()),
            "created" => Some(tr.t("notice.created").to_owned()),
            "deleted" => Some(tr.t("notice.deleted").to_owned()),
            "imported" => Some(tr.t("notice.imported").to_owned()),
            "password" => Some(tr.t("notice.password").to_owned()),
            "totp" => Some(tr.t("notice.totp").to_owned()),
            "decided" => Some(tr.t("notice.decided").to_owned()),
            "acknowledged" => Some(tr.t("notice.alert_acknowledged").to_owned()),
            "escalated" => Some(tr.t("notice.alert_escalated").to_owned()),
            "reopened" => Some(tr.t("notice.alert_reopened").to_owned()),
            "false_positive" => Some(tr.t("notice.alert_false_positive").to_owned()),
            _ => None,
        });
        self
    }
}

/// Renders a template as an HTML response; a rendering failure is a 500.
pub(crate) fn page(t: &impl Template) -> Result<Response, WebError> {
    t.render().map(|html| Html(html).into_response()).map_err(|e| WebError::Internal(e.to_string()))
}

/// Field errors of a form, translated, for the template to show next to each field.
#[derive(Debug, Clone, Default)]
pub(crate) struct FormErrors {
    items: Vec<(String, String)>,
}

impl FormErrors {
    /// Translates validation failures.
    pub(crate) fn from_invalid(tr: Tr, invalid: &[Invalid]) -> Self {
        FormErrors { items: invalid.iter().map(|i| (i.field.to_owned(), tr.problem(&i.problem))).collect() }
    }

    /// One error not tied to a field.
    pub(crate) fn general(message: String) -> Self {
        FormErrors { items: vec![(String::new(), message)] }
    }

    /// The error for `field`, or empty.
    pub(crate) fn get(&self, field: &str) -> String {
        self.items.iter().filter(|(f, _)| f == field).map(|(_, m)| m.as_str()).collect::<Vec<_>>().join(" / ")
    }

    /// Whether `field` has an error (for `aria-invalid`).
    pub(crate) fn has(&self, field: &str) -> bool {
        self.items.iter().any(|(f, _)| f == field)
    }

    /// Every error, as (field label, message), for the summary at the top of the form.
    pub(crate) fn all(&self, tr: &Tr) -> Vec<(String, String)> {
        self.items.iter().map(|(f, m)| (if f.is_empty() { String::new() } else { tr.field(f) }, m.clone())).collect()
    }

    /// Whether there is anything to show.
    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

//! `/alerts/suppressions`: the rules false positives left behind, how often each has
//! silenced its rule since, and (for those who may) the button that removes one.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mamoru_domain::SuppressionId;
use mamoru_domain::access::Action;
use mamoru_store::Suppression;

use crate::error::WebError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::context::Viewer;
use crate::web::forms::{CsrfOnly, Done, check_csrf};
use crate::web::render::{Layout, page};

/// A suppression rule with what its row shows.
pub(crate) struct Row {
    pub(crate) s: Suppression,
    /// Its facility's name; empty for every facility.
    pub(crate) facility: String,
    pub(crate) can_remove: bool,
}

#[derive(Template)]
#[template(path = "alerts/suppressions.html")]
struct SuppressionsPage {
    tr: Tr,
    layout: Layout,
    rows: Vec<Row>,
}

/// `GET /alerts/suppressions`.
pub(crate) async fn list(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<Done>,
) -> Result<Response, WebError> {
    let facilities = state.app.facilities(&v.p).await?;
    let rows = state
        .app
        .suppressions(&v.p)
        .await?
        .into_iter()
        .map(|s| Row {
            facility: s
                .facility
                .and_then(|f| facilities.iter().find(|x| x.id == f))
                .map(|f| f.draft.name.clone())
                .unwrap_or_default(),
            can_remove: v.p.can(Action::SuppressAlerts, s.facility),
            s,
        })
        .collect();
    let layout = Layout::new(&v, "alerts.suppressions_title", "alerts").with_notice(v.tr, q.done.as_deref());
    page(&SuppressionsPage { tr: v.tr, layout, rows })
}

/// `POST /alerts/suppressions/{id}/delete`: the rule raises alerts again.
pub(crate) async fn remove(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, WebError> {
    check_csrf(&v, &form.csrf)?;
    state.app.remove_suppression(&v.p, SuppressionId::new(id)).await?;
    Ok(Redirect::to("/alerts/suppressions?done=deleted").into_response())
}

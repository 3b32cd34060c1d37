//! Facilities: list, detail, create, edit, delete.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mamoru_app::Error as AppError;
use mamoru_domain::access::Action;
use mamoru_domain::facility::FacilityInput;
use mamoru_domain::{Facility, FacilityId, FacilityKind, Operator, Prefecture};
use mamoru_store::CategoryCount;
use serde::Deserialize;

use crate::error::WebError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::context::Viewer;
use crate::web::forms::{CsrfOnly, Done, check_csrf};
use crate::web::render::{FormErrors, Layout, page};

#[derive(Template)]
#[template(path = "facilities/list.html")]
struct ListPage {
    tr: Tr,
    layout: Layout,
    facilities: Vec<Facility>,
    can_create: bool,
}

#[derive(Template)]
#[template(path = "facilities/show.html")]
struct ShowPage {
    tr: Tr,
    layout: Layout,
    f: Facility,
    assets: u64,
    by_category: Vec<CategoryCount>,
    open_findings: usize,
    can_edit: bool,
    can_delete: bool,
}

#[derive(Template)]
#[template(path = "facilities/form.html")]
struct FormPage {
    tr: Tr,
    layout: Layout,
    action: String,
    input: FacilityInput,
    errors: FormErrors,
    kinds: &'static [FacilityKind],
    operators: &'static [Operator],
    prefectures: Vec<Prefecture>,
}

#[derive(Deserialize, Default)]
pub(crate) struct FacilityFormData {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    beds: String,
    #[serde(default)]
    prefecture: String,
    #[serde(default)]
    operator: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    phone: String,
}

impl FacilityFormData {
    fn input(&self) -> FacilityInput {
        FacilityInput {
            name: self.name.clone(),
            kind: self.kind.clone(),
            beds: self.beds.clone(),
            prefecture: self.prefecture.clone(),
            operator: self.operator.clone(),
            address: self.address.clone(),
            phone: self.phone.clone(),
        }
    }
}

/// `GET /facilities`.
pub(crate) async fn list(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<Done>,
) -> Result<Response, WebError> {
    let facilities = state.app.facilities(&v.p).await?;
    let layout = Layout::new(&v, "facilities.title", "facilities").with_notice(v.tr, q.done.as_deref());
    page(&ListPage { tr: v.tr, layout, facilities, can_create: v.p.can(Action::CreateFacility, None) })
}

/// `GET /facilities/{id}`.
pub(crate) async fn show(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<Done>,
) -> Result<Response, WebError> {
    let id = FacilityId::new(id);
    let f = state.app.facility(&v.p, id).await?;
    let by_category = state.app.facility_asset_counts(&v.p, id).await?;
    let assets = by_category.iter().map(|c| c.count).sum();
    let open_findings = state.app.facility_findings(&v.p, id).await?.len();
    let layout = Layout { title: f.draft.name.clone(), ..Layout::new(&v, "facilities.title", "facilities") }
        .with_notice(v.tr, q.done.as_deref());
    page(&ShowPage {
        tr: v.tr,
        layout,
        assets,
        by_category,
        open_findings,
        can_edit: v.p.can(Action::EditFacility, Some(id)),
        can_delete: v.p.can(Action::CreateFacility, None),
        f,
    })
}

fn form_page(
    v: &Viewer,
    title: &str,
    action: String,
    input: FacilityInput,
    errors: FormErrors,
) -> Result<Response, WebError> {
    page(&FormPage {
        tr: v.tr,
        layout: Layout::new(v, title, "facilities"),
        action,
        input,
        errors,
        kinds: FacilityKind::ALL,
        operators: Operator::ALL,
        prefectures: Prefecture::all().collect(),
    })
}

/// `GET /facilities/new`.
pub(crate) async fn new(v: Viewer) -> Result<Response, WebError> {
    v.p.require(Action::CreateFacility, None)?;
    let input = FacilityInput { operator: "private".into(), ..Default::default() };
    form_page(&v, "facilities.new", "/facilities".into(), input, FormErrors::default())
}

/// `POST /facilities`.
pub(crate) async fn create(
    v: Viewer,
    State(state): State<AppState>,
    Form(f): Form<FacilityFormData>,
) -> Result<Response, WebError> {
    check_csrf(&v, &f.csrf)?;
    match state.app.create_facility(&v.p, &f.input()).await {
        Ok(id) => Ok(Redirect::to(&format!("/facilities/{id}?done=created")).into_response()),
        Err(AppError::Invalid(list)) => {
            form_page(&v, "facilities.new", "/facilities".into(), f.input(), FormErrors::from_invalid(v.tr, &list))
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /facilities/{id}/edit`.
pub(crate) async fn edit(v: Viewer, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, WebError> {
    let f = state.app.facility(&v.p, FacilityId::new(id)).await?;
    v.p.require(Action::EditFacility, Some(f.id))?;
    form_page(&v, "facilities.edit", format!("/facilities/{id}"), f.draft.to_input(), FormErrors::default())
}

/// `POST /facilities/{id}`.
pub(crate) async fn update(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(f): Form<FacilityFormData>,
) -> Result<Response, WebError> {
    check_csrf(&v, &f.csrf)?;
    match state.app.update_facility(&v.p, FacilityId::new(id), &f.input()).await {
        Ok(()) => Ok(Redirect::to(&format!("/facilities/{id}?done=saved")).into_response()),
        Err(AppError::Invalid(list)) => form_page(
            &v,
            "facilities.edit",
            format!("/facilities/{id}"),
            f.input(),
            FormErrors::from_invalid(v.tr, &list),
        ),
        Err(e) => Err(e.into()),
    }
}

/// `POST /facilities/{id}/delete`.
pub(crate) async fn delete(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, WebError> {
    check_csrf(&v, &f.csrf)?;
    state.app.delete_facility(&v.p, FacilityId::new(id)).await?;
    Ok(Redirect::to("/facilities?done=deleted").into_response())
}

//! The asset register: list (filter, sort, search, pages), detail, create, edit, delete.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mamoru_app::Error as AppError;
use mamoru_app::inventory::{AssetForm, AssetView};
use mamoru_domain::access::Action;
use mamoru_domain::{AssetCategory, AssetId, AssetInput, Facility, FacilityId, Party, PartyId};
use mamoru_store::{AssetListItem, AssetQuery, AssetSort, AuditEntry, AuditQuery, FindingQuery};
use serde::Deserialize;

use crate::error::WebError;
use crate::i18n::{Tr, today};
use crate::state::AppState;
use crate::web::context::{Viewer, encode};
use crate::web::forms::{CsrfOnly, Done, check_csrf, opt_id};
use crate::web::render::{FormErrors, Layout, page};
use crate::web::vulns::Row;

/// Page sizes offered.
const PER_PAGE: [u32; 4] = [25, 50, 100, 200];

/// The list's query string: filters, sort and page.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct ListParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    facility: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    inet: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    dir: String,
    page: Option<u64>,
    per: Option<u32>,
    done: Option<String>,
}

impl ListParams {
    fn per(&self) -> u32 {
        self.per.filter(|p| PER_PAGE.contains(p)).unwrap_or(50)
    }

    fn page(&self) -> u64 {
        self.page.unwrap_or(1).max(1)
    }

    fn sort(&self) -> AssetSort {
        AssetSort::from_key(&self.sort).unwrap_or_default()
    }

    fn desc(&self) -> bool {
        self.dir == "desc"
    }

    /// The list URL with these filters, a sort column and a page.
    fn href_with(&self, sort: &str, desc: bool, page: u64) -> String {
        let mut parts = Vec::new();
        for (k, v) in [("q", &self.q), ("facility", &self.facility), ("category", &self.category), ("inet", &self.inet)]
        {
            if !v.is_empty() {
                parts.push(format!("{k}={}", encode(v)));
            }
        }
        parts.push(format!("sort={sort}"));
        if desc {
            parts.push("dir=desc".into());
        }
        if self.per() != 50 {
            parts.push(format!("per={}", self.per()));
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        format!("/assets?{}", parts.join("&"))
    }

    /// The link of a column header: sorts by it, or flips the direction if it is the sort.
    pub(crate) fn sort_href(&self, key: &str) -> String {
        let flip = self.sort().key() == key && !self.desc();
        self.href_with(key, flip, 1)
    }

    /// `ascending`, `descending` or `none`, for `aria-sort`.
    pub(crate) fn aria_sort(&self, key: &str) -> &'static str {
        match (self.sort().key() == key, self.desc()) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        }
    }

    /// The link to another page of the same list.
    pub(crate) fn page_href(&self, page: u64) -> String {
        self.href_with(self.sort().key(), self.desc(), page)
    }
}

#[derive(Template)]
#[template(path = "assets/list.html")]
struct ListPage {
    tr: Tr,
    layout: Layout,
    items: Vec<AssetListItem>,
    total: u64,
    first: u64,
    last: u64,
    page: u64,
    pages: u64,
    params: ListParams,
    facilities: Vec<Facility>,
    categories: &'static [AssetCategory],
    per_options: [u32; 4],
    can_create: bool,
    can_import: bool,
    today: jiff::civil::Date,
}

/// `GET /assets`.
pub(crate) async fn list(
    v: Viewer,
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Result<Response, WebError> {
    let per = params.per();
    let page_no = params.page();
    let query = AssetQuery {
        visible: None,
        facility: opt_id(&params.facility)?.map(FacilityId::new),
        category: AssetCategory::from_code(&params.category),
        internet_facing: match params.inet.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
        text: Some(params.q.clone()).filter(|q| !q.trim().is_empty()),
        sort: params.sort(),
        descending: params.desc(),
        offset: (page_no - 1) * u64::from(per),
        limit: Some(per),
    };
    let (items, total) = state.app.list_assets(&v.p, query).await?;
    let facilities = state.app.facilities(&v.p).await?;
    let pages = total.div_ceil(u64::from(per)).max(1);
    let first = if total == 0 { 0 } else { (page_no - 1) * u64::from(per) + 1 };
    let last = first + items.len() as u64 - u64::from(!items.is_empty());
    let layout = Layout::new(&v, "assets.title", "assets").with_notice(v.tr, params.done.as_deref());
    let can_import = v.p.can_anywhere(Action::ImportInventory);
    let can_create = v.p.can_anywhere(Action::EditAsset);
    page(&ListPage {
        tr: v.tr,
        layout,
        items,
        total,
        first,
        last: if total == 0 { 0 } else { last },
        page: page_no,
        pages,
        params,
        facilities,
        categories: AssetCategory::ALL,
        per_options: PER_PAGE,
        can_create,
        can_import,
        today: today(),
    })
}

#[derive(Template)]
#[template(path = "assets/show.html")]
struct ShowPage {
    tr: Tr,
    layout: Layout,
    a: AssetView,
    history: Vec<AuditEntry>,
    findings: Vec<Row>,
    can_edit: bool,
    can_delete: bool,
    can_audit: bool,
    today: jiff::civil::Date,
}

/// `GET /assets/{id}`.
pub(crate) async fn show(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<Done>,
) -> Result<Response, WebError> {
    let a = state.app.asset(&v.p, AssetId::new(id)).await?;
    let f = a.asset.facility_id;
    let can_audit = v.p.can(mamoru_domain::Action::ViewAudit, Some(f));
    let history = if can_audit {
        let query =
            AuditQuery { entity: Some("asset".into()), entity_id: Some(id), limit: Some(20), ..Default::default() };
        state.app.audit_entries(&v.p, query).await?
    } else {
        Vec::new()
    };
    // Every status, so what was fixed, accepted or rejected stays visible beside what is open.
    let query = FindingQuery { asset: Some(a.asset.id), ..Default::default() };
    let findings = Row::all(v.tr, state.app.findings(&v.p, query).await?, today());
    let layout = Layout { title: a.asset.draft.name.clone(), ..Layout::new(&v, "assets.title", "assets") }
        .with_notice(v.tr, q.done.as_deref());
    page(&ShowPage {
        tr: v.tr,
        layout,
        history,
        findings,
        can_edit: v.p.can(Action::EditAsset, Some(f)),
        can_delete: v.p.can(Action::DeleteAsset, Some(f)),
        can_audit,
        today: today(),
        a,
    })
}

#[derive(Template)]
#[template(path = "assets/form.html")]
struct FormPage {
    tr: Tr,
    layout: Layout,
    action: String,
    cancel: String,
    facility: String,
    maintenance_vendor: String,
    remote_vendor: String,
    input: AssetInput,
    errors: FormErrors,
    facilities: Vec<Facility>,
    parties: Vec<Party>,
    categories: &'static [AssetCategory],
}

/// The asset form as posted.
#[derive(Debug, Deserialize, Default)]
pub(crate) struct AssetFormData {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    facility: String,
    #[serde(default)]
    maintenance_vendor: String,
    #[serde(default)]
    remote_vendor: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    vendor: String,
    #[serde(default)]
    product: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    cpe: String,
    #[serde(default)]
    ip: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    network_zone: String,
    #[serde(default)]
    internet_facing: String,
    #[serde(default)]
    remote_maintenance: String,
    #[serde(default)]
    no_active_scan: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    support_end: String,
    #[serde(default)]
    last_updated: String,
    #[serde(default)]
    notes: String,
}

impl AssetFormData {
    fn input(&self) -> AssetInput {
        AssetInput {
            name: self.name.clone(),
            category: self.category.clone(),
            vendor: self.vendor.clone(),
            product: self.product.clone(),
            version: self.version.clone(),
            cpe: self.cpe.clone(),
            ip: self.ip.clone(),
            location: self.location.clone(),
            network_zone: self.network_zone.clone(),
            internet_facing: self.internet_facing.clone(),
            remote_maintenance: self.remote_maintenance.clone(),
            no_active_scan: self.no_active_scan.clone(),
            owner: self.owner.clone(),
            support_end: self.support_end.clone(),
            last_updated: self.last_updated.clone(),
            notes: self.notes.clone(),
        }
    }

    fn form(&self) -> Result<AssetForm, WebError> {
        let facility = opt_id(&self.facility)?.ok_or_else(|| WebError::BadRequest("facility is required".into()))?;
        Ok(AssetForm {
            facility_id: FacilityId::new(facility),
            input: self.input(),
            maintenance_vendor: opt_id(&self.maintenance_vendor)?.map(PartyId::new),
            remote_vendor: opt_id(&self.remote_vendor)?.map(PartyId::new),
        })
    }
}

async fn form_page(
    v: &Viewer,
    state: &AppState,
    title: &str,
    action: String,
    data: &AssetFormData,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let editable = v.p.facilities_for(Action::EditAsset);
    let facilities = state.app.facilities(&v.p).await?.into_iter().filter(|f| editable.contains(f.id)).collect();
    let parties = state.app.parties(&v.p).await?;
    let cancel = if action == "/assets" { "/assets".to_owned() } else { action.clone() };
    page(&FormPage {
        tr: v.tr,
        layout: Layout::new(v, title, "assets"),
        action,
        cancel,
        facility: data.facility.clone(),
        maintenance_vendor: data.maintenance_vendor.clone(),
        remote_vendor: data.remote_vendor.clone(),
        input: data.input(),
        errors,
        facilities,
        parties,
        categories: AssetCategory::ALL,
    })
}

#[derive(Deserialize)]
pub(crate) struct NewQuery {
    facility: Option<String>,
}

/// `GET /assets/new`.
pub(crate) async fn new(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<NewQuery>,
) -> Result<Response, WebError> {
    if !v.p.can_anywhere(Action::EditAsset) {
        return Err(WebError::Forbidden);
    }
    let data = AssetFormData {
        facility: q.facility.unwrap_or_default(),
        internet_facing: "no".into(),
        remote_maintenance: "no".into(),
        ..Default::default()
    };
    form_page(&v, &state, "assets.new", "/assets".into(), &data, FormErrors::default()).await
}

/// `POST /assets`.
pub(crate) async fn create(
    v: Viewer,
    State(state): State<AppState>,
    Form(f): Form<AssetFormData>,
) -> Result<Response, WebError> {
    check_csrf(&v, &f.csrf)?;
    match state.app.create_asset(&v.p, &f.form()?).await {
        Ok(id) => Ok(Redirect::to(&format!("/assets/{id}?done=created")).into_response()),
        Err(AppError::Invalid(list)) => {
            form_page(&v, &state, "assets.new", "/assets".into(), &f, FormErrors::from_invalid(v.tr, &list)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /assets/{id}/edit`.
pub(crate) async fn edit(v: Viewer, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, WebError> {
    let a = state.app.asset(&v.p, AssetId::new(id)).await?;
    v.p.require(Action::EditAsset, Some(a.asset.facility_id))?;
    let i = a.asset.draft.to_input();
    let data = AssetFormData {
        facility: a.asset.facility_id.to_string(),
        maintenance_vendor: a.asset.maintenance_vendor.map(|p| p.to_string()).unwrap_or_default(),
        remote_vendor: a.asset.remote_vendor.map(|p| p.to_string()).unwrap_or_default(),
        name: i.name,
        category: i.category,
        vendor: i.vendor,
        product: i.product,
        version: i.version,
        cpe: i.cpe,
        ip: i.ip,
        location: i.location,
        network_zone: i.network_zone,
        internet_facing: i.internet_facing,
        remote_maintenance: i.remote_maintenance,
        no_active_scan: i.no_active_scan,
        owner: i.owner,
        support_end: i.support_end,
        last_updated: i.last_updated,
        notes: i.notes,
        ..Default::default()
    };
    form_page(&v, &state, "assets.edit", format!("/assets/{id}"), &data, FormErrors::default()).await
}

/// `POST /assets/{id}`.
pub(crate) async fn update(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(f): Form<AssetFormData>,
) -> Result<Response, WebError> {
    check_csrf(&v, &f.csrf)?;
    match state.app.update_asset(&v.p, AssetId::new(id), &f.form()?).await {
        Ok(()) => Ok(Redirect::to(&format!("/assets/{id}?done=saved")).into_response()),
        Err(AppError::Invalid(list)) => {
            form_page(&v, &state, "assets.edit", format!("/assets/{id}"), &f, FormErrors::from_invalid(v.tr, &list))
                .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /assets/{id}/delete`.
pub(crate) async fn delete(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, WebError> {
    check_csrf(&v, &f.csrf)?;
    state.app.delete_asset(&v.p, AssetId::new(id)).await?;
    Ok(Redirect::to("/assets?done=deleted").into_response())
}

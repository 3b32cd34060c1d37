//! The contact chain: who to call, in what order, and the printable 連絡体制図.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mamoru_app::Error as AppError;
use mamoru_domain::access::Action;
use mamoru_domain::contact::{ChainRole, ContactInput, chain_gaps};
use mamoru_domain::{ContactId, Facility, FacilityId, Party, PartyId, PartyKind};
use mamoru_store::{AssetQuery, ChainEntry};
use serde::Deserialize;

use crate::error::WebError;
use crate::i18n::{Tr, today};
use crate::state::AppState;
use crate::web::context::Viewer;
use crate::web::forms::{CsrfOnly, check_csrf, opt_id};
use crate::web::render::{FormErrors, Layout, page};

#[derive(Template)]
#[template(path = "contacts/list.html")]
struct ListPage {
    tr: Tr,
    layout: Layout,
    facilities: Vec<Facility>,
    selected: Option<Facility>,
    chain: Vec<ChainEntry>,
    parties: Vec<Party>,
    gaps: Vec<PartyKind>,
    can_edit: bool,
    can_edit_parties: bool,
}

impl ListPage {
    /// The facility a contact belongs to, or "all facilities".
    fn scope_name(&self, facility: &Option<FacilityId>) -> String {
        match facility {
            None => self.tr.t("contacts.all_facilities").to_owned(),
            Some(id) => self.facilities.iter().find(|f| f.id == *id).map(|f| f.draft.name.clone()).unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "contacts/chart.html")]
struct ChartPage {
    tr: Tr,
    layout: Layout,
    facility: Facility,
    internal: Vec<ChainEntry>,
    vendors: Vec<(ChainEntry, Vec<String>)>,
    authorities: Vec<ChainEntry>,
    advisors: Vec<ChainEntry>,
    gaps: Vec<PartyKind>,
    printed: String,
}

#[derive(Deserialize)]
pub(crate) struct FacilityQuery {
    facility: Option<String>,
    done: Option<String>,
}

/// `GET /contacts?facility=ID`: the chain of one facility, or of all.
pub(crate) async fn list(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<FacilityQuery>,
) -> Result<Response, WebError> {
    let facilities = state.app.facilities(&v.p).await?;
    let selected_id = opt_id(q.facility.as_deref().unwrap_or(""))?.map(FacilityId::new);
    let selected = match selected_id {
        Some(id) => Some(state.app.facility(&v.p, id).await?),
        None => None,
    };
    let chain = state.app.contact_chain(&v.p, selected_id).await?;
    let gaps = if selected.is_some() {
        chain_gaps(chain.iter().map(|e| e.party.as_ref().map(|p| p.draft.kind)))
    } else {
        Vec::new()
    };
    let parties = state.app.parties(&v.p).await?;
    let layout = Layout::new(&v, "contacts.title", "contacts").with_notice(v.tr, q.done.as_deref());
    page(&ListPage {
        tr: v.tr,
        layout,
        can_edit: v.p.can(Action::EditContacts, selected_id),
        can_edit_parties: v.p.can(Action::EditContacts, None),
        facilities,
        selected,
        chain,
        parties,
        gaps,
    })
}

/// `GET /contacts/chart?facility=ID`: the one-page chart to print and pin on the wall.
pub(crate) async fn chart(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<FacilityQuery>,
) -> Result<Response, WebError> {
    let id = opt_id(q.facility.as_deref().unwrap_or(""))?.map(FacilityId::new);
    let facility = match id {
        Some(id) => state.app.facility(&v.p, id).await?,
        None => state.app.facilities(&v.p).await?.into_iter().next().ok_or(WebError::NotFound)?,
    };
    let chain = state.app.contact_chain(&v.p, Some(facility.id)).await?;
    let gaps = chain_gaps(chain.iter().map(|e| e.party.as_ref().map(|p| p.draft.kind)));
    // Which systems each vendor maintains here, so the caller knows whom to call for what.
    let query = AssetQuery { facility: Some(facility.id), limit: Some(1_000), ..Default::default() };
    let (assets, _) = state.app.list_assets(&v.p, query).await?;
    let mut maintained: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for a in &assets {
        if let Some(name) = &a.maintenance_vendor_name {
            maintained.entry(name.clone()).or_default().push(a.asset.draft.name.clone());
        }
    }
    let (mut internal, mut vendors, mut authorities, mut advisors) = (vec![], vec![], vec![], vec![]);
    for e in chain {
        match e.party.as_ref().map(|p| p.draft.kind) {
            None | Some(PartyKind::Internal) => internal.push(e),
            Some(PartyKind::Vendor) => {
                let systems = e.party.as_ref().and_then(|p| maintained.get(&p.draft.name)).cloned().unwrap_or_default();
                vendors.push((e, systems));
            }
            Some(PartyKind::Mhlw | PartyKind::Prefecture | PartyKind::Police | PartyKind::Ppc) => authorities.push(e),
            Some(_) => advisors.push(e),
        }
    }
    let title = format!("{} — {}", v.tr.t("chart.title"), facility.draft.name);
    page(&ChartPage {
        tr: v.tr,
        layout: Layout { title, ..Layout::new(&v, "chart.title", "contacts") },
        facility,
        internal,
        vendors,
        authorities,
        advisors,
        gaps,
        printed: today().to_string(),
    })
}

#[derive(Template)]
#[template(path = "contacts/form.html")]
struct ContactFormPage {
    tr: Tr,
    layout: Layout,
    action: String,
    data: ContactFormData,
    errors: FormErrors,
    facilities: Vec<Facility>,
    parties: Vec<Party>,
    roles: &'static [ChainRole],
}

/// The contact form as posted.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct ContactFormData {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    party: String,
    #[serde(default)]
    facility: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    order: String,
    #[serde(default)]
    notes: String,
}

impl ContactFormData {
    fn input(&self) -> ContactInput {
        ContactInput {
            name: self.name.clone(),
            title: self.title.clone(),
            role: self.role.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            hours: self.hours.clone(),
            order: self.order.clone(),
            notes: self.notes.clone(),
        }
    }

    fn refs(&self) -> Result<(Option<PartyId>, Option<FacilityId>), WebError> {
        Ok((opt_id(&self.party)?.map(PartyId::new), opt_id(&self.facility)?.map(FacilityId::new)))
    }
}

async fn contact_form(
    v: &Viewer,
    state: &AppState,
    title: &str,
    action: String,
    data: ContactFormData,
    errors: FormErrors,
) -> Result<Response, WebError> {
    page(&ContactFormPage {
        tr: v.tr,
        layout: Layout::new(v, title, "contacts"),
        action,
        data,
        errors,
        facilities: state.app.facilities(&v.p).await?,
        parties: state.app.parties(&v.p).await?,
        roles: ChainRole::ALL,
    })
}

#[derive(Deserialize)]
pub(crate) struct NewContactQuery {
    facility: Option<String>,
    party: Option<String>,
}

/// `GET /contacts/new`.
pub(crate) async fn new(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<NewContactQuery>,
) -> Result<Response, WebError> {
    let data = ContactFormData {
        facility: q.facility.unwrap_or_default(),
        party: q.party.unwrap_or_default(),
        order: "1".into(),
        ..Default::default()
    };
    contact_form(&v, &state, "contacts.new", "/contacts".into(), data, FormErrors::default()).await
}

/// `POST /contacts`.
pub(crate) async fn create(
    v: Viewer,
    State(state): State<AppState>,
    Form(f): Form<ContactFormData>,
) -> Result<Response, WebError> {
    check_csrf(&v, &f.csrf)?;
    let (party, facility) = f.refs()?;
    match state.app.create_contact(&v.p, party, facility, &f.input()).await {
        Ok(_) => Ok(Redirect::to(&back_to(facility, "created")).into_response()),
        Err(AppError::Invalid(list)) => {
            let errors = FormErrors::from_invalid(v.tr, &list);
            contact_form(&v, &state, "contacts.new", "/contacts".into(), f, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /contacts/{id}/edit`.
pub(crate) async fn edit(v: Viewer, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, WebError> {
    let c = state.app.contact(&v.p, ContactId::new(id)).await?;
    let i = c.draft.to_input();
    let data = ContactFormData {
        csrf: String::new(),
        party: c.party_id.map(|p| p.to_string()).unwrap_or_default(),
        facility: c.facility_id.map(|f| f.to_string()).unwrap_or_default(),
        name: i.name,
        title: i.title,
        role: i.role,
        phone: i.phone,
        email: i.email,
        hours: i.hours,
        order: i.order,
        notes: i.notes,
    };
    contact_form(&v, &state, "contacts.edit", format!("/contacts/{id}"), data, FormErrors::default()).await
}

/// `POST /contacts/{id}`.
pub(crate) async fn update(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(f): Form<ContactFormData>,
) -> Result<Response, WebError> {
    check_csrf(&v, &f.csrf)?;
    let (party, facility) = f.refs()?;
    match state.app.update_contact(&v.p, ContactId::new(id), party, facility, &f.input()).await {
        Ok(()) => Ok(Redirect::to(&back_to(facility, "saved")).into_response()),
        Err(AppError::Invalid(list)) => {
            let errors = FormErrors::from_invalid(v.tr, &list);
            contact_form(&v, &state, "contacts.edit", format!("/contacts/{id}"), f, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /contacts/{id}/delete`.
pub(crate) async fn delete(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, WebError> {
    check_csrf(&v, &f.csrf)?;
    let c = state.app.contact(&v.p, ContactId::new(id)).await?;
    state.app.delete_contact(&v.p, c.id).await?;
    Ok(Redirect::to(&back_to(c.facility_id, "deleted")).into_response())
}

fn back_to(facility: Option<FacilityId>, done: &str) -> String {
    match facility {
        Some(f) => format!("/contacts?facility={f}&done={done}"),
        None => format!("/contacts?done={done}"),
    }
}

#[derive(Template)]
#[template(path = "contacts/party_form.html")]
struct PartyFormPage {
    tr: Tr,
    layout: Layout,
    action: String,
    data: PartyFormData,
    errors: FormErrors,
    kinds: &'static [PartyKind],
    can_delete: bool,
}

/// The party form as posted.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct PartyFormData {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    notes: String,
}

fn party_form(
    v: &Viewer,
    title: &str,
    action: String,
    data: PartyFormData,
    errors: FormErrors,
    can_delete: bool,
) -> Result<Response, WebError> {
    page(&PartyFormPage {
        tr: v.tr,
        layout: Layout::new(v, title, "contacts"),
        action,
        data,
        errors,
        kinds: PartyKind::ALL,
        can_delete,
    })
}

/// `GET /parties/new`.
pub(crate) async fn new_party(v: Viewer) -> Result<Response, WebError> {
    v.p.require(Action::EditContacts, None)?;
    let data = PartyFormData { kind: PartyKind::Vendor.code().into(), ..Default::default() };
    party_form(&v, "contacts.new_party", "/parties".into(), data, FormErrors::default(), false)
}

/// `POST /parties`.
pub(crate) async fn create_party(
    v: Viewer,
    State(state): State<AppState>,
    Form(f): Form<PartyFormData>,
) -> Result<Response, WebError> {
    check_csrf(&v, &f.csrf)?;
    match state.app.create_party(&v.p, &f.name, &f.kind, &f.notes).await {
        Ok(_) => Ok(Redirect::to("/contacts?done=created").into_response()),
        Err(AppError::Invalid(list)) => {
            let errors = FormErrors::from_invalid(v.tr, &list);
            party_form(&v, "contacts.new_party", "/parties".into(), f, errors, false)
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /parties/{id}/edit`.
pub(crate) async fn edit_party(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    v.p.require(Action::EditContacts, None)?;
    let p = state.app.party(&v.p, PartyId::new(id)).await?;
    let data = PartyFormData {
        csrf: String::new(),
        name: p.draft.name,
        kind: p.draft.kind.code().into(),
        notes: p.draft.notes.unwrap_or_default(),
    };
    party_form(&v, "contacts.edit_party", format!("/parties/{id}"), data, FormErrors::default(), true)
}

/// `POST /parties/{id}`.
pub(crate) async fn update_party(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(f): Form<PartyFormData>,
) -> Result<Response, WebError> {
    check_csrf(&v, &f.csrf)?;
    match state.app.update_party(&v.p, PartyId::new(id), &f.name, &f.kind, &f.notes).await {
        Ok(()) => Ok(Redirect::to("/contacts?done=saved").into_response()),
        Err(AppError::Invalid(list)) => {
            let errors = FormErrors::from_invalid(v.tr, &list);
            party_form(&v, "contacts.edit_party", format!("/parties/{id}"), f, errors, true)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /parties/{id}/delete`.
pub(crate) async fn delete_party(
    v: Viewer,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, WebError> {
    check_csrf(&v, &f.csrf)?;
    state.app.delete_party(&v.p, PartyId::new(id)).await?;
    Ok(Redirect::to("/contacts?done=deleted").into_response())
}

//! `/vulns/policy`: how findings are ranked and how long each priority has, what feed data is
//! loaded, and (for administrators) the form to change the periods and thresholds.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mamoru_app::Error as AppError;
use mamoru_domain::access::Action;
use mamoru_domain::vuln::DUE_FIELDS;
use mamoru_domain::{Invalid, Policy, Problem};
use mamoru_store::FeedStatus;
use serde::Deserialize;

use super::source_label;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::context::Viewer;
use crate::web::forms::{Done, check_csrf};
use crate::web::render::{FormErrors, Layout, page};

/// What each priority means, in order.
const LADDER: [&str; 5] = ["vulns.ladder_1", "vulns.ladder_2", "vulns.ladder_3", "vulns.ladder_4", "vulns.ladder_5"];

/// The policy form as posted (and as shown).
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct PolicyForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    p1_days: String,
    #[serde(default)]
    p2_days: String,
    #[serde(default)]
    p3_days: String,
    #[serde(default)]
    p4_days: String,
    #[serde(default)]
    p5_days: String,
    #[serde(default)]
    pub(crate) epss_likely: String,
    #[serde(default)]
    pub(crate) cvss_severe: String,
}

impl PolicyForm {
    fn of(p: &Policy) -> Self {
        let [p1, p2, p3, p4, p5] = p.due_days.map(|d| d.to_string());
        PolicyForm {
            csrf: String::new(),
            p1_days: p1,
            p2_days: p2,
            p3_days: p3,
            p4_days: p4,
            p5_days: p5,
            epss_likely: p.epss_likely.to_string(),
            cvss_severe: p.cvss_severe.to_string(),
        }
    }

    /// The due periods as typed, in priority order, with their field names.
    pub(crate) fn days(&self) -> [(&'static str, &str); 5] {
        let typed = [&self.p1_days, &self.p2_days, &self.p3_days, &self.p4_days, &self.p5_days];
        std::array::from_fn(|i| (DUE_FIELDS[i], typed[i].as_str()))
    }

    /// The numbers as typed (full-width digits too); the app checks the ranges.
    fn policy(&self) -> Result<Policy, Vec<Invalid>> {
        let mut problems = Vec::new();
        let mut due_days = [0u16; 5];
        for (slot, (field, typed)) in due_days.iter_mut().zip(self.days()) {
            let text = mamoru_domain::values::narrow(typed.trim());
            match text.parse::<u16>() {
                Ok(d) => *slot = d,
                Err(_) if text.is_empty() => problems.push(Invalid::new(field, Problem::Required)),
                Err(_) => problems.push(Invalid::new(field, Problem::NotANumber(text))),
            }
        }
        let mut number = |field: &'static str, typed: &str| {
            let text = mamoru_domain::values::narrow(typed.trim());
            text.parse::<f32>().ok().filter(|v| v.is_finite()).unwrap_or_else(|| {
                problems.push(Invalid::new(
                    field,
                    if text.is_empty() { Problem::Required } else { Problem::NotANumber(text) },
                ));
                0.0
            })
        };
        let epss_likely = number("epss_likely", &self.epss_likely);
        let cvss_severe = number("cvss_severe", &self.cvss_severe);
        if problems.is_empty() { Ok(Policy { due_days, epss_likely, cvss_severe }) } else { Err(problems) }
    }
}

/// The feed data loaded, worded for the page.
struct Feeds {
    advisories: Vec<(&'static str, i64)>,
    kev: i64,
    epss: i64,
    epss_date: String,
    last_import: String,
}

impl Feeds {
    fn of(tr: Tr, s: FeedStatus) -> Self {
        Feeds {
            advisories: s.advisories.iter().map(|(name, n)| (source_label(name), *n)).collect(),
            kev: s.kev,
            epss: s.epss,
            epss_date: s.epss_date.unwrap_or_else(|| "—".into()),
            // Stored as RFC 3339 UTC; shown in Asia/Tokyo like every other time.
            last_import: s
                .last_import
                .map_or_else(|| "—".into(), |t| t.parse::<jiff::Timestamp>().map_or(t, |ts| tr.time(&ts))),
        }
    }
}

#[derive(Template)]
#[template(path = "vulns/policy.html")]
struct PolicyPage {
    tr: Tr,
    layout: Layout,
    policy: Policy,
    ladder: Vec<(usize, &'static str, u16)>,
    epss_percent: String,
    feeds: Feeds,
    can_edit: bool,
    form: PolicyForm,
    errors: FormErrors,
}

async fn render(
    v: &Viewer,
    state: &AppState,
    form: Option<PolicyForm>,
    errors: FormErrors,
    done: Option<&str>,
) -> Result<Response, WebError> {
    let policy = state.app.vuln_policy(&v.p).await?;
    let feeds = Feeds::of(v.tr, state.app.feed_status().await?);
    let ladder = LADDER.iter().zip(policy.due_days).enumerate().map(|(i, (k, d))| (i + 1, *k, d)).collect();
    page(&PolicyPage {
        tr: v.tr,
        layout: Layout::new(v, "vulns.policy_title", "vulns").with_notice(v.tr, done),
        ladder,
        epss_percent: format!("{}%", (f64::from(policy.epss_likely) * 1000.0).round() / 10.0),
        feeds,
        can_edit: v.p.can(Action::ManageOrganization, None),
        form: form.unwrap_or_else(|| PolicyForm::of(&policy)),
        errors,
        policy,
    })
}

/// `GET /vulns/policy`.
pub(crate) async fn show(
    v: Viewer,
    State(state): State<AppState>,
    Query(q): Query<Done>,
) -> Result<Response, WebError> {
    render(&v, &state, None, FormErrors::default(), q.done.as_deref()).await
}

/// `POST /vulns/policy`.
pub(crate) async fn save(
    v: Viewer,
    State(state): State<AppState>,
    Form(form): Form<PolicyForm>,
) -> Result<Response, WebError> {
    check_csrf(&v, &form.csrf)?;
    let result = match form.policy() {
        Ok(policy) => state.app.set_vuln_policy(&v.p, policy).await,
        // Someone who may not change the policy hears that, not what is wrong with the numbers.
        Err(_) if !v.p.can(Action::ManageOrganization, None) => Err(AppError::Forbidden),
        Err(list) => Err(AppError::Invalid(list)),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/vulns/policy?done=saved").into_response()),
        Err(AppError::Invalid(list)) => {
            let errors = FormErrors::from_invalid(v.tr, &list);
            render(&v, &state, Some(form), errors, None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_reads_full_width_digits_and_names_bad_fields() {
        let mut f = PolicyForm::of(&Policy::default());
        f.p1_days = "７".into();
        assert_eq!(f.policy().unwrap().due_days[0], 7);
        f.p2_days = "two weeks".into();
        f.cvss_severe = String::new();
        let fields: Vec<_> = f.policy().unwrap_err().iter().map(|i| i.field).collect();
        assert_eq!(fields, ["p2_days", "cvss_severe"]);
    }
}

//! Training records: the facility's security manager, training sessions with their material
//! and quiz, and who attended with their score. Every change is audited.

use jiff::Timestamp;
use jiff::civil::Date;
use mamoru_domain::readiness::training::{Attendance, Material, MaterialFile, Question, Session};
use mamoru_domain::{FacilityId, OrgId, UserId};
use serde_json::json;

use crate::Store;
use crate::audit::{Actor, Change, append};
use crate::db::{Arg, Exec, Row, args, in_list};
use crate::error::{Error, Result};
use crate::time::{now, parse_ts};

/// Who the security manager is: a Mamoru user, or a person named without an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManagerPerson {
    /// A user of the organisation.
    User(UserId),
    /// A named person (an executive without an account).
    Named(String),
}

/// A facility's security manager as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityManager {
    /// The facility.
    pub facility: FacilityId,
    /// Who.
    pub person: ManagerPerson,
    /// The name to show: the user's display name, or the named person.
    pub name: String,
    /// 専任 (dedicated) rather than 兼任.
    pub dedicated: bool,
    /// The day of appointment.
    pub appointed_on: Option<Date>,
    /// Who recorded it.
    pub recorded_by: String,
    /// When.
    pub recorded_at: Timestamp,
}

/// A stored training session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingSession {
    /// Its row id.
    pub id: i64,
    /// The facility.
    pub facility: FacilityId,
    /// The day it was held.
    pub held_on: Date,
    /// Its title.
    pub title: String,
    /// A link to the material.
    pub material_url: Option<String>,
    /// The attached material's file name and media type (the bytes: [`Store::training_material`]).
    pub material_file: Option<(String, String)>,
    /// The quiz.
    pub quiz: Vec<Question>,
    /// Who attended, with their score.
    pub attendees: Vec<Attendance>,
    /// Who recorded it.
    pub recorded_by: String,
    /// When.
    pub recorded_at: Timestamp,
}

impl Store {
    /// Records (or replaces) the facility's security manager, with its audit entry. A user
    /// must belong to the organisation.
    pub async fn set_security_manager(
        &self,
        org: OrgId,
        facility: FacilityId,
        person: &ManagerPerson,
        dedicated: bool,
        appointed_on: Option<Date>,
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = self.pool.write().await?;
        crate::facilities::ensure_in_org(&mut tx, org, facility).await?;
        let (user, name) = match person {
            ManagerPerson::User(u) => {
                ensure_users(&mut tx, org, &[u.get()]).await?;
                (Some(u.get()), None)
            }
            ManagerPerson::Named(n) => (None, Some(n.clone())),
        };
        let before = manager(&mut tx, org, facility).await?;
        tx.execute(
            "DELETE FROM security_managers WHERE org_id = $1 AND facility_id = $2".into(),
            args![org.get(), facility.get()],
        )
        .await?;
        let row = tx
            .fetch_one(
                "INSERT INTO security_managers (org_id, facility_id, user_id, name, dedicated, appointed_on, \
                 recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"
                    .into(),
                args![
                    org.get(),
                    facility.get(),
                    user,
                    name,
                    dedicated,
                    appointed_on.map(|d| d.to_string()),
                    actor.name.as_str(),
                    now()
                ],
            )
            .await?;
        let after = manager(&mut tx, org, facility).await?;
        let change = Change {
            action: "training.manager",
            entity: "security_manager",
            entity_id: Some(row.int("id")?),
            facility_id: Some(facility),
            summary: format!("安全管理責任者: {}", after.as_ref().map_or("", |m| m.name.as_str())),
            before: before.as_ref().map(manager_json),
            after: after.as_ref().map(manager_json),
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }

    /// The facility's security manager, if recorded.
    pub async fn security_manager(&self, org: OrgId, facility: FacilityId) -> Result<Option<SecurityManager>> {
        manager(&mut self.pool.conn().await?, org, facility).await
    }

    /// Records a training session with its attendees, with its audit entry. Every attendee
    /// must be a user of the organisation.
    pub async fn record_training(
        &self,
        org: OrgId,
        facility: FacilityId,
        session: &Session,
        actor: &Actor,
    ) -> Result<i64> {
        let mut tx = self.pool.write().await?;
        crate::facilities::ensure_in_org(&mut tx, org, facility).await?;
        let people: Vec<i64> = session.attendees.iter().map(|a| a.person).collect();
        ensure_users(&mut tx, org, &people).await?;
        let (url, file) = match &session.material {
            Some(Material::Link(u)) => (Some(u.clone()), None),
            Some(Material::File(f)) => (None, Some(f)),
            None => (None, None),
        };
        let quiz = quiz_json(&session.quiz);
        let row = tx
            .fetch_one(
                "INSERT INTO training_sessions (org_id, facility_id, held_on, title, material_url, material_name, \
                 material_type, material, quiz, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id"
                    .into(),
                vec![
                    org.get().into(),
                    facility.get().into(),
                    session.held_on.to_string().into(),
                    session.title.as_str().into(),
                    url.into(),
                    file.map(|f| f.name.clone()).into(),
                    file.map(|f| f.media_type.clone()).into(),
                    Arg::Bytes(file.map(|f| f.bytes.clone())),
                    quiz.into(),
                    actor.name.as_str().into(),
                    now().into(),
                ],
            )
            .await?;
        let id = row.int("id")?;
        for a in &session.attendees {
            tx.execute(
                "INSERT INTO training_attendance (session_id, user_id, score) VALUES ($1, $2, $3)".into(),
                args![id, a.person, a.score.map(i64::from)],
            )
            .await?;
        }
        let change = Change {
            action: "training.record",
            entity: "training_session",
            entity_id: Some(id),
            facility_id: Some(facility),
            summary: format!("{} {}（{}名）", session.held_on, session.title, session.attendees.len()),
            before: None,
            after: Some(json!({
                "held_on": session.held_on.to_string(),
                "title": session.title,
                "attendees": session.attendees.iter().map(|a| json!({"user_id": a.person, "score": a.score})).collect::<Vec<_>>(),
                "questions": session.quiz.len(),
            })),
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The facility's training sessions, newest first, with their attendees.
    pub async fn training_sessions(&self, org: OrgId, facility: FacilityId) -> Result<Vec<TrainingSession>> {
        let mut conn = self.pool.conn().await?;
        let rows = conn
            .fetch_all(
                "SELECT id, facility_id, held_on, title, material_url, material_name, material_type, quiz, \
                 recorded_by, recorded_at FROM training_sessions WHERE org_id = $1 AND facility_id = $2 \
                 ORDER BY held_on DESC, id DESC"
                    .into(),
                args![org.get(), facility.get()],
            )
            .await?;
        let mut sessions = rows.iter().map(session_from_row).collect::<Result<Vec<_>>>()?;
        if sessions.is_empty() {
            return Ok(sessions);
        }
        let mut params = Vec::new();
        let ids = in_list(&mut params, sessions.iter().map(|s| s.id));
        let sql = format!(
            "SELECT session_id, user_id, score FROM training_attendance WHERE session_id IN ({ids}) \
             ORDER BY session_id, user_id"
        );
        for r in conn.fetch_all(sql.into(), params).await? {
            let sid = r.int("session_id")?;
            let score = r.opt_int("score")?.map(|n| u32::try_from(n).unwrap_or(0));
            if let Some(s) = sessions.iter_mut().find(|s| s.id == sid) {
                s.attendees.push(Attendance { person: r.int("user_id")?, score });
            }
        }
        Ok(sessions)
    }

    /// The material file attached to a session of the organisation.
    pub async fn training_material(&self, org: OrgId, session: i64) -> Result<MaterialFile> {
        let row = self
            .pool
            .conn()
            .await?
            .fetch_optional(
                "SELECT material_name, material_type, material FROM training_sessions \
                 WHERE org_id = $1 AND id = $2 AND material IS NOT NULL"
                    .into(),
                args![org.get(), session],
            )
            .await?
            .ok_or(Error::NotFound { what: "training material" })?;
        Ok(MaterialFile {
            name: row.text("material_name")?,
            media_type: row.opt_text("material_type")?.unwrap_or_else(|| "application/octet-stream".into()),
            bytes: row.bytes("material")?,
        })
    }
}

/// Fails with `NotFound` naming the attendee unless every id is a user of `org`.
async fn ensure_users(ex: &mut impl Exec, org: OrgId, ids: &[i64]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut params = args![org.get()];
    let list = in_list(&mut params, ids.iter().copied());
    let sql = format!("SELECT id FROM users WHERE org_id = $1 AND id IN ({list})");
    let found: Vec<i64> = ex.fetch_all(sql.into(), params).await?.iter().map(|r| r.int("id")).collect::<Result<_>>()?;
    match ids.iter().find(|id| !found.contains(id)) {
        Some(_) => Err(Error::NotFound { what: "attendee (a user of the organisation)" }),
        None => Ok(()),
    }
}

async fn manager(ex: &mut impl Exec, org: OrgId, facility: FacilityId) -> Result<Option<SecurityManager>> {
    let row = ex
        .fetch_optional(
            "SELECT m.facility_id, m.user_id, m.name, u.display_name, u.email, m.dedicated, m.appointed_on, \
             m.recorded_by, m.recorded_at FROM security_managers m LEFT JOIN users u ON u.id = m.user_id \
             WHERE m.org_id = $1 AND m.facility_id = $2"
                .into(),
            args![org.get(), facility.get()],
        )
        .await?;
    let Some(r) = row else { return Ok(None) };
    let (person, name) = match (r.opt_int("user_id")?, r.opt_text("name")?) {
        (Some(u), _) => {
            let shown = r.opt_text("display_name")?.filter(|n| !n.is_empty());
            (ManagerPerson::User(UserId::new(u)), shown.map_or_else(|| r.text("email"), Ok)?)
        }
        (None, Some(n)) => (ManagerPerson::Named(n.clone()), n),
        (None, None) => return Err(Error::Corrupt("security manager without a person".into())),
    };
    Ok(Some(SecurityManager {
        facility: FacilityId::new(r.int("facility_id")?),
        person,
        name,
        dedicated: r.bool("dedicated")?,
        appointed_on: date(&r, "appointed_on")?,
        recorded_by: r.text("recorded_by")?,
        recorded_at: parse_ts(&r.text("recorded_at")?)?,
    }))
}

fn manager_json(m: &SecurityManager) -> serde_json::Value {
    let user = match m.person {
        ManagerPerson::User(u) => Some(u.get()),
        ManagerPerson::Named(_) => None,
    };
    json!({"user_id": user, "name": m.name, "dedicated": m.dedicated, "appointed_on": m.appointed_on.map(|d| d.to_string())})
}

/// The quiz as the column keeps it: `[{"text", "choices", "correct"}]` (the domain has no
/// serde: the store decides the shape).
fn quiz_json(quiz: &[Question]) -> String {
    let items: Vec<serde_json::Value> =
        quiz.iter().map(|q| json!({"text": q.text, "choices": q.choices, "correct": q.correct})).collect();
    serde_json::Value::from(items).to_string()
}

fn quiz_from_json(text: &str) -> Result<Vec<Question>> {
    let bad = || Error::Corrupt(format!("training quiz: {text:?}"));
    let items: Vec<serde_json::Value> = serde_json::from_str(text).map_err(|_| bad())?;
    items
        .iter()
        .map(|q| {
            let choices = q["choices"].as_array().ok_or_else(bad)?;
            Ok(Question {
                text: q["text"].as_str().ok_or_else(bad)?.to_owned(),
                choices: choices
                    .iter()
                    .map(|c| c.as_str().map(str::to_owned).ok_or_else(bad))
                    .collect::<Result<_>>()?,
                correct: usize::try_from(q["correct"].as_u64().ok_or_else(bad)?).map_err(|_| bad())?,
            })
        })
        .collect()
}

fn date(r: &Row, name: &str) -> Result<Option<Date>> {
    r.opt_text(name)?
        .map(|s| s.parse().map_err(|_| Error::Corrupt(format!("column {name}: {s:?} is not a date"))))
        .transpose()
}

fn session_from_row(r: &Row) -> Result<TrainingSession> {
    let quiz = quiz_from_json(&r.text("quiz")?)?;
    let file = match r.opt_text("material_name")? {
        Some(n) => Some((n, r.opt_text("material_type")?.unwrap_or_default())),
        None => None,
    };
    Ok(TrainingSession {
        id: r.int("id")?,
        facility: FacilityId::new(r.int("facility_id")?),
        held_on: date(r, "held_on")?.ok_or_else(|| Error::Corrupt("held_on is NULL".into()))?,
        title: r.text("title")?,
        material_url: r.opt_text("material_url")?,
        material_file: file,
        quiz,
        attendees: Vec::new(),
        recorded_by: r.text("recorded_by")?,
        recorded_at: parse_ts(&r.text("recorded_at")?)?,
    })
}

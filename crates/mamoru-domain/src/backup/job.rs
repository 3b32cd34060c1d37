//! The form that defines a backup job, and the rules it must meet.

use super::{OfflineKind, RestorePolicy, Retention, Schedule, SystemKind};
use crate::ids::{AssetId, FacilityId};
use crate::invalid::{Checker, Invalid, Problem};
use crate::values::{parse_count, parse_flag, required_text};

/// Days a passed restore test counts as fresh unless the job says otherwise: a monthly drill.
pub const RESTORE_MAX_AGE_DEFAULT: u32 = 30;

const NAME_MAX: usize = 200;
const PATH_MAX: usize = 1_000;
const SOURCES_MAX: usize = 100;

/// A job as typed (a web form, CLI flags).
#[derive(Debug, Clone, Default)]
pub struct JobInput {
    /// The facility whose system it is.
    pub facility: Option<FacilityId>,
    /// The system's name, e.g. `電子カルテ（本院）`.
    pub name: String,
    /// A [`SystemKind`] code or label.
    pub kind: String,
    /// Whether the system is needed to keep treating patients (`はい`/`いいえ`; empty = no).
    pub needed_for_care: String,
    /// The asset of the register this system is, if linked.
    pub asset: Option<AssetId>,
    /// What is backed up: absolute paths, one per line.
    pub sources: String,
    /// The repository: an absolute path (a NAS share, a disk) or an `s3:` location.
    pub repository: String,
    /// The file holding the repository password (the password itself is never stored).
    pub password_file: String,
    /// The offline copy's repository, if any.
    pub offline_repository: String,
    /// An [`OfflineKind`] code or label; required with an offline repository.
    pub offline_kind: String,
    /// A [`Schedule`] (`毎日 02:00`, `weekly sun 03:00`, `手動`).
    pub schedule: String,
    /// A [`Retention`] short form; empty keeps every generation.
    pub retention: String,
    /// Days before a restore test is overdue; empty for the default (30).
    pub restore_max_age_days: String,
    /// Whether the scheduler runs it (empty = yes).
    pub enabled: String,
}

/// A valid job definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobSpec {
    /// Facility.
    pub facility: FacilityId,
    /// System name.
    pub name: String,
    /// Kind of system.
    pub kind: SystemKind,
    /// Needed to keep treating patients.
    pub needed_for_care: bool,
    /// Linked asset of the register.
    pub asset: Option<AssetId>,
    /// Source paths.
    pub sources: Vec<String>,
    /// Repository location.
    pub repository: String,
    /// Password file path.
    pub password_file: String,
    /// Offline copy: repository location and what makes it offline.
    pub offline: Option<(String, OfflineKind)>,
    /// When it runs.
    pub schedule: Schedule,
    /// Generations kept.
    pub retention: Retention,
    /// Restore-test policy.
    pub restore: RestorePolicy,
    /// Whether the scheduler runs it.
    pub enabled: bool,
}

impl JobInput {
    /// Checks the form; every problem is returned at once.
    pub fn parse(&self) -> Result<JobSpec, Vec<Invalid>> {
        let mut c = Checker::default();
        let facility = c.check("facility", self.facility.ok_or(Problem::Required));
        let name = c.check("name", required_text(&self.name, NAME_MAX));
        let kind = c.check("kind", SystemKind::parse(&self.kind));
        let needed_for_care = c.check("needed_for_care", parse_flag(&self.needed_for_care).map(|f| f.unwrap_or(false)));
        let sources = c.check("sources", sources(&self.sources));
        let repository = c.check("repository", location(&self.repository));
        let password_file = c.check("password_file", absolute(&self.password_file));
        let offline_repository = c.check(
            "offline_repository",
            match self.offline_repository.trim() {
                "" => Ok(None),
                s => location(s).map(Some),
            },
        );
        let offline_kind = c.check_opt(
            "offline_kind",
            match self.offline_kind.trim() {
                "" => Ok(None),
                k => OfflineKind::parse(k).map(Some),
            },
        );
        let schedule = c.check("schedule", Schedule::parse(&self.schedule));
        let retention = c.check("retention", Retention::parse(&self.retention));
        let max_age = c.check(
            "restore_max_age_days",
            parse_count(&self.restore_max_age_days, 1, 366)
                .map(|d| d.map_or(RESTORE_MAX_AGE_DEFAULT, |d| u32::try_from(d).unwrap_or(RESTORE_MAX_AGE_DEFAULT))),
        );
        let enabled = c.check("enabled", parse_flag(&self.enabled).map(|f| f.unwrap_or(true)));
        let offline = match (offline_repository.clone().flatten(), offline_kind) {
            (Some(repo), Some(kind)) => Some((repo, kind)),
            (Some(_), None) if !c.has("offline_kind") => {
                // The kind is the evidence the checklist asks for; a copy without it proves little.
                c.push(Invalid::new("offline_kind", Problem::Required));
                None
            }
            (None, Some(_)) => {
                c.push(Invalid::new("offline_repository", Problem::Required));
                None
            }
            _ => None,
        };
        if let (Some(Some(off)), Some(main)) = (&offline_repository, &repository)
            && same_location(off, main)
        {
            c.push(Invalid::new("offline_repository", Problem::Duplicate("repository".into())));
        }
        c.finish(|| {
            Some(JobSpec {
                facility: facility?,
                name: name?,
                kind: kind?,
                needed_for_care: needed_for_care?,
                asset: self.asset,
                sources: sources?,
                repository: repository?,
                password_file: password_file?,
                offline,
                schedule: schedule?,
                retention: retention?,
                restore: RestorePolicy { max_age_days: max_age? },
                enabled: enabled?,
            })
        })
    }
}

impl JobSpec {
    /// The form that would produce this job again (for an edit page).
    pub fn to_input(&self) -> JobInput {
        let flag = |b: bool| if b { "はい" } else { "いいえ" }.to_owned();
        JobInput {
            facility: Some(self.facility),
            name: self.name.clone(),
            kind: self.kind.code().into(),
            needed_for_care: flag(self.needed_for_care),
            asset: self.asset,
            sources: self.sources.join("\n"),
            repository: self.repository.clone(),
            password_file: self.password_file.clone(),
            offline_repository: self.offline.as_ref().map(|o| o.0.clone()).unwrap_or_default(),
            offline_kind: self.offline.as_ref().map(|o| o.1.code().to_owned()).unwrap_or_default(),
            schedule: self.schedule.code(),
            retention: self.retention.code(),
            restore_max_age_days: self.restore.max_age_days.to_string(),
            enabled: flag(self.enabled),
        }
    }
}

/// Paths one per line; each absolute, since a scheduler's working folder is nobody's choice.
fn sources(s: &str) -> Result<Vec<String>, Problem> {
    let list: Vec<String> = s.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
    if list.is_empty() {
        return Err(Problem::Required);
    }
    if list.len() > SOURCES_MAX {
        return Err(Problem::OutOfRange { min: 1, max: SOURCES_MAX as i64 });
    }
    for l in &list {
        absolute(l)?;
    }
    Ok(list)
}

/// A repository: an absolute path or an `s3:` location (`s3:https://host/bucket/prefix`).
fn location(s: &str) -> Result<String, Problem> {
    let t = required_text(s, PATH_MAX)?;
    if t.starts_with("s3:") { Ok(t) } else { absolute(&t) }
}

/// An absolute path, POSIX (`/mnt/nas`) or Windows (`D:\backup`, `\\nas\share`).
fn absolute(s: &str) -> Result<String, Problem> {
    let t = required_text(s, PATH_MAX)?;
    let b = t.as_bytes();
    let windows_drive = b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && (b[2] == b'\\' || b[2] == b'/');
    if t.starts_with('/') || t.starts_with("\\\\") || windows_drive {
        Ok(t)
    } else {
        Err(Problem::NotAllowed(format!(
            "{t:?} は相対パスです。/ から始まる完全なパスを指定してください (not an absolute path)"
        )))
    }
}

fn same_location(a: &str, b: &str) -> bool {
    a.trim_end_matches(['/', '\\']) == b.trim_end_matches(['/', '\\'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> JobInput {
        JobInput {
            facility: Some(FacilityId::new(1)),
            name: "電子カルテ（本院）".into(),
            kind: "電子カルテ".into(),
            needed_for_care: "はい".into(),
            sources: "/srv/emr/data\n/srv/emr/config\n".into(),
            repository: "/mnt/nas/backup/emr".into(),
            password_file: "/etc/mamoru/emr.pass".into(),
            offline_repository: "/media/rdx/emr".into(),
            offline_kind: "取り外し可能な媒体".into(),
            schedule: "毎日 2:00".into(),
            retention: "daily=7,weekly=4,monthly=12,yearly=5".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_full_form_parses() {
        let j = input().parse().unwrap();
        assert_eq!(j.kind, SystemKind::Emr);
        assert!(j.needed_for_care && j.enabled);
        assert_eq!(j.sources, ["/srv/emr/data", "/srv/emr/config"]);
        assert_eq!(j.offline, Some(("/media/rdx/emr".into(), OfflineKind::Removable)));
        assert_eq!(j.restore.max_age_days, 30);
        assert_eq!(j.retention.code(), "daily=7,weekly=4,monthly=12,yearly=5");
        assert_eq!(j.to_input().parse().unwrap(), j);
        let s3 = JobInput { repository: "s3:http://127.0.0.1:9000/bucket/emr".into(), ..input() }.parse().unwrap();
        assert_eq!(s3.repository, "s3:http://127.0.0.1:9000/bucket/emr");
        let win = JobInput { sources: "D:\\EMR\\data".into(), ..input() }.parse().unwrap();
        assert_eq!(win.sources, ["D:\\EMR\\data"]);
    }

    #[test]
    fn every_problem_at_once() {
        let bad = JobInput {
            facility: None,
            name: " ".into(),
            kind: "x".into(),
            sources: "data/emr".into(),
            repository: "".into(),
            password_file: "pass.txt".into(),
            offline_kind: "".into(),
            schedule: "hourly".into(),
            retention: "daily=0".into(),
            restore_max_age_days: "0".into(),
            enabled: "maybe".into(),
            ..input()
        };
        let fields: Vec<_> = bad.parse().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "facility",
                "name",
                "kind",
                "sources",
                "repository",
                "password_file",
                "schedule",
                "retention",
                "restore_max_age_days",
                "enabled",
                "offline_kind"
            ]
        );
    }

    #[test]
    fn the_offline_copy_needs_its_kind_and_its_own_place() {
        let no_kind = JobInput { offline_kind: "".into(), ..input() }.parse().unwrap_err();
        assert_eq!(no_kind, [Invalid::new("offline_kind", Problem::Required)]);
        let no_repo = JobInput { offline_repository: "".into(), ..input() }.parse().unwrap_err();
        assert_eq!(no_repo, [Invalid::new("offline_repository", Problem::Required)]);
        let same = JobInput { offline_repository: "/mnt/nas/backup/emr/".into(), ..input() }.parse().unwrap_err();
        assert_eq!(same, [Invalid::new("offline_repository", Problem::Duplicate("repository".into()))]);
        let none = JobInput { offline_repository: "".into(), offline_kind: "".into(), ..input() }.parse().unwrap();
        assert_eq!(none.offline, None);
    }
}

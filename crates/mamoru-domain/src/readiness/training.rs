//! Training: the facility's security manager (医療情報システム安全管理責任者), the yearly
//! information-security training sessions with attendance, material and a short quiz, who is
//! overdue, and which requirements apply to a facility by its kind and beds.
//!
//! The checklist's 1-① asks every hospital and clinic to appoint the manager, whose duties
//! include education and training (R7 manual draft p.5, wic-net 19102/5). 診療録管理体制加算
//! (2024 revision) asks hospitals of 200 licensed beds or more for a dedicated (専任) manager
//! who trains staff at least about once a year (wic-net 13370/168; both from
//! shared/reference/japan-regulation.md §1 and §6).

use jiff::ToSpan;
use jiff::civil::Date;

use super::fiscal::FiscalYear;
use crate::facility::FacilityKind;
use crate::invalid::{Checker, Invalid, Problem};
use crate::values::{optional_text, parse_count, parse_date, required_text};

/// The longest title.
pub const TITLE_MAX: usize = 200;
/// The largest material file kept in the database (slides or a PDF handout).
pub const MATERIAL_MAX_BYTES: u64 = 20 * 1024 * 1024;
/// At most this many quiz questions ("a short quiz").
pub const QUIZ_MAX: usize = 20;
/// Training counts for this long when the fiscal year has none ("at least about once a year").
pub const TRAINING_VALID_DAYS: i32 = 365;
/// 診療録管理体制加算's bed threshold for the dedicated manager and yearly training.
pub const DEDICATED_MANAGER_BEDS: u32 = 200;

/// A training session form as typed. Attendees are the people's ids as the page lists them
/// (the facility's users), each with the number of quiz answers they got right.
#[derive(Debug, Clone, Default)]
pub struct SessionInput {
    /// The day it was held.
    pub held_on: String,
    /// Its title, e.g. `標的型メール訓練と情報セキュリティ研修`.
    pub title: String,
    /// A link to the material, when it is not attached as a file.
    pub material_url: String,
    /// An attached material file.
    pub material_file: Option<MaterialFile>,
    /// The quiz, one question a line: `問い | 選択肢 | *正解 | 選択肢` (`*` marks the answer).
    pub quiz: String,
    /// Who attended, with their score.
    pub attendees: Vec<AttendeeInput>,
}

/// One attendee as typed.
#[derive(Debug, Clone, Default)]
pub struct AttendeeInput {
    /// The person's id (a user id).
    pub person: String,
    /// Correct quiz answers; empty when the quiz was not taken.
    pub score: String,
}

/// An attached file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaterialFile {
    /// Its file name.
    pub name: String,
    /// Its media type as uploaded.
    pub media_type: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Where the material is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Material {
    /// A link (an e-learning page, a shared folder).
    Link(String),
    /// A file kept with the record.
    File(MaterialFile),
}

/// One quiz question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// The question.
    pub text: String,
    /// The choices, in order.
    pub choices: Vec<String>,
    /// The index of the correct choice.
    pub correct: usize,
}

/// An attendee with their score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attendance {
    /// The person (a user id).
    pub person: i64,
    /// Correct answers, if the quiz was taken.
    pub score: Option<u32>,
}

/// A valid session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The day it was held.
    pub held_on: Date,
    /// Its title.
    pub title: String,
    /// The material, if any.
    pub material: Option<Material>,
    /// The quiz (may be empty).
    pub quiz: Vec<Question>,
    /// Who attended.
    pub attendees: Vec<Attendance>,
}

impl Session {
    /// Checks a session held at a facility whose people are `known` (their ids), on `today`
    /// (Japan); every problem at once. A person the facility does not know is an error on
    /// `attendees` naming the id given.
    pub fn parse(input: &SessionInput, known: &[i64], today: Date) -> Result<Self, Vec<Invalid>> {
        let mut c = Checker::default();
        let held_on = c.check("held_on", parse_date(&input.held_on).and_then(|d| d.ok_or(Problem::Required)));
        if held_on.is_some_and(|d| d > today) {
            c.push(Invalid::new("held_on", Problem::InFuture));
        }
        let title = c.check("training_title", required_text(&input.title, TITLE_MAX));
        let material = material(&mut c, input);
        let quiz = c.check("quiz", parse_quiz(&input.quiz));
        let most = quiz.as_ref().map_or(QUIZ_MAX, Vec::len) as i64;
        let mut attendees: Vec<Attendance> = Vec::new();
        for a in &input.attendees {
            let Some(person) = person_id(&a.person).filter(|id| known.contains(id)) else {
                c.push(Invalid::new("attendees", Problem::Unknown(format!("person {}", a.person.trim()))));
                continue;
            };
            if attendees.iter().any(|x| x.person == person) {
                c.push(Invalid::new("attendees", Problem::Duplicate(format!("person {person}"))));
                continue;
            }
            let score = c.check_opt("score", parse_count(&a.score, 0, most)).map(|n| n as u32);
            attendees.push(Attendance { person, score });
        }
        if input.attendees.is_empty() {
            c.push(Invalid::new("attendees", Problem::Required));
        }
        c.finish(|| Some(Session { held_on: held_on?, title: title?, material, quiz: quiz?, attendees }))
    }
}

fn person_id(s: &str) -> Option<i64> {
    s.trim().parse().ok().filter(|n| *n > 0)
}

fn material(c: &mut Checker, input: &SessionInput) -> Option<Material> {
    let url = c.check_opt("material_url", optional_text(&input.material_url, 2_000));
    if let Some(u) = &url
        && !(u.starts_with("https://") || u.starts_with("http://"))
    {
        c.push(Invalid::new("material_url", Problem::Unknown(format!("link {u} (use https://…)"))));
        return None;
    }
    match (&input.material_file, url) {
        (Some(f), _) if f.bytes.len() as u64 > MATERIAL_MAX_BYTES => {
            c.push(Invalid::new("material_file", Problem::TooLarge { max_bytes: MATERIAL_MAX_BYTES }));
            None
        }
        (Some(f), _) if !f.bytes.is_empty() => Some(Material::File(f.clone())),
        (_, Some(u)) => Some(Material::Link(u)),
        _ => None,
    }
}

/// Parses the quiz: one question a line, `問い | 選択肢 | *正解 | …`, at least two choices and
/// exactly one marked correct. The problem names the line.
pub fn parse_quiz(text: &str) -> Result<Vec<Question>, Problem> {
    let mut quiz = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let bad = |why: &str| Problem::Unknown(format!("quiz line {}: {why}", n + 1));
        let mut parts = line.split(['|', '｜']).map(str::trim);
        let question = parts.next().unwrap_or_default().to_owned();
        let mut choices = Vec::new();
        let mut correct = Vec::new();
        for p in parts.filter(|p| !p.is_empty()) {
            match p.strip_prefix(['*', '＊']) {
                Some(answer) => {
                    correct.push(choices.len());
                    choices.push(answer.trim().to_owned());
                }
                None => choices.push(p.to_owned()),
            }
        }
        if question.is_empty() || choices.len() < 2 {
            return Err(bad("write 問い | 選択肢 | *正解 (two choices or more)"));
        }
        let [correct] = correct[..] else {
            return Err(bad("mark exactly one choice correct with *"));
        };
        quiz.push(Question { text: question, choices, correct });
    }
    if quiz.len() > QUIZ_MAX {
        return Err(Problem::OutOfRange { min: 0, max: QUIZ_MAX as i64 });
    }
    Ok(quiz)
}

/// Writes a quiz back as the form's text.
pub fn quiz_text(quiz: &[Question]) -> String {
    let line = |q: &Question| {
        let choices =
            q.choices.iter().enumerate().map(|(i, c)| if i == q.correct { format!("*{c}") } else { c.clone() });
        std::iter::once(q.text.clone()).chain(choices).collect::<Vec<_>>().join(" | ")
    };
    quiz.iter().map(line).collect::<Vec<_>>().join("\n")
}

/// Where a person stands for a fiscal year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Attended a session within the fiscal year (the last one).
    Done(Date),
    /// Not yet this fiscal year, but within the last 12 months: due before the year ends.
    Due(Date),
    /// No training within the fiscal year nor the last 12 months (`None`: never).
    Overdue(Option<Date>),
}

impl Standing {
    /// A person's standing in `fy` as of `as_of` (today, or the fiscal year's last day), from
    /// the days they attended.
    pub fn of(attended: impl IntoIterator<Item = Date>, fy: FiscalYear, as_of: Date) -> Self {
        let last = attended.into_iter().filter(|d| *d <= as_of).max();
        match last {
            Some(d) if fy.contains(d) => Standing::Done(d),
            Some(d) if d > as_of - TRAINING_VALID_DAYS.days() => Standing::Due(d),
            last => Standing::Overdue(last),
        }
    }

    /// Whether the person is overdue.
    pub fn is_overdue(self) -> bool {
        matches!(self, Standing::Overdue(_))
    }

    /// Japanese label.
    pub fn ja(self) -> String {
        match self {
            Standing::Done(d) => format!("受講済み（{d}）"),
            Standing::Due(d) => format!("今年度未受講（前回 {d}）"),
            Standing::Overdue(Some(d)) => format!("期限切れ（前回 {d}）"),
            Standing::Overdue(None) => "未受講".into(),
        }
    }
}

/// A requirement that applies to a facility, with where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirement {
    /// A stable id.
    pub id: &'static str,
    /// What is required, in Japanese.
    pub ja: &'static str,
    /// Why it applies to this facility.
    pub because: &'static str,
    /// The rule it comes from.
    pub source: &'static str,
}

const CHECKLIST: &str = "医療法施行規則 第14条第2項／サイバーセキュリティ対策チェックリスト 1-①（令和7年度版）";
const KASAN: &str =
    "令和6年度診療報酬改定 診療録管理体制加算 施設基準（令和8年度改定で電子的診療情報連携体制整備加算へ移行）";

/// The requirements on the security manager, training, offline backups and BCP drills that
/// apply to a facility of `kind` with `beds` licensed beds.
///
/// Every hospital and clinic: a security manager (checklist 1-①; in a small facility the
/// 企画管理者 may double up, R7 manual p.5). Hospitals of 200 beds or more: a dedicated
/// manager and yearly training (加算 criterion (10)). Hospitals claiming 診療録管理体制加算1
/// (any size): backups by several methods with part offline, and a BCP drilled about yearly
/// (criteria (11), (12); wic-net 13370/168). The FY2026 revision moved these criteria into
/// 電子的診療情報連携体制整備加算; whether they carried over verbatim is unverified
/// (shared/reference/japan-regulation.md §6), so the source says both.
pub fn requirements(kind: Option<FacilityKind>, beds: Option<u32>) -> Vec<Requirement> {
    let mut out = Vec::new();
    if matches!(kind, Some(FacilityKind::Hospital | FacilityKind::Clinic) | None) {
        out.push(Requirement {
            id: "manager",
            ja: "医療情報システム安全管理責任者を設置する",
            because: "すべての病院・診療所",
            source: CHECKLIST,
        });
    }
    if kind == Some(FacilityKind::Hospital) {
        if beds.is_some_and(|b| b >= DEDICATED_MANAGER_BEDS) {
            out.push(Requirement {
                id: "dedicated_manager",
                ja: "専任の医療情報システム安全管理責任者を置く",
                because: "許可病床200床以上の病院",
                source: KASAN,
            });
            out.push(Requirement {
                id: "yearly_training",
                ja: "安全管理責任者が職員に年1回程度、情報セキュリティ研修を行う",
                because: "許可病床200床以上の病院",
                source: KASAN,
            });
        }
        out.push(Requirement {
            id: "offline_backup",
            ja: "バックアップを複数の方式で保管し、その一部をオフラインで保管する",
            because: "診療録管理体制加算1を届け出る病院",
            source: KASAN,
        });
        out.push(Requirement {
            id: "bcp_drill",
            ja: "BCPを策定し、年1回程度訓練・演習を行う",
            because: "診療録管理体制加算1を届け出る病院",
            source: KASAN,
        });
    }
    out
}

#[cfg(test)]
#[path = "training_tests.rs"]
mod tests;

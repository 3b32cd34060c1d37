//! The four points an on-site inspection (立入検査, 医療法 第25条第1項, 立入検査要綱 2-19)
//! looks at beyond the checklist itself, each judged from a plain snapshot of Mamoru's records
//! ([`InspectionFacts`]) with the records listed as evidence and, where Mamoru cannot prove
//! the point alone, the documents to attach.
//!
//! The four points are MHLW's (shared/DESIGN.md "Why it exists"; shared/reference/
//! japan-regulation.md §1 "On-site inspection practice" and §7, the 2022-11-10 注意喚起 after
//! Osaka): vulnerability information for PCs and VPN devices collected and acted on; backups
//! of the data and systems needed for care; malware defence, recovery procedures as a BCP and
//! drills; the contact chain to vendors and MHLW.
//!
//! A sheet's score for the across-facilities overview is [`super::score`].

use jiff::ToSpan;
use jiff::civil::Date;

use super::rules::{Bcp, ChainContact, MIN_GENERATIONS, PERIOD_DAYS};
use crate::backup::RestoreStatus;
use crate::choice::choice_enum;
use crate::contact::{PartyKind, chain_gaps};
use crate::vuln::FindingStatus;

/// Vulnerability feeds older than this are not "collected": NVD and KEV change daily, and
/// MHLW asks for VPN patches "promptly" (2022-11-10 注意喚起); 30 days is Mamoru's choice.
pub const FEED_STALE_DAYS: i32 = 30;

choice_enum! {
    /// The four points, in the order inspections take them.
    pub enum Point {
        /// (1) Vulnerability information for PCs and VPN devices collected and acted on.
        Vulnerability => ("vulnerability", "脆弱性情報の収集と対応（端末PC・VPN機器）", "Vulnerability information collected and acted on"),
        /// (2) Backups of the data and systems needed for care.
        Backup => ("backup", "診療に必要なデータとシステムのバックアップ", "Backups of data and systems needed for care"),
        /// (3) Malware defence, recovery procedures as a BCP, and drills.
        Defence => ("defence", "マルウェア対策・BCP（復旧手順）・訓練", "Malware defence, BCP and drills"),
        /// (4) The contact chain to vendors and MHLW.
        Contacts => ("contacts", "事業者・厚生労働省への連絡体制", "Contact chain to vendors and MHLW"),
    }
}

choice_enum! {
    /// Where a point stands, best first.
    pub enum Status {
        /// The records show it in place.
        Met => ("met", "充足", "In place"),
        /// Mamoru's records cannot show it alone: the listed documents are needed.
        Attach => ("attach", "資料で確認", "Documents needed"),
        /// Something is missing or overdue.
        Gaps => ("gaps", "不足あり", "Gaps"),
    }
}

/// What the four points look at for one facility, as of one day.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InspectionFacts {
    /// Point 1.
    pub vuln: VulnFacts,
    /// Point 2: one line per protected system of the facility.
    pub backups: Vec<BackupLine>,
    /// Point 3: the detection pipeline's use.
    pub detection: DetectionFacts,
    /// Point 3: the cyber-attack BCP; `None` while Mamoru keeps no BCP records.
    pub bcp: Option<Bcp>,
    /// Point 4: the facility's contact chain.
    pub chain: Vec<ChainContact>,
    /// Point 4: vendors named in the register (no vendor contact is fine without them).
    pub register_vendors: Vec<String>,
}

/// Point 1's records.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VulnFacts {
    /// Advisories loaded per source (`nvd`, `cve5`, `jvn`), and KEV entries as `kev`.
    pub feeds: Vec<(String, i64)>,
    /// The day a feed was last imported.
    pub last_import: Option<Date>,
    /// Perimeter devices (VPN, UTM/firewall, router, remote-maintenance line, internet-facing).
    pub perimeter_devices: u32,
    /// PCs in the register.
    pub pcs: u32,
    /// Open findings on perimeter devices.
    pub perimeter_open: Vec<OpenFinding>,
    /// Open findings on PCs past their due date.
    pub pc_overdue: u32,
    /// Findings a person decided (mitigated, accepted, not applicable) on this facility.
    pub decided: Vec<DecidedFinding>,
}

/// An open finding on a perimeter device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenFinding {
    /// The device.
    pub asset: String,
    /// The CVE or JVNDB id.
    pub vuln_id: String,
    /// When it is due.
    pub due: Date,
    /// Known exploited (CISA KEV).
    pub kev: bool,
}

/// A finding a person decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecidedFinding {
    /// The device.
    pub asset: String,
    /// The CVE or JVNDB id.
    pub vuln_id: String,
    /// Mitigated, accepted or rejected.
    pub status: FindingStatus,
    /// Why.
    pub reason: Option<String>,
    /// Who decided, and the day.
    pub decided: Option<(String, Date)>,
}

/// One protected system's backups (point 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupLine {
    /// The system.
    pub system: String,
    /// Needed to keep treating patients.
    pub needed_for_care: bool,
    /// Generations kept now.
    pub generations: u32,
    /// The offline copy's kind in MHLW's words, if the job has one.
    pub offline: Option<&'static str>,
    /// The day the offline copy was last refreshed.
    pub offline_refreshed: Option<Date>,
    /// The restore verification's state.
    pub restore: RestoreStatus,
    /// The last verified restore: its day and how long it took (milliseconds).
    pub last_verified: Option<(Date, u64)>,
}

/// Point 3's detection records.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DetectionFacts {
    /// Alerts raised in the period (the last [`PERIOD_DAYS`] days).
    pub alerts_in_period: u64,
    /// Distinct detection rules that raised them.
    pub rules_in_period: u32,
    /// Open high or critical alerts nobody has looked at.
    pub untriaged_high: u64,
    /// The day of the last alert.
    pub last_alert: Option<Date>,
}

/// One point judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointView {
    /// The point.
    pub point: Point,
    /// Where it stands.
    pub status: Status,
    /// Why, in Japanese.
    pub summary: String,
    /// The records it rests on, one line each.
    pub evidence: Vec<String>,
    /// Documents to attach for what Mamoru does not hold.
    pub attach: Vec<String>,
}

/// The four points, in order.
pub fn evaluate(f: &InspectionFacts, as_of: Date) -> Vec<PointView> {
    vec![vulnerability(f, as_of), backup(f), defence(f, as_of), contacts(f)]
}

fn view(point: Point, status: Status, summary: String, evidence: Vec<String>, attach: &[&str]) -> PointView {
    PointView { point, status, summary, evidence, attach: attach.iter().map(|s| (*s).to_owned()).collect() }
}

fn within_period(day: Option<Date>, as_of: Date) -> bool {
    day.is_some_and(|d| d <= as_of && d > as_of - PERIOD_DAYS.days())
}

/// `14分32秒`, `1時間2分`, `3秒`.
pub fn duration_ja(ms: u64) -> String {
    let s = ms.div_ceil(1000);
    match (s / 3600, s % 3600 / 60, s % 60) {
        (0, 0, s) => format!("{s}秒"),
        (0, m, s) => format!("{m}分{s}秒"),
        (h, m, _) => format!("{h}時間{m}分"),
    }
}

fn vulnerability(f: &InspectionFacts, as_of: Date) -> PointView {
    const ATTACH: &[&str] = &["端末PCの更新プログラム適用状況の記録（WSUS・Intune などの報告）"];
    let v = &f.vuln;
    let mut evidence = Vec::new();
    let feeds: Vec<String> = v.feeds.iter().map(|(s, n)| format!("{} {n}件", s.to_uppercase())).collect();
    let last = v.last_import.map_or("取込なし".to_owned(), |d| format!("最終取込 {d}"));
    evidence.push(format!("脆弱性情報: {}（{last}）", if feeds.is_empty() { "なし".into() } else { feeds.join("、") }));
    let kev = v.perimeter_open.iter().filter(|o| o.kev).count();
    let overdue = v.perimeter_open.iter().filter(|o| o.due < as_of).count();
    evidence.push(format!(
        "境界機器（VPN・ファイアウォール等） {}台: 未対応 {}件（悪用確認済み {kev}件、期限超過 {overdue}件）",
        v.perimeter_devices,
        v.perimeter_open.len()
    ));
    evidence.push(format!("端末PC {}台: 期限超過の未対応 {}件", v.pcs, v.pc_overdue));
    let mut urgent: Vec<&OpenFinding> = v.perimeter_open.iter().filter(|o| o.kev || o.due < as_of).collect();
    urgent.sort_by_key(|o| (!o.kev, o.due));
    evidence.extend(urgent.iter().map(|o| {
        format!("未対応: {} {}（期限 {}{}）", o.asset, o.vuln_id, o.due, if o.kev { "、悪用確認済み" } else { "" })
    }));
    evidence.extend(v.decided.iter().map(|d| {
        let who = d.decided.as_ref().map_or(String::new(), |(by, on)| format!("、{by} {on}"));
        let why = d.reason.as_deref().map_or(String::new(), |r| format!("、{r}"));
        format!("判断済み: {} {}（{}{why}{who}）", d.asset, d.vuln_id, d.status.ja())
    }));
    let fresh = v.last_import.is_some_and(|d| d > as_of - FEED_STALE_DAYS.days());
    let (status, summary) = if v.feeds.iter().all(|(_, n)| *n == 0) {
        (Status::Gaps, "脆弱性情報が取り込まれていません（mamoru vuln fetch で取り込めます）。".to_owned())
    } else if !fresh {
        (Status::Gaps, format!("脆弱性情報が{FEED_STALE_DAYS}日以上更新されていません（{last}）。"))
    } else if kev + overdue > 0 {
        (
            Status::Gaps,
            format!("境界機器に、悪用が確認済みか対応期限を過ぎた未対応の脆弱性が {}件あります。", urgent.len()),
        )
    } else if v.perimeter_devices == 0 {
        (
            Status::Attach,
            "台帳にVPN・ファイアウォールなどの境界機器がありません。機器がないか、台帳に登録してください。".to_owned(),
        )
    } else {
        (
            Status::Met,
            format!(
                "脆弱性情報を{FEED_STALE_DAYS}日以内に取り込み、境界機器 {}台に悪用確認済み・期限超過の未対応はありません。",
                v.perimeter_devices
            ),
        )
    };
    view(Point::Vulnerability, status, summary, evidence, ATTACH)
}

fn backup(f: &InspectionFacts) -> PointView {
    const ATTACH: &[&str] =
        &["Mamoru 以外で取得しているバックアップ（事業者が運用するシステムなど）の取得記録と復旧手順書"];
    let evidence: Vec<String> = f
        .backups
        .iter()
        .map(|b| {
            let offline = match (b.offline, b.offline_refreshed) {
                (Some(k), Some(d)) => format!("{k}（最終更新 {d}）"),
                (Some(k), None) => format!("{k}（未作成）"),
                (None, _) => "なし".to_owned(),
            };
            let verified =
                b.last_verified.map_or("なし".to_owned(), |(d, ms)| format!("{d}（所要 {}）", duration_ja(ms)));
            format!(
                "{}{}: {}世代、オフラインコピー {offline}、最終復元確認 {verified}、{}",
                b.system,
                if b.needed_for_care { "（診療継続に必要）" } else { "" },
                b.generations,
                b.restore.ja()
            )
        })
        .collect();
    let needed: Vec<&BackupLine> = f.backups.iter().filter(|b| b.needed_for_care).collect();
    if needed.is_empty() {
        let summary = "診療継続に必要なシステムのバックアップが Mamoru に登録されていません。".to_owned();
        return view(Point::Backup, Status::Attach, summary, evidence, ATTACH);
    }
    let short: Vec<String> = needed
        .iter()
        .filter_map(|b| {
            let mut why = Vec::new();
            if b.generations < MIN_GENERATIONS {
                why.push("世代管理なし");
            }
            if b.offline.is_none() || b.offline_refreshed.is_none() {
                why.push("オフライン／追記不能の複製なし");
            }
            if b.restore.needs_action() {
                why.push(b.restore.ja());
            }
            (!why.is_empty()).then(|| format!("{}（{}）", b.system, why.join("、")))
        })
        .collect();
    match short.is_empty() {
        true => view(
            Point::Backup,
            Status::Met,
            format!(
                "診療継続に必要なシステム {}件すべてに世代管理とオフライン／追記不能の複製があり、復元を確認しています。",
                needed.len()
            ),
            evidence,
            ATTACH,
        ),
        false => view(
            Point::Backup,
            Status::Gaps,
            format!("足りないものがあります: {}。", short.join("、")),
            evidence,
            ATTACH,
        ),
    }
}

fn defence(f: &InspectionFacts, as_of: Date) -> PointView {
    const MALWARE: &str = "ウイルス対策ソフト・EDR の導入状況と定義ファイル更新の記録";
    const BCP: &str = "サイバー攻撃を想定したBCP（厚生労働省のひな形に沿った復旧手順を含むもの）";
    const DRILL: &str = "1年以内に行った訓練の記録（日付、参加者、見つかった課題）";
    let d = &f.detection;
    let last = d.last_alert.map_or("なし".to_owned(), |x| x.to_string());
    let mut evidence = vec![format!(
        "ログ監視（検知ルール）: 直近1年のアラート {}件、検知したルール {}種類、最終アラート {last}",
        d.alerts_in_period, d.rules_in_period
    )];
    if d.untriaged_high > 0 {
        evidence.push(format!("未確認の緊急・高アラート {}件", d.untriaged_high));
    }
    let mut attach = vec![MALWARE];
    let mut gaps = Vec::new();
    let mut unknown = Vec::new();
    if d.untriaged_high > 0 {
        gaps.push(format!("未確認の緊急・高アラートが {}件あります", d.untriaged_high));
    }
    if d.alerts_in_period == 0 {
        unknown.push("直近1年に Mamoru のログ監視の記録がありません".to_owned());
    }
    match f.bcp {
        None => {
            unknown.push("BCPと訓練の記録は Mamoru にまだありません".to_owned());
            attach.extend([BCP, DRILL]);
        }
        Some(Bcp { adopted_on: None, .. }) => {
            gaps.push("サイバー攻撃を想定したBCPが策定されていません".to_owned());
            attach.extend([BCP, DRILL]);
        }
        Some(Bcp { adopted_on: Some(a), drilled_on }) => {
            evidence.push(format!("BCP策定 {a}、最終訓練 {}", drilled_on.map_or("なし".into(), |x| x.to_string())));
            if !within_period(Some(a), as_of) {
                gaps.push(format!("BCPの見直し（承認）が1年以上前です（{a}）"));
            }
            if !within_period(drilled_on, as_of) {
                gaps.push("1年以内の訓練の記録がありません".to_owned());
                attach.push(DRILL);
            }
        }
    }
    let (status, summary) = if !gaps.is_empty() {
        (Status::Gaps, format!("{}。", gaps.join("。")))
    } else if !unknown.is_empty() {
        (Status::Attach, format!("{}。添付の資料で確認してください。", unknown.join("。")))
    } else {
        (Status::Met, "ログ監視が動いており、BCPを策定して1年以内に訓練しています。".to_owned())
    };
    view(Point::Defence, status, summary, evidence, &attach)
}

fn contacts(f: &InspectionFacts) -> PointView {
    const ATTACH: &[&str] = &["院内に掲示・配布している連絡体制図"];
    let mut evidence = Vec::new();
    let own: Vec<&str> = f.chain.iter().filter(|c| c.party.is_none()).map(|c| c.name.as_str()).collect();
    if !own.is_empty() {
        evidence.push(format!("院内: {}件（{}）", own.len(), own.join("、")));
    }
    for kind in PartyKind::ALL {
        let of_kind: Vec<String> = f
            .chain
            .iter()
            .filter_map(|c| c.party.as_ref().filter(|(_, k)| k == kind).map(|(p, _)| format!("{p} {}", c.name)))
            .collect();
        if !of_kind.is_empty() {
            evidence.push(format!("{}: {}件（{}）", kind.ja(), of_kind.len(), of_kind.join("、")));
        }
    }
    if f.chain.is_empty() {
        return view(Point::Contacts, Status::Gaps, "連絡先が登録されていません。".into(), evidence, ATTACH);
    }
    let gaps = chain_gaps(f.chain.iter().map(|c| c.party.as_ref().map(|(_, k)| *k)));
    let missing = gaps.iter().map(|k| k.ja()).collect::<Vec<_>>().join("、");
    match gaps.as_slice() {
        [] => view(
            Point::Contacts,
            Status::Met,
            "連絡体制に院内、事業者、厚生労働省、警察が含まれています。".into(),
            evidence,
            ATTACH,
        ),
        [PartyKind::Vendor] if f.register_vendors.is_empty() => view(
            Point::Contacts,
            Status::Attach,
            "事業者の連絡先がなく、台帳にも保守業者がありません。保守を委託していないことを確認してください。".into(),
            evidence,
            ATTACH,
        ),
        _ => view(
            Point::Contacts,
            Status::Gaps,
            format!("連絡体制に次の連絡先がありません: {missing}。"),
            evidence,
            ATTACH,
        ),
    }
}

#[cfg(test)]
#[path = "inspection_tests.rs"]
mod tests;

//! Evidence rules: each looks at a facility's [`Facts`] and proposes はい, いいえ or "cannot
//! decide", with its reason in Japanese and the evidence it rests on. A person confirms.
//!
//! Where Mamoru does not hold the evidence (a BCP, the backups of a vendor-run system), the
//! rule cannot decide and says what to attach instead. Rules about accounts look at Mamoru's
//! own accounts only and say so: they are evidence for one system, not for the EMR.

mod facts;
mod incident;

use jiff::ToSpan;
use jiff::civil::Date;

use crate::choice::choice_enum;

pub use facts::{
    Account, BackupSystem, Bcp, ChainContact, Facts, ManagerRecord, OverdueFinding, Register, RemoteDevice, class_of,
};

/// Evidence older than this no longer counts as "within the period" (a register review, a
/// restore test, a BCP drill: 診療録管理体制加算 asks for a drill "at least about once a
/// year"; shared/reference/japan-regulation.md §6).
pub const PERIOD_DAYS: i32 = 365;
/// An account unused this long is "unused" (MHLW's 2023-10-10 notice asks to stop or delete
/// unneeded accounts; it names no number, so this is Mamoru's choice).
pub const UNUSED_DAYS: i32 = 90;
/// Generations a backup must keep (世代管理: the latest and earlier ones; R7 manual p.15).
pub const MIN_GENERATIONS: u32 = 2;

choice_enum! {
    /// The evidence rules, by the id the checklist files name them with.
    pub enum RuleId {
        /// 1-①: a security manager recorded for the facility, or in the contact chain.
        SecurityManager => ("security_manager", "安全管理責任者の登録", "Security manager in the chain"),
        /// 2-①: the register covers servers, PCs and network devices and was reviewed.
        AssetRegister => ("asset_register", "台帳の網羅と見直し", "Register coverage and review"),
        /// 2-②: remote-maintenance devices flagged, each with its vendor.
        RemoteMaintenance => ("remote_maintenance", "リモート保守機器の確認", "Remote-maintenance devices"),
        /// 2-⑤: no unused Mamoru account.
        UnusedAccounts => ("unused_accounts", "不要アカウントの有無", "Unused accounts"),
        /// 2-⑩: two-factor login for every Mamoru account.
        TwoFactor => ("two_factor", "二要素認証の利用", "Two-factor login"),
        /// 2-⑪ (network devices): no open vulnerability past its due date.
        NetworkPatches => ("network_patches", "ネットワーク機器の脆弱性対応", "Network-device patches"),
        /// 3-①: the chain reaches vendors, MHLW and the police.
        ContactChart => ("contact_chart", "連絡体制図の網羅", "Contact chart coverage"),
        /// 3-②: generations, an offline or immutable copy, a recent restore test.
        BackupRestore => ("backup_restore", "バックアップと復元テスト", "Backups and restore tests"),
        /// 3-③: a cyber-attack BCP drilled within the year.
        BcpDrill => ("bcp_drill", "BCPと訓練", "BCP and drill"),
    }
}

choice_enum! {
    /// What a rule proposes.
    pub enum Verdict {
        /// The evidence says はい.
        Yes => ("yes", "はい", "Yes"),
        /// The evidence says いいえ.
        No => ("no", "いいえ", "No"),
        /// The evidence cannot decide; a person answers.
        Unknown => ("unknown", "判定不可", "Cannot decide"),
    }
}

/// A rule's proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// The rule.
    pub rule: RuleId,
    /// What it proposes.
    pub verdict: Verdict,
    /// Why, in Japanese.
    pub reason: String,
    /// The records it rests on, one line each.
    pub evidence: Vec<String>,
    /// What a person should attach when the rule cannot prove the answer alone.
    pub attach: Option<String>,
}

impl RuleId {
    /// Runs the rule.
    pub fn evaluate(self, f: &Facts) -> Proposal {
        let (verdict, reason, evidence, attach) = match self {
            RuleId::SecurityManager => incident::security_manager(f),
            RuleId::AssetRegister => asset_register(f),
            RuleId::RemoteMaintenance => remote_maintenance(f),
            RuleId::UnusedAccounts => unused_accounts(f),
            RuleId::TwoFactor => two_factor(f),
            RuleId::NetworkPatches => network_patches(f),
            RuleId::ContactChart => incident::contact_chart(f),
            RuleId::BackupRestore => incident::backup_restore(f),
            RuleId::BcpDrill => incident::bcp_drill(f),
        };
        Proposal { rule: self, verdict, reason, evidence, attach: attach.map(str::to_owned) }
    }
}

type Outcome = (Verdict, String, Vec<String>, Option<&'static str>);

fn within_period(day: Option<Date>, as_of: Date) -> bool {
    day.is_some_and(|d| d <= as_of && d > as_of - PERIOD_DAYS.days())
}

fn names<'a>(list: impl IntoIterator<Item = &'a str>) -> String {
    list.into_iter().collect::<Vec<_>>().join("、")
}

fn asset_register(f: &Facts) -> Outcome {
    let r = f.register;
    let counts =
        format!("サーバ {}台、端末PC {}台、ネットワーク機器 {}台、その他 {}台", r.servers, r.pcs, r.network, r.other);
    let reviewed = r.last_reviewed.map_or("見直しの記録なし".to_owned(), |d| format!("最終更新 {d}"));
    let evidence = vec![format!("台帳: {counts}（{reviewed}）")];
    if r.total() == 0 {
        return (Verdict::No, "台帳に機器が登録されていません。".into(), evidence, None);
    }
    let missing: Vec<&str> = [(r.pcs, "端末PC"), (r.network, "ネットワーク機器")]
        .into_iter()
        .filter(|(n, _)| *n == 0)
        .map(|(_, l)| l)
        .collect();
    if !missing.is_empty() {
        return (Verdict::No, format!("台帳に{}がありません。", names(missing)), evidence, None);
    }
    // Mamoru keeps no history of the register: a change after the day asked about (a past
    // fiscal year viewed today) neither proves nor disproves a review within that year.
    if let Some(d) = r.last_reviewed.filter(|d| *d > f.as_of) {
        return (
            Verdict::Unknown,
            format!("台帳の最終更新（{d}）が{}より後のため、この期間に見直したかは記録から判断できません。", f.as_of),
            evidence,
            Some("期間内に台帳を見直した記録（見直し日の入った台帳の写しなど）"),
        );
    }
    if !within_period(r.last_reviewed, f.as_of) {
        return (Verdict::No, format!("台帳が1年以上見直されていません（{reviewed}）。"), evidence, None);
    }
    if r.servers == 0 {
        return (
            Verdict::Unknown,
            "台帳にサーバがありません。院内にサーバを置いていない（クラウド型など）なら「はい」と確認してください。"
                .into(),
            evidence,
            Some("サーバを置いていないことが分かる資料（クラウドサービスの契約書など）"),
        );
    }
    (
        Verdict::Yes,
        format!("台帳にサーバ・端末PC・ネットワーク機器が揃い、1年以内に見直されています（{reviewed}）。"),
        evidence,
        None,
    )
}

fn remote_maintenance(f: &Facts) -> Outcome {
    const ASK: &str = "各事業者にリモート保守の有無を確認した記録（メール、回答書など）";
    let evidence: Vec<String> = f
        .remote_devices
        .iter()
        .map(|d| format!("{}: リモート保守 {}", d.asset, d.vendor.as_deref().unwrap_or("事業者未登録")))
        .collect();
    if f.remote_devices.is_empty() {
        let reason = match f.vendors.is_empty() {
            true => "台帳に保守業者もリモート保守の機器もありません。事業者との保守契約がなければこの確認は不要です。"
                .to_owned(),
            false => format!(
                "リモート保守の印がある機器がありません。{}にリモート保守の有無を確認してください。",
                names(f.vendors.iter().map(String::as_str))
            ),
        };
        return (Verdict::Unknown, reason, evidence, Some(ASK));
    }
    let unknown: Vec<&str> = f.remote_devices.iter().filter(|d| d.vendor.is_none()).map(|d| d.asset.as_str()).collect();
    match unknown.is_empty() {
        true => (
            Verdict::Yes,
            format!("リモート保守の機器 {}台すべてに、使う事業者が登録されています。", f.remote_devices.len()),
            evidence,
            Some(ASK),
        ),
        false => (
            Verdict::No,
            format!("リモート保守の事業者が分からない機器があります: {}。", names(unknown)),
            evidence,
            Some(ASK),
        ),
    }
}

fn active_accounts(f: &Facts) -> impl Iterator<Item = &Account> {
    f.accounts.iter().filter(|a| !a.disabled)
}

fn unused_accounts(f: &Facts) -> Outcome {
    const ASK: &str = "電子カルテなど各システムのアカウント棚卸しの記録（退職者・未使用アカウントの削除）";
    let cutoff = f.as_of - UNUSED_DAYS.days();
    let unused: Vec<&Account> =
        active_accounts(f).filter(|a| a.last_login.map_or(a.created <= cutoff, |d| d <= cutoff)).collect();
    let evidence = unused
        .iter()
        .map(|a| format!("{}: 最終ログイン {}", a.name, a.last_login.map_or("なし".into(), |d| d.to_string())))
        .collect();
    match (active_accounts(f).count(), unused.is_empty()) {
        (0, _) => {
            (Verdict::Unknown, "この施設を扱う Mamoru の有効なアカウントがありません。".into(), evidence, Some(ASK))
        }
        (n, true) => (
            Verdict::Yes,
            format!(
                "Mamoru の有効なアカウント {n}件はすべて{UNUSED_DAYS}日以内に使われています（Mamoru 自体の証跡です）。"
            ),
            evidence,
            Some(ASK),
        ),
        (_, false) => (
            Verdict::No,
            format!(
                "{UNUSED_DAYS}日以上使われていない Mamoru のアカウントがあります: {}。",
                names(unused.iter().map(|a| a.name.as_str()))
            ),
            evidence,
            Some(ASK),
        ),
    }
}

fn two_factor(f: &Facts) -> Outcome {
    const ASK: &str = "電子カルテなど各システムの二要素認証の設定が分かる資料";
    let without: Vec<&str> = active_accounts(f).filter(|a| !a.two_factor).map(|a| a.name.as_str()).collect();
    let required =
        if f.two_factor_required { "組織の設定で二要素認証を必須にしています。" } else { "" };
    match (active_accounts(f).count(), without.is_empty()) {
        (0, _) => {
            (Verdict::Unknown, "この施設を扱う Mamoru の有効なアカウントがありません。".into(), vec![], Some(ASK))
        }
        (n, true) => (
            Verdict::Yes,
            format!(
                "Mamoru の有効なアカウント {n}件すべてが二要素認証でログインします（Mamoru 自体の証跡です）。{required}"
            ),
            vec![format!("二要素認証: {n}件中{n}件")],
            Some(ASK),
        ),
        (n, false) => (
            Verdict::No,
            format!(
                "二要素認証を使っていない Mamoru のアカウントがあります: {}。令和9年度までの導入が目標です。",
                names(without.clone())
            ),
            vec![format!("二要素認証: {n}件中{}件", n - without.len())],
            Some(ASK),
        ),
    }
}

fn network_patches(f: &Facts) -> Outcome {
    if !f.vuln_feeds_loaded {
        return (
            Verdict::Unknown,
            "脆弱性情報が取り込まれていないため判定できません（mamoru vuln fetch で取り込めます）。".into(),
            vec![],
            Some("ネットワーク機器のファームウェア更新の記録"),
        );
    }
    if f.register.network == 0 {
        return (Verdict::Unknown, "台帳にネットワーク機器がありません。".into(), vec![], None);
    }
    let mut overdue: Vec<&OverdueFinding> = f.overdue_network.iter().collect();
    overdue.sort_by_key(|o| (!o.kev, o.due));
    let evidence: Vec<String> = overdue
        .iter()
        .map(|o| format!("{} {}（期限 {}{}）", o.asset, o.vuln_id, o.due, if o.kev { "、悪用が確認済み" } else { "" }))
        .collect();
    let kev = overdue.iter().filter(|o| o.kev).count();
    match overdue.is_empty() {
        true => (
            Verdict::Yes,
            format!("ネットワーク機器 {}台に、対応期限を過ぎた未対応の脆弱性はありません。", f.register.network),
            evidence,
            None,
        ),
        false => (
            Verdict::No,
            format!(
                "ネットワーク機器に対応期限を過ぎた未対応の脆弱性が {}件あります（うち悪用が確認済み {kev}件）。",
                overdue.len()
            ),
            evidence,
            None,
        ),
    }
}

#[cfg(test)]
mod tests;

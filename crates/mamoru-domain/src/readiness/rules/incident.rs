//! The rules of groups 1 and 3: the security manager, the contact chart, backups, the BCP.

use super::{BackupSystem, Facts, MIN_GENERATIONS, Outcome, Verdict, names, within_period};
use crate::contact::{ChainRole, PartyKind, chain_gaps};

pub(super) fn security_manager(f: &Facts) -> Outcome {
    // The manager recorded on the training page is the appointment itself; the chain's role
    // only says who to call.
    if let Some(m) = &f.security_manager {
        let dedicated = if m.dedicated { "専任" } else { "兼任" };
        let since = m.appointed_on.map_or(String::new(), |d| format!("、{d} 任命"));
        return (
            Verdict::Yes,
            format!("安全管理責任者として {}（{dedicated}）が記録されています。", m.name),
            vec![format!("安全管理責任者: {}（{dedicated}{since}）", m.name)],
            None,
        );
    }
    let managers: Vec<&str> =
        f.chain.iter().filter(|c| c.role == ChainRole::SecurityManager).map(|c| c.name.as_str()).collect();
    match managers.is_empty() {
        false => (Verdict::Yes, format!("連絡体制に安全管理責任者（{}）が登録されています。", names(managers.clone())), managers.iter().map(|m| format!("連絡先: {m}（安全管理責任者）")).collect(), None),
        true => (
            Verdict::Unknown,
            "連絡体制に安全管理責任者が登録されていません。任命していれば連絡先に「安全管理責任者」として登録してください。".into(),
            vec![],
            Some("安全管理責任者の任命を示す文書（辞令、院内通知など）"),
        ),
    }
}

pub(super) fn contact_chart(f: &Facts) -> Outcome {
    let evidence: Vec<String> = f
        .chain
        .iter()
        .map(|c| match &c.party {
            Some((party, kind)) => format!("{}: {}（{}）", kind.ja(), c.name, party),
            None => format!("院内: {}（{}）", c.name, c.role.ja()),
        })
        .collect();
    if f.chain.is_empty() {
        return (Verdict::No, "連絡先が登録されていません。".into(), evidence, None);
    }
    let gaps = chain_gaps(f.chain.iter().map(|c| c.party.as_ref().map(|(_, k)| *k)));
    // MHLW's 2023-10-10 notice asks to keep SAJ (ソフトウェア協会), which staffs its initial-
    // response team, in the contact list (shared/reference/japan-regulation.md §7).
    let saj = f
        .chain
        .iter()
        .any(|c| c.party.as_ref().is_some_and(|(n, _)| n.contains("ソフトウェア協会") || n.contains("SAJ")));
    let hint = if saj {
        ""
    } else {
        "厚生労働省の初動対応を担うソフトウェア協会（SAJ）も加えることが勧められています。"
    };
    match gaps.as_slice() {
        [] => {
            (Verdict::Yes, format!("連絡体制に院内、事業者、厚生労働省、警察が含まれています。{hint}"), evidence, None)
        }
        [PartyKind::Vendor] if f.vendors.is_empty() => (
            Verdict::Unknown,
            format!(
                "事業者の連絡先がなく、台帳にも保守業者がありません。保守を委託していなければ「はい」と確認してください。{hint}"
            ),
            evidence,
            None,
        ),
        gaps => (
            Verdict::No,
            format!("連絡体制に次の連絡先がありません: {}。{hint}", names(gaps.iter().map(|k| k.ja()))),
            evidence,
            None,
        ),
    }
}

pub(super) fn backup_restore(f: &Facts) -> Outcome {
    const ASK: &str = "診療に必要なシステムごとの、バックアップの取得記録（世代数）、オフラインまたは追記不能な保管先、1年以内に成功した復元テストの結果";
    let Some(systems) = &f.backups else {
        return (Verdict::Unknown, "Mamoru にはまだバックアップの記録がありません。".into(), vec![], Some(ASK));
    };
    let needed: Vec<&BackupSystem> = systems.iter().filter(|s| s.needed_for_care).collect();
    if needed.is_empty() {
        return (
            Verdict::Unknown,
            "診療に必要なシステムのバックアップが Mamoru に登録されていません。".into(),
            vec![],
            Some(ASK),
        );
    }
    let mut evidence = Vec::new();
    let mut short = Vec::new();
    for s in &needed {
        let tested = s.last_restore_test_passed.map_or("なし".into(), |d| d.to_string());
        let offline = if s.offline_or_immutable { "あり" } else { "なし" };
        evidence.push(format!(
            "{}: {}世代、オフライン／追記不能 {offline}、復元テスト成功 {tested}",
            s.system, s.generations
        ));
        let mut why = Vec::new();
        if s.generations < MIN_GENERATIONS {
            why.push("世代管理なし");
        }
        if !s.offline_or_immutable {
            why.push("オフライン／追記不能の複製なし");
        }
        if !within_period(s.last_restore_test_passed, f.as_of) {
            why.push("1年以内の復元テストなし");
        }
        if !why.is_empty() {
            short.push(format!("{}（{}）", s.system, why.join("、")));
        }
    }
    match short.is_empty() {
        true => (
            Verdict::Yes,
            format!(
                "診療に必要なシステム {}件すべてに、世代管理とオフライン／追記不能の複製があり、1年以内に復元テストが成功しています。",
                needed.len()
            ),
            evidence,
            None,
        ),
        false => (Verdict::No, format!("足りないものがあります: {}。", short.join("、")), evidence, Some(ASK)),
    }
}

pub(super) fn bcp_drill(f: &Facts) -> Outcome {
    const ASK: &str = "サイバー攻撃を想定したBCP（厚生労働省のひな形に沿ったもの）と、1年以内に行った訓練の記録（日付、参加者、見つかった課題）";
    let Some(bcp) = f.bcp else {
        return (Verdict::Unknown, "Mamoru にはまだBCPの記録がありません。".into(), vec![], Some(ASK));
    };
    let Some(adopted) = bcp.adopted_on else {
        return (Verdict::No, "サイバー攻撃を想定したBCPが策定されていません。".into(), vec![], Some(ASK));
    };
    let drilled = bcp.drilled_on.map_or("なし".into(), |d| d.to_string());
    let evidence = vec![format!("BCP策定 {adopted}、最終訓練 {drilled}")];
    // `adopted_on` is the last review (approval): a BCP nobody looked at for a year is stale,
    // as a drill more than a year old is (診療録管理体制加算1: drills about yearly, with
    // improvements as needed; wic-net 13370/168).
    if !within_period(Some(adopted), f.as_of) {
        return (Verdict::No, format!("BCPの見直し（承認）が1年以上前です（{adopted}）。"), evidence, Some(ASK));
    }
    match within_period(bcp.drilled_on, f.as_of) {
        true => (
            Verdict::Yes,
            format!("BCPが策定され（{adopted}）、1年以内に訓練しています（{drilled}）。"),
            evidence,
            None,
        ),
        false => (
            Verdict::No,
            format!("BCPはありますが、1年以内の訓練の記録がありません（最終訓練 {drilled}）。"),
            evidence,
            Some(ASK),
        ),
    }
}

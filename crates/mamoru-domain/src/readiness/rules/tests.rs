//! Each rule: a case that makes it はい, one that makes it いいえ, and one it cannot decide
//! (where the rule can reach that verdict).

use jiff::civil::Date;

use super::*;
use crate::asset::AssetCategory;
use crate::contact::{ChainRole, PartyKind};

const TODAY: Date = Date::constant(2025, 11, 20);

fn facts() -> Facts {
    Facts {
        as_of: TODAY,
        register: Register::default(),
        remote_devices: vec![],
        vendors: vec![],
        vuln_feeds_loaded: false,
        overdue_network: vec![],
        accounts: vec![],
        two_factor_required: false,
        chain: vec![],
        backups: None,
        bcp: None,
        security_manager: None,
    }
}

fn verdict(rule: RuleId, f: &Facts) -> Verdict {
    rule.evaluate(f).verdict
}

fn contact(name: &str, role: ChainRole, party: Option<(&str, PartyKind)>) -> ChainContact {
    ChainContact { name: name.into(), role, party: party.map(|(n, k)| (n.into(), k)) }
}

fn account(name: &str, two_factor: bool, last_login: Option<Date>) -> Account {
    Account { name: name.into(), disabled: false, two_factor, last_login, created: Date::constant(2024, 1, 1) }
}

#[test]
fn security_manager() {
    let mut f = facts();
    assert_eq!(verdict(RuleId::SecurityManager, &f), Verdict::Unknown);
    f.chain.push(contact("山田", ChainRole::SecurityManager, None));
    let p = RuleId::SecurityManager.evaluate(&f);
    assert_eq!(p.verdict, Verdict::Yes);
    assert!(p.reason.contains("山田"), "{}", p.reason);
    // The recorded appointment is the evidence, ahead of the chain's role.
    f.chain.clear();
    f.security_manager =
        Some(ManagerRecord { name: "佐藤".into(), dedicated: true, appointed_on: Some(Date::constant(2025, 4, 1)) });
    let p = RuleId::SecurityManager.evaluate(&f);
    assert_eq!(p.verdict, Verdict::Yes);
    assert_eq!(p.evidence, ["安全管理責任者: 佐藤（専任、2025-04-01 任命）"]);
}

#[test]
fn asset_register() {
    let mut f = facts();
    assert_eq!(verdict(RuleId::AssetRegister, &f), Verdict::No, "empty register");
    for c in [AssetCategory::Pc, AssetCategory::Vpn, AssetCategory::Switch, AssetCategory::MedicalDevice] {
        f.register.count(c);
    }
    f.register.last_reviewed = Some(Date::constant(2025, 6, 1));
    let p = RuleId::AssetRegister.evaluate(&f);
    assert_eq!(p.verdict, Verdict::Unknown, "no server: perhaps a cloud EMR");
    assert_eq!(p.evidence, ["台帳: サーバ 0台、端末PC 1台、ネットワーク機器 2台、その他 1台（最終更新 2025-06-01）"]);
    f.register.count(AssetCategory::Emr);
    assert_eq!(verdict(RuleId::AssetRegister, &f), Verdict::Yes);
    f.register.last_reviewed = Some(Date::constant(2024, 11, 20));
    let p = RuleId::AssetRegister.evaluate(&f);
    assert_eq!(p.verdict, Verdict::No, "not reviewed within a year");
    assert!(p.reason.contains("1年以上"), "{}", p.reason);
    // A past year viewed after the register changed: the record cannot tell.
    f.register.last_reviewed = Some(f.as_of + jiff::ToSpan::days(1));
    let p = RuleId::AssetRegister.evaluate(&f);
    assert_eq!(p.verdict, Verdict::Unknown, "{}", p.reason);
    assert!(p.reason.contains("より後") && p.attach.is_some(), "{p:?}");
}

#[test]
fn remote_maintenance() {
    let mut f = facts();
    assert_eq!(verdict(RuleId::RemoteMaintenance, &f), Verdict::Unknown);
    f.vendors.push("なにわメディカル".into());
    let p = RuleId::RemoteMaintenance.evaluate(&f);
    assert!(p.reason.contains("なにわメディカル") && p.attach.is_some(), "{p:?}");
    f.remote_devices.push(RemoteDevice {
        asset: "電子カルテサーバ".into(), vendor: Some("なにわメディカル".into())
    });
    assert_eq!(verdict(RuleId::RemoteMaintenance, &f), Verdict::Yes);
    f.remote_devices.push(RemoteDevice { asset: "ナースコール".into(), vendor: None });
    let p = RuleId::RemoteMaintenance.evaluate(&f);
    assert_eq!(p.verdict, Verdict::No);
    assert!(p.reason.contains("ナースコール"), "{}", p.reason);
}

#[test]
fn unused_accounts_and_two_factor() {
    let mut f = facts();
    assert_eq!(verdict(RuleId::UnusedAccounts, &f), Verdict::Unknown);
    assert_eq!(verdict(RuleId::TwoFactor, &f), Verdict::Unknown);
    f.accounts.push(account("a@example.jp", true, Some(Date::constant(2025, 11, 1))));
    f.accounts.push(Account { disabled: true, ..account("left@example.jp", false, None) });
    assert_eq!(verdict(RuleId::UnusedAccounts, &f), Verdict::Yes, "a disabled account does not count");
    assert_eq!(verdict(RuleId::TwoFactor, &f), Verdict::Yes);
    f.accounts.push(account("old@example.jp", false, Some(Date::constant(2025, 8, 22))));
    let p = RuleId::UnusedAccounts.evaluate(&f);
    assert_eq!(p.verdict, Verdict::No, "90 days unused on the 90th day");
    assert_eq!(p.evidence, ["old@example.jp: 最終ログイン 2025-08-22"]);
    let p = RuleId::TwoFactor.evaluate(&f);
    assert_eq!((p.verdict, p.evidence), (Verdict::No, vec!["二要素認証: 2件中1件".to_owned()]));
    f.accounts[2].last_login = Some(Date::constant(2025, 8, 23));
    assert_eq!(verdict(RuleId::UnusedAccounts, &f), Verdict::Yes);
}

#[test]
fn network_patches() {
    let mut f = facts();
    f.register.count(AssetCategory::Vpn);
    assert_eq!(verdict(RuleId::NetworkPatches, &f), Verdict::Unknown, "no feed loaded");
    f.vuln_feeds_loaded = true;
    assert_eq!(verdict(RuleId::NetworkPatches, &f), Verdict::Yes);
    f.overdue_network.push(OverdueFinding {
        asset: "本館VPN装置".into(),
        vuln_id: "CVE-2018-13379".into(),
        due: Date::constant(2025, 11, 1),
        kev: true,
    });
    let p = RuleId::NetworkPatches.evaluate(&f);
    assert_eq!(p.verdict, Verdict::No);
    assert_eq!(p.evidence, ["本館VPN装置 CVE-2018-13379（期限 2025-11-01、悪用が確認済み）"]);
}

#[test]
fn contact_chart() {
    let mut f = facts();
    assert_eq!(verdict(RuleId::ContactChart, &f), Verdict::No, "no chart");
    f.chain.push(contact("情報システム課", ChainRole::FirstContact, None));
    f.chain.push(contact("参事官室", ChainRole::ReportTo, Some(("厚生労働省", PartyKind::Mhlw))));
    f.chain.push(contact("相談窓口", ChainRole::Advisor, Some(("府警", PartyKind::Police))));
    let p = RuleId::ContactChart.evaluate(&f);
    assert_eq!(p.verdict, Verdict::Unknown, "no vendor, and none in the register: {p:?}");
    f.vendors.push("関西ネットワークサービス".into());
    let p = RuleId::ContactChart.evaluate(&f);
    assert_eq!(p.verdict, Verdict::No);
    assert!(p.reason.contains("保守業者・ベンダー") && p.reason.contains("ソフトウェア協会"), "{}", p.reason);
    f.chain.push(contact("保守窓口", ChainRole::VendorSupport, Some(("関西ネットワークサービス", PartyKind::Vendor))));
    f.chain.push(contact("SAJ", ChainRole::Advisor, Some(("一般社団法人ソフトウェア協会", PartyKind::Other))));
    let p = RuleId::ContactChart.evaluate(&f);
    assert_eq!(p.verdict, Verdict::Yes);
    assert!(!p.reason.contains("勧められて"), "{}", p.reason);
}

#[test]
fn backup_restore() {
    let mut f = facts();
    let p = RuleId::BackupRestore.evaluate(&f);
    assert_eq!(p.verdict, Verdict::Unknown);
    assert!(p.attach.unwrap().contains("復元テスト"));
    let emr = BackupSystem {
        system: "電子カルテ".into(),
        needed_for_care: true,
        generations: 7,
        offline_or_immutable: true,
        last_restore_test_passed: Some(Date::constant(2025, 9, 1)),
    };
    f.backups = Some(vec![BackupSystem { needed_for_care: false, ..emr.clone() }]);
    assert_eq!(verdict(RuleId::BackupRestore, &f), Verdict::Unknown, "nothing needed for care is backed up here");
    f.backups = Some(vec![emr.clone()]);
    assert_eq!(verdict(RuleId::BackupRestore, &f), Verdict::Yes);
    f.backups = Some(vec![
        emr.clone(),
        BackupSystem { system: "PACS".into(), generations: 1, offline_or_immutable: false, ..emr },
    ]);
    let p = RuleId::BackupRestore.evaluate(&f);
    assert_eq!(p.verdict, Verdict::No);
    assert!(p.reason.contains("PACS（世代管理なし、オフライン／追記不能の複製なし）"), "{}", p.reason);
}

#[test]
fn bcp_drill() {
    let mut f = facts();
    assert_eq!(verdict(RuleId::BcpDrill, &f), Verdict::Unknown, "no BCP records in Mamoru yet");
    f.bcp = Some(Bcp { adopted_on: None, drilled_on: None });
    assert_eq!(verdict(RuleId::BcpDrill, &f), Verdict::No);
    f.bcp = Some(Bcp { adopted_on: Some(Date::constant(2024, 4, 1)), drilled_on: Some(Date::constant(2024, 11, 1)) });
    assert_eq!(verdict(RuleId::BcpDrill, &f), Verdict::No, "drilled more than a year ago");
    f.bcp = Some(Bcp { adopted_on: Some(Date::constant(2024, 4, 1)), drilled_on: Some(Date::constant(2025, 11, 1)) });
    assert_eq!(verdict(RuleId::BcpDrill, &f), Verdict::No, "drilled, but last reviewed more than a year ago");
    f.bcp = Some(Bcp { adopted_on: Some(Date::constant(2025, 4, 1)), drilled_on: Some(Date::constant(2025, 11, 1)) });
    assert_eq!(verdict(RuleId::BcpDrill, &f), Verdict::Yes);
}

#[test]
fn every_rule_is_named_by_some_edition() {
    for rule in RuleId::ALL {
        let used = crate::readiness::editions().iter().flat_map(|e| &e.items).any(|i| i.rule == Some(*rule));
        assert!(used, "{} is used by no edition", rule.code());
    }
}

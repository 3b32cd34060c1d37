//! The demo organisation: a 400-bed hospital, a 19-bed clinic and a visiting-nurse station,
//! with a realistic register (an old FortiOS on the VPN appliance, Windows 10 PCs past their
//! support end, remote-maintenance lines), a contact chain, and detection alerts from our own
//! rules and sample logs, and an incident case two days into its response, so every screen
//! has something true-to-life to show.
//!
//! Addresses use the documentation ranges (203.0.113.0/24, 192.0.2.0/24), e-mail addresses
//! `example.jp`, and invented phone numbers in the unassigned `06-0000` block, except for
//! the public switchboards of MHLW and the police consultation line.

mod alerts;
mod backups;
mod cases;
mod readiness;

use mamoru_domain::access::{Grant, Role, Scope};
use mamoru_domain::contact::{ContactDraft, ContactInput, PartyDraft};
use mamoru_domain::facility::{FacilityDraft, FacilityInput};
use mamoru_domain::{FacilityId, OrgId, PartyId};
use mamoru_store::{Actor, NewUser};

use crate::App;
use crate::auth::{password, secret};
use crate::error::Result;

/// The demo organisation's name.
pub const ORG: &str = "医療法人みなと会（デモ）";
/// The demo register, a CSV file as a hospital would keep it (also a sample for users).
const REGISTER: &str = include_str!("register.csv");
/// Advisories for the demo devices, written for the demo in the NVD API 2.0 format (the facts
/// are public: CVE ids, affected versions, CISA KEV dates; the descriptions are our own).
const ADVISORIES: &str = include_str!("advisories.json");

/// The demo administrator's login.
pub const ADMIN: &str = "admin@minato.example.jp";

/// What `mamoru demo` tells the user.
#[derive(Debug, Clone)]
pub struct DemoInfo {
    /// The organisation.
    pub org: OrgId,
    /// The administrator's e-mail.
    pub email: String,
    /// A freshly generated password (a new one at every start).
    pub password: String,
    /// Whether the data was created now (false: an existing demo was reused).
    pub created: bool,
}

impl App {
    /// Creates the demo organisation, or reuses it and gives its administrator a new password.
    /// The demo's backup jobs work on sample folders under the system's temporary folder
    /// (see [`App::seed_demo_in`]).
    pub async fn seed_demo(&self) -> Result<DemoInfo> {
        self.seed_demo_in(&std::env::temp_dir().join("mamoru-demo-files")).await
    }

    /// [`App::seed_demo`], with the demo's backup jobs working under `files`: their sample
    /// sources, repositories, offline copies and password file are made there, so pressing
    /// "back up now" in the demo runs a real backup without touching the machine's own folders.
    pub async fn seed_demo_in(&self, files: &std::path::Path) -> Result<DemoInfo> {
        let password = secret::readable_password();
        let hash = password::hash(&password).await?;
        let actor = Actor::system();
        let admin = |hash: String| NewUser {
            email: ADMIN.into(),
            display_name: "システム管理者".into(),
            password_hash: hash,
            grants: vec![Grant { role: Role::Admin, scope: Scope::Organization }],
        };
        if let Some(org) = self.store.org_by_name(ORG).await? {
            match self.store.user_by_email(ADMIN).await?.filter(|u| u.org_id == org.id) {
                Some(user) => self.store.set_password(org.id, user.id, &hash, None, &actor).await?,
                None => drop(self.store.create_user(org.id, &admin(hash), &actor).await?),
            }
            return Ok(DemoInfo { org: org.id, email: ADMIN.into(), password, created: false });
        }
        let org = self.store.create_org(ORG, &actor).await?;
        self.store.create_user(org, &admin(hash), &actor).await?;
        Seeder { app: self, org, actor, files }.run().await?;
        Ok(DemoInfo { org, email: ADMIN.into(), password, created: true })
    }
}

struct Seeder<'a> {
    app: &'a App,
    /// Where the backup jobs' sample folders and repositories go.
    files: &'a std::path::Path,
    org: OrgId,
    actor: Actor,
}

impl Seeder<'_> {
    async fn run(&self) -> Result<()> {
        let hospital =
            self.facility("みなと総合病院", "病院", "400", "大阪府大阪市港区（デモ）", "06-0000-1000").await?;
        let clinic =
            self.facility("みなと内科クリニック", "診療所", "19", "大阪府大阪市港区（デモ）", "06-0000-2000").await?;
        let station = self
            .facility(
                "みなと訪問看護ステーション",
                "訪問看護ステーション",
                "",
                "大阪府大阪市港区（デモ）",
                "06-0000-3000",
            )
            .await?;

        let network = self
            .party(
                "関西ネットワークサービス株式会社",
                "保守業者",
                "ネットワーク機器・VPN装置の保守（契約番号 NW-2023-118）",
            )
            .await?;
        let emr = self
            .party("株式会社なにわメディカルシステムズ", "保守業者", "電子カルテの保守。リモート保守回線あり")
            .await?;
        let pacs = self.party("株式会社イメージングテック", "保守業者", "PACS・画像診断装置の保守").await?;
        self.party("株式会社ミールケア", "保守業者", "給食委託。献立システム用のVPN接続あり").await?;
        let mhlw = self
            .party(
                "厚生労働省 医政局",
                "厚生労働省",
                "特定医薬品開発支援・医療情報担当参事官室。最新の連絡先は厚生労働省の案内で確認",
            )
            .await?;
        let pref = self
            .party("大阪府 健康医療部（デモ）", "都道府県", "医療機関のサイバー攻撃の報告先（デモ用の架空の連絡先）")
            .await?;
        let police =
            self.party("大阪府警察 サイバー犯罪相談窓口", "警察", "相談は警察相談専用電話 #9110 でも可").await?;
        let insurer = self
            .party("東西損害保険株式会社（デモ）", "保険会社", "サイバー保険 証券番号 CY-0000-1234（デモ）")
            .await?;

        self.contact(
            None,
            None,
            "情報システム課 山田 太郎",
            "課長",
            "第一報",
            "1",
            "06-0000-1100",
            "yamada@minato.example.jp",
            "平日 8:30-17:30",
        )
        .await?;
        self.contact(None, Some(hospital), "当直事務", "夜間・休日", "第一報", "2", "06-0000-1199", "", "夜間・休日")
            .await?;
        self.contact(
            None,
            Some(hospital),
            "副院長 佐藤 花子",
            "医療情報システム安全管理責任者",
            "安全管理責任者",
            "1",
            "06-0000-1001",
            "sato@minato.example.jp",
            "",
        )
        .await?;
        self.contact(None, Some(hospital), "院長 鈴木 一郎", "管理者", "管理者", "1", "06-0000-1000", "", "").await?;
        self.contact(
            None,
            Some(clinic),
            "院長 高橋 誠",
            "管理者",
            "管理者",
            "1",
            "06-0000-2000",
            "takahashi@minato.example.jp",
            "",
        )
        .await?;
        self.contact(
            None,
            Some(station),
            "所長 伊藤 美香",
            "管理者",
            "管理者",
            "1",
            "06-0000-3000",
            "ito@minato.example.jp",
            "",
        )
        .await?;
        self.contact(
            Some(network),
            None,
            "関西ネットワークサービス 保守窓口",
            "",
            "保守窓口",
            "1",
            "06-0000-4000",
            "support@kns.example.jp",
            "24時間365日",
        )
        .await?;
        self.contact(
            Some(emr),
            None,
            "なにわメディカルシステムズ サポートセンター",
            "",
            "保守窓口",
            "2",
            "06-0000-5000",
            "support@naniwa-med.example.jp",
            "平日 9:00-18:00（緊急時 24時間）",
        )
        .await?;
        self.contact(
            Some(pacs),
            Some(hospital),
            "イメージングテック 大阪サービス",
            "",
            "保守窓口",
            "3",
            "06-0000-6000",
            "",
            "平日 9:00-17:00",
        )
        .await?;
        self.contact(
            Some(mhlw),
            None,
            "医療情報担当参事官室",
            "",
            "報告先",
            "1",
            "03-5253-1111",
            "",
            "平日（代表電話から担当へ）",
        )
        .await?;
        self.contact(Some(pref), None, "医療対策課（デモ）", "", "報告先", "2", "06-0000-7000", "", "平日 9:00-17:45")
            .await?;
        self.contact(Some(police), None, "サイバー犯罪相談窓口", "", "報告先", "3", "#9110", "", "平日 8:30-17:15")
            .await?;
        self.contact(
            Some(insurer),
            None,
            "事故受付センター（デモ）",
            "",
            "相談先",
            "1",
            "06-0000-8000",
            "cyber@tozai-ins.example.jp",
            "24時間",
        )
        .await?;

        // The register goes in as a hospital would bring it: a CSV file, through the import.
        let parsed = mamoru_inventory::read_register(REGISTER.as_bytes(), "demo-register.csv", &Default::default())
            .expect("the demo register is readable");
        assert!(parsed.errors.is_empty(), "the demo register is valid: {:?}", parsed.errors);
        let entries: Vec<_> = parsed.entries.into_iter().map(|l| l.entry).collect();
        let store = &self.app.store;
        store.import_register(self.org, &entries, &parsed.columns, "demo-register.csv", &self.actor, false).await?;

        // A few advisories for the demo's own devices, so the dashboard shows what an imported
        // NVD does (feeds are shared by every organisation; the demo's own database has no other).
        let feed = mamoru_vuln::feed::read(ADVISORIES.as_bytes(), "demo-advisories.json").expect("the demo feed reads");
        let (batch, _) = crate::vuln::batch_of(std::path::Path::new("demo-advisories.json"), feed);
        store.write_feed(&batch, &self.actor).await?;
        self.app.rematch(self.org, None, &self.actor).await?;

        // Alerts from the demo's own rules and logs, so the alert pages have something to show.
        alerts::seed(self.app, self.org, hospital, clinic).await?;
        // An incident two days into its response, for the case pages and the documents.
        cases::seed(self.app, self.org, hospital).await?;
        // Backup jobs with weeks of recorded results, for the backup card and the annual report.
        backups::seed(self.app, self.org, hospital, clinic, self.files).await?;
        // A BCP draft and a past tabletop drill, for the BCP and drill pages.
        readiness::seed(self.app, self.org, hospital).await?;
        Ok(())
    }

    async fn facility(&self, name: &str, kind: &str, beds: &str, address: &str, phone: &str) -> Result<FacilityId> {
        let input = FacilityInput {
            name: name.into(),
            kind: kind.into(),
            beds: beds.into(),
            prefecture: "大阪府".into(),
            operator: "民間".into(),
            address: address.into(),
            phone: phone.into(),
        };
        let draft = FacilityDraft::parse(&input).expect("demo facility is valid");
        Ok(self.app.store.create_facility(self.org, &draft, &self.actor).await?)
    }

    async fn party(&self, name: &str, kind: &str, notes: &str) -> Result<PartyId> {
        let draft = PartyDraft::parse(name, kind, notes).expect("demo party is valid");
        Ok(self.app.store.create_party(self.org, &draft, &self.actor).await?)
    }

    #[allow(clippy::too_many_arguments)]
    async fn contact(
        &self,
        party: Option<PartyId>,
        facility: Option<FacilityId>,
        name: &str,
        title: &str,
        role: &str,
        order: &str,
        phone: &str,
        email: &str,
        hours: &str,
    ) -> Result<()> {
        let input = ContactInput {
            name: name.into(),
            title: title.into(),
            role: role.into(),
            phone: phone.into(),
            email: email.into(),
            hours: hours.into(),
            order: order.into(),
            notes: String::new(),
        };
        let draft = ContactDraft::parse(&input).expect("demo contact is valid");
        self.app.store.create_contact(self.org, party, facility, &draft, &self.actor).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use mamoru_store::{Location, Store};

    use crate::{App, Config, Principal};

    #[tokio::test]
    async fn the_demo_is_complete_and_reusable() {
        let dir = tempfile::tempdir().unwrap();
        let app = App::new(Store::open(&Location::Dir(dir.path().to_owned())).await.unwrap(), Config::default());
        let first = app.seed_demo().await.unwrap();
        assert!(first.created);
        let p = Principal::cli(first.org);
        let d = app.dashboard(&p, jiff::civil::date(2026, 11, 25)).await.unwrap();
        assert_eq!((d.facilities, d.assets), (3, 23));
        assert!(d.chain_gaps.is_empty(), "every facility's chain reaches vendors, MHLW and the police");
        assert!(d.out_of_support >= 5, "Windows 10 PCs and the old FortiGate show up");
        let cases = app.cases(&p, Default::default()).await.unwrap();
        assert_eq!(cases.len(), 1);
        let appi = app.case_appi(&p, cases[0].id).await.unwrap();
        assert!(
            appi.obligation.is_some_and(|o| o.reportable) && !appi.reminders.is_empty(),
            "the demo case owes reports"
        );
        // The backup card shows every state a system can be in, those needing action first.
        let board = app.backup_board(&p, jiff::Timestamp::now()).await.unwrap();
        let states: Vec<_> = board.systems.iter().map(|s| (s.name.as_str(), s.status.code())).collect();
        assert_eq!(
            states,
            [
                ("PACS・画像", "overdue"),
                ("医事会計・レセプト", "failed"),
                ("ファイルサーバ（共有フォルダ）", "never"),
                ("電子カルテ（クリニック）", "due_soon"),
                ("電子カルテ", "fresh"),
            ]
        );
        assert_eq!(board.failed_backups(), 1);
        let again = app.seed_demo().await.unwrap();
        assert!(!again.created);
        assert_ne!(again.password, first.password);
        assert_eq!(app.dashboard(&p, jiff::civil::date(2026, 11, 25)).await.unwrap().assets, 23, "nothing duplicated");
        let login = app.login(super::ADMIN, &again.password, &Default::default()).await;
        assert!(matches!(login, Ok(crate::auth::LoginStep::Done(_))));
    }
}

//! The demo organisation: a 400-bed hospital, a 19-bed clinic and a visiting-nurse station,
//! with a realistic register (an old FortiOS on the VPN appliance, Windows 10 PCs past their
//! support end, remote-maintenance lines) and a contact chain, so every screen has
//! something true-to-life to show.
//!
//! Addresses use the documentation ranges (203.0.113.0/24, 192.0.2.0/24), e-mail addresses
//! `example.jp`, and invented phone numbers in the unassigned `06-0000` block, except for
//! the public switchboards of MHLW and the police consultation line.

use mamoru_domain::access::{Grant, Role, Scope};
use mamoru_domain::contact::{ContactDraft, ContactInput, PartyDraft};
use mamoru_domain::facility::{FacilityDraft, FacilityInput};
use mamoru_domain::{AssetDraft, AssetInput, FacilityId, OrgId, PartyId};
use mamoru_store::{Actor, NewAsset, NewUser};

use crate::App;
use crate::auth::{password, secret};
use crate::error::Result;

/// The demo organisation's name.
pub const ORG: &str = "医療法人みなと会（デモ）";
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
    pub async fn seed_demo(&self) -> Result<DemoInfo> {
        let password = secret::readable_password();
        let hash = password::hash(&password).await?;
        let actor = Actor::system();
        if let Some(org) = self.store.org_by_name(ORG).await? {
            if let Some(admin) = self.store.user_by_email(ADMIN).await?.filter(|u| u.org_id == org.id) {
                self.store.set_password(org.id, admin.id, &hash, None, &actor).await?;
                return Ok(DemoInfo { org: org.id, email: ADMIN.into(), password, created: false });
            }
        }
        let org = self.store.create_org(ORG, &actor).await?;
        let admin = NewUser {
            email: ADMIN.into(),
            display_name: "システム管理者".into(),
            password_hash: hash,
            grants: vec![Grant { role: Role::Admin, scope: Scope::Organization }],
        };
        self.store.create_user(org, &admin, &actor).await?;
        Seeder { app: self, org, actor }.run().await?;
        Ok(DemoInfo { org, email: ADMIN.into(), password, created: true })
    }
}

struct Seeder<'a> {
    app: &'a App,
    org: OrgId,
    actor: Actor,
}

/// name, category, vendor, product, version, cpe, ip, internet-facing, location, zone,
/// support end, last updated.
type Row<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str, &'a str, &'a str, &'a str, &'a str, &'a str, &'a str, &'a str);

impl Seeder<'_> {
    async fn run(&self) -> Result<()> {
        let hospital = self.facility("みなと総合病院", "病院", "400", "大阪府大阪市港区（デモ）", "06-0000-1000").await?;
        let clinic = self.facility("みなと内科クリニック", "診療所", "19", "大阪府大阪市港区（デモ）", "06-0000-2000").await?;
        let station = self.facility("みなと訪問看護ステーション", "訪問看護ステーション", "", "大阪府大阪市港区（デモ）", "06-0000-3000").await?;

        let network = self.party("関西ネットワークサービス株式会社", "保守業者", "ネットワーク機器・VPN装置の保守（契約番号 NW-2023-118）").await?;
        let emr = self.party("株式会社なにわメディカルシステムズ", "保守業者", "電子カルテの保守。リモート保守回線あり").await?;
        let pacs = self.party("株式会社イメージングテック", "保守業者", "PACS・画像診断装置の保守").await?;
        let meals = self.party("株式会社ミールケア", "保守業者", "給食委託。献立システム用のVPN接続あり").await?;
        let mhlw = self.party("厚生労働省 医政局", "厚生労働省", "特定医薬品開発支援・医療情報担当参事官室。最新の連絡先は厚生労働省の案内で確認").await?;
        let pref = self.party("大阪府 健康医療部（デモ）", "都道府県", "医療機関のサイバー攻撃の報告先（デモ用の架空の連絡先）").await?;
        let police = self.party("大阪府警察 サイバー犯罪相談窓口", "警察", "相談は警察相談専用電話 #9110 でも可").await?;
        let insurer = self.party("東西損害保険株式会社（デモ）", "保険会社", "サイバー保険 証券番号 CY-0000-1234（デモ）").await?;

        self.contact(None, None, "情報システム課 山田 太郎", "課長", "第一報", "1", "06-0000-1100", "yamada@minato.example.jp", "平日 8:30-17:30").await?;
        self.contact(None, Some(hospital), "当直事務", "夜間・休日", "第一報", "2", "06-0000-1199", "", "夜間・休日").await?;
        self.contact(None, Some(hospital), "副院長 佐藤 花子", "医療情報システム安全管理責任者", "安全管理責任者", "1", "06-0000-1001", "sato@minato.example.jp", "").await?;
        self.contact(None, Some(hospital), "院長 鈴木 一郎", "管理者", "管理者", "1", "06-0000-1000", "", "").await?;
        self.contact(None, Some(clinic), "院長 高橋 誠", "管理者", "管理者", "1", "06-0000-2000", "takahashi@minato.example.jp", "").await?;
        self.contact(None, Some(station), "所長 伊藤 美香", "管理者", "管理者", "1", "06-0000-3000", "ito@minato.example.jp", "").await?;
        self.contact(Some(network), None, "関西ネットワークサービス 保守窓口", "", "保守窓口", "1", "06-0000-4000", "support@kns.example.jp", "24時間365日").await?;
        self.contact(Some(emr), None, "なにわメディカルシステムズ サポートセンター", "", "保守窓口", "2", "06-0000-5000", "support@naniwa-med.example.jp", "平日 9:00-18:00（緊急時 24時間）").await?;
        self.contact(Some(pacs), Some(hospital), "イメージングテック 大阪サービス", "", "保守窓口", "3", "06-0000-6000", "", "平日 9:00-17:00").await?;
        self.contact(Some(mhlw), None, "医療情報担当参事官室", "", "報告先", "1", "03-5253-1111", "", "平日（代表電話から担当へ）").await?;
        self.contact(Some(pref), None, "医療対策課（デモ）", "", "報告先", "2", "06-0000-7000", "", "平日 9:00-17:45").await?;
        self.contact(Some(police), None, "サイバー犯罪相談窓口", "", "報告先", "3", "#9110", "", "平日 8:30-17:15").await?;
        self.contact(Some(insurer), None, "事故受付センター（デモ）", "", "相談先", "1", "06-0000-8000", "cyber@tozai-ins.example.jp", "24時間").await?;

        let h = |f| (f, Some(network), None);
        self.assets(h(hospital), &[
            ("本館VPN装置", "VPN装置", "Fortinet", "FortiGate 100E", "6.0.4", "cpe:2.3:o:fortinet:fortios:6.0.4:*:*:*:*:*:*:*", "203.0.113.10", "はい", "本館2F サーバ室", "DMZ", "2026-03-31", "2019-05-10"),
            ("境界ファイアウォール", "UTM/ファイアウォール", "Palo Alto Networks", "PA-440", "10.2.9-h1", "cpe:2.3:o:paloaltonetworks:pan-os:10.2.9:h1:*:*:*:*:*:*", "203.0.113.11", "はい", "本館2F サーバ室", "境界", "2029-08-31", "2024-06-20"),
            ("院内コアスイッチ", "スイッチ/無線AP", "Cisco", "Catalyst 9300", "17.3.4", "", "192.0.2.1", "いいえ", "本館2F サーバ室", "院内LAN", "", "2023-02-01"),
            ("病棟無線AP-3F", "スイッチ/無線AP", "HPE Aruba", "AP-515", "8.10.0.6", "", "192.0.2.31", "いいえ", "本館3F 病棟", "院内LAN", "", "2023-11-15"),
        ]).await?;
        self.assets((hospital, Some(emr), Some(emr)), &[
            ("電子カルテ保守用ルータ", "ルータ", "ヤマハ", "RTX1210", "Rev.14.01.38", "cpe:2.3:o:yamaha:rtx1210_firmware:14.01.38:*:*:*:*:*:*:*", "203.0.113.20", "はい", "本館2F サーバ室", "保守回線", "2030-03-31", "2021-09-01"),
        ]).await?;
        self.assets((hospital, Some(meals), Some(meals)), &[
            ("給食委託用VPNルータ", "VPN装置", "NEC", "UNIVERGE IX2106", "10.2.16", "", "203.0.113.21", "はい", "本館B1 栄養科", "委託業者回線", "", "2020-04-01"),
        ]).await?;
        self.assets((hospital, Some(emr), None), &[
            ("電子カルテサーバ", "電子カルテ", "富士通", "HOPE LifeMark-HX", "V11.2", "", "192.0.2.10", "いいえ", "本館2F サーバ室", "電子カルテ系", "2028-03-31", "2024-02-15"),
            ("電子カルテDBサーバ", "サーバ", "Microsoft", "Windows Server 2016", "1607 (14393.6981)", "cpe:2.3:o:microsoft:windows_server_2016:1607:*:*:*:*:*:*:*", "192.0.2.11", "いいえ", "本館2F サーバ室", "電子カルテ系", "2027-01-12", "2024-05-14"),
            ("外来端末-01", "端末PC", "NEC", "Mate MKL43", "Windows 10 22H2", "cpe:2.3:o:microsoft:windows_10_22h2:-:*:*:*:*:*:*:*", "192.0.2.101", "いいえ", "外来1診", "電子カルテ系", "2025-10-14", "2025-06-10"),
            ("外来端末-02", "端末PC", "NEC", "Mate MKL43", "Windows 10 22H2", "cpe:2.3:o:microsoft:windows_10_22h2:-:*:*:*:*:*:*:*", "192.0.2.102", "いいえ", "外来2診", "電子カルテ系", "2025-10-14", "2025-06-10"),
            ("病棟端末-3F-01", "端末PC", "富士通", "ESPRIMO D7012", "Windows 11 23H2", "cpe:2.3:o:microsoft:windows_11_23h2:-:*:*:*:*:*:*:*", "192.0.2.131", "いいえ", "3F ナースステーション", "電子カルテ系", "2025-11-11", "2025-09-09"),
            ("医事会計端末", "端末PC", "富士通", "ESPRIMO D7012", "Windows 11 24H2", "cpe:2.3:o:microsoft:windows_11_24h2:-:*:*:*:*:*:*:*", "192.0.2.140", "いいえ", "1F 医事課", "電子カルテ系", "2026-10-13", "2025-10-15"),
        ]).await?;
        self.assets((hospital, Some(pacs), None), &[
            ("PACSサーバ", "PACS", "富士フイルム", "SYNAPSE", "5.7", "", "192.0.2.20", "いいえ", "本館2F サーバ室", "画像系", "2027-03-31", "2023-08-01"),
            ("CT装置", "医療機器", "キヤノンメディカルシステムズ", "Aquilion ONE", "10.0", "", "192.0.2.51", "いいえ", "放射線科 CT室", "画像系", "2031-03-31", "2022-12-01"),
            ("生体情報モニタ（ICU）", "医療機器", "日本光電", "CNS-6201", "", "", "192.0.2.61", "いいえ", "ICU", "医療機器系", "", ""),
        ]).await?;
        self.assets((hospital, None, None), &[
            ("ファイルサーバ", "サーバ", "Synology", "DS920+", "DSM 7.1.1", "", "192.0.2.12", "いいえ", "本館2F サーバ室", "院内LAN", "", "2022-10-01"),
        ]).await?;
        self.assets((clinic, Some(network), None), &[
            ("クリニックVPNルータ", "ルータ", "ヤマハ", "RTX830", "Rev.15.02.20", "cpe:2.3:o:yamaha:rtx830_firmware:15.02.20:*:*:*:*:*:*:*", "203.0.113.40", "はい", "受付裏", "境界", "2030-03-31", "2022-03-01"),
        ]).await?;
        self.assets((clinic, Some(emr), None), &[
            ("診察室端末", "端末PC", "Lenovo", "ThinkCentre M75q", "Windows 11 23H2", "", "192.0.2.201", "いいえ", "診察室", "院内LAN", "2025-11-11", "2025-08-01"),
            ("受付・レセコン端末", "端末PC", "Lenovo", "ThinkCentre M75q", "Windows 10 22H2", "", "192.0.2.202", "いいえ", "受付", "院内LAN", "2025-10-14", "2025-05-01"),
            ("レセプトコンピュータ", "その他", "日本医師会ORCA管理機構", "ORCA", "5.2.0", "", "192.0.2.210", "いいえ", "受付", "院内LAN", "", "2024-06-01"),
        ]).await?;
        self.assets((station, None, None), &[
            ("訪問用タブレット-01", "端末PC", "Apple", "iPad (第10世代)", "iPadOS 17.6", "", "", "いいえ", "持ち出し", "モバイル", "", "2024-09-01"),
            ("訪問用タブレット-02", "端末PC", "Apple", "iPad (第10世代)", "iPadOS 18.1", "", "", "いいえ", "持ち出し", "モバイル", "", "2024-11-01"),
            ("事務所ルータ", "ルータ", "NEC", "Aterm WX3600HP", "1.4.2", "", "203.0.113.60", "はい", "事務所", "境界", "", "2023-01-20"),
        ]).await?;
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

    async fn assets(&self, (facility, vendor, remote): (FacilityId, Option<PartyId>, Option<PartyId>), rows: &[Row<'_>]) -> Result<()> {
        for &(name, category, maker, product, version, cpe, ip, inet, location, zone, support_end, updated) in rows {
            let input = AssetInput {
                name: name.into(),
                category: category.into(),
                vendor: maker.into(),
                product: product.into(),
                version: version.into(),
                cpe: cpe.into(),
                ip: ip.into(),
                internet_facing: inet.into(),
                location: location.into(),
                network_zone: zone.into(),
                remote_maintenance: if remote.is_some() { "はい" } else { "" }.into(),
                owner: "情報システム課".into(),
                support_end: support_end.into(),
                last_updated: updated.into(),
                ..Default::default()
            };
            let draft = AssetDraft::parse(&input).unwrap_or_else(|e| panic!("demo asset {name} is invalid: {e:?}"));
            let new = NewAsset { facility_id: facility, draft, maintenance_vendor: vendor, remote_vendor: remote };
            self.app.store.create_asset(self.org, &new, &self.actor).await?;
        }
        Ok(())
    }
}

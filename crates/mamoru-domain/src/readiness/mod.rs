//! Readiness: MHLW's cybersecurity checklist (医療機関等におけるサイバーセキュリティ対策
//! チェックリスト) as versioned data, the answers a facility gives, and the evidence rules that
//! propose an answer from what Mamoru already holds.
//!
//! Since April 2023 (医療法施行規則 第14条第2項) prefectural on-site inspections (医療法
//! 第25条第1項, 立入検査要綱 2-19) look at this checklist: every item answered はい/いいえ with
//! the date it was confirmed, and for いいえ a target date within the fiscal year; both the
//! facility's sheet (医療機関確認用) and each vendor's sheet (事業者確認用).
//! Source: shared/reference/japan-regulation.md §1 (blog.hckn.work 2024/05; kk-gem.com
//! information-711; wic-net.com/material/document/19102/3 = R7 manual draft p.3).
//!
//! - [`checklist`]: the editions (`data/checklist/fy*.yml`, embedded), their items and loader;
//!   a new edition is a data file, not code.
//! - [`answer`]: what a person answers for an item, checked against the fiscal year.
//! - [`rules`]: pure evidence rules over [`rules::Facts`], each proposing はい, いいえ or
//!   "cannot decide" with a reason in Japanese.
//! - [`fiscal`]: the Japanese fiscal year (April–March) in Asia/Tokyo.
//! - [`inspection`]: the four points an on-site inspection looks at, judged from the records,
//!   and ([`score`]) a sheet's figures for the overview of every facility.
//! - [`bcp`]: the cyber-attack BCP's sections after MHLW's template, restore time against
//!   target (RTO), the BCP fact; [`drills`]: tabletop drill scenarios as data.

mod file;

pub mod answer;
pub mod bcp;
pub mod checklist;
pub mod cost;
pub mod drills;
pub mod fiscal;
pub mod inspection;
pub mod roadmap;
pub mod rules;
pub mod score;
pub mod training;

use crate::choice::choice_enum;

pub use answer::{Answer, AnswerInput};
pub use checklist::{Edition, EditionError, Item, current_edition, edition, editions};
pub use fiscal::FiscalYear;
pub use rules::{Facts, Proposal, RuleId, Verdict};

choice_enum! {
    /// Which sheet of the checklist an item is on.
    pub enum Sheet {
        /// 医療機関確認用: the facility answers.
        Facility => ("facility", "医療機関確認用", "Facility sheet", ["医療機関"]),
        /// 事業者確認用: each vendor of a medical information system answers for its own systems.
        Vendor => ("vendor", "事業者確認用", "Vendor sheet", ["事業者"]),
    }
}

choice_enum! {
    /// The checklist's three groups, in the checklist's order.
    pub enum Group {
        /// 1 体制構築: the security manager, the rules.
        Governance => ("governance", "体制構築", "Governance"),
        /// 2 医療情報システムの管理・運用: ledger, accounts, patches, connections.
        Operations => ("operations", "医療情報システムの管理・運用", "Management and operation", ["管理・運用"]),
        /// 3 インシデント発生に備えた対応: contacts, backups, BCP.
        Incident => ("incident", "インシデント発生に備えた対応", "Preparing for incidents", ["インシデント対応"]),
    }
}

choice_enum! {
    /// The device class an item is checked for (the checklist's 【サーバ】【端末PC】 columns).
    pub enum Target {
        /// サーバ.
        Server => ("server", "サーバ", "Servers", ["サーバー"]),
        /// 端末PC.
        Pc => ("pc", "端末PC", "PCs", ["端末"]),
        /// ネットワーク機器.
        Network => ("network", "ネットワーク機器", "Network devices"),
        /// 医療情報システム全般.
        All => ("all", "医療情報システム全般", "All medical information systems", ["全般"]),
    }
}

choice_enum! {
    /// The answer a person gives: はい or いいえ.
    pub enum Reply {
        /// はい: the measure is in place.
        Yes => ("yes", "はい", "Yes", ["○", "〇", "◯", "y", "1"]),
        /// いいえ: not yet; a target date within the fiscal year is required.
        No => ("no", "いいえ", "No", ["×", "✕", "n", "0"]),
    }
}

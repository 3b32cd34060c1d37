//! The hospital's BCP draft and one past tabletop drill, so the BCP and drill pages have
//! something to show: approving the draft on the BCP page turns the checklist's 3-③ to はい.

use jiff::ToSpan;
use mamoru_domain::{FacilityId, OrgId};

use crate::error::Result;
use crate::readiness::bcp::{BcpForm, SystemForm};
use crate::readiness::drills::{DrillForm, TaskForm};
use crate::{App, Principal, today};

/// Saves the hospital's BCP draft with its systems' targets, and a drill held 60 days ago.
pub(super) async fn seed(app: &App, org: OrgId, hospital: FacilityId) -> Result<()> {
    let p = Principal::system(org);
    let form = BcpForm {
        sections: vec![(
            "diagrams".into(),
            "ネットワーク構成図（2025年4月版）は情報システム課の金庫と本館2F サーバ室に紙で保管。".into(),
        )],
        ..Default::default()
    };
    app.save_bcp(&p, hospital, &form).await?;
    for (system, rto, risk, fallback) in [
        ("電子カルテ", "240", "外来・入院の記録と指示が止まる", "紙カルテ・紙の指示票。検査結果は電話と紙で受け渡す"),
        ("PACS・画像", "480", "画像の参照ができない", "モダリティ本体の画面で確認し、読影は後日"),
        ("医事会計・レセプト", "1440", "会計とレセプト請求が止まる", "手書きの領収書、後日まとめて入力"),
    ] {
        let row =
            SystemForm { system: system.into(), rto_minutes: rto.into(), risk: risk.into(), fallback: fallback.into() };
        app.save_bcp_system(&p, hospital, &row).await?;
    }

    let held = today() - 60.days();
    let drill = DrillForm {
        facility: hospital.to_string(),
        scenario: "vpn-ransomware".into(),
        held_on: held.to_string(),
        participants: "院長、事務長、看護部長、情報システム課 佐藤".into(),
    };
    let d = app.start_drill(&p, &drill).await?;
    for (finding, at, body) in [
        (false, "T+0", "夜勤看護師から情報システム課へ電話。課長の携帯につながるまで25分"),
        (false, "T+1h", "院長判断で外来を縮小、紙運用に切り替え"),
        (false, "T+4h", "オフラインのRDXから電子カルテを復元する手順を確認"),
        (true, "T+0", "夜間・休日の連絡先が連絡体制図に載っていない"),
        (true, "T+4h", "RDXの保管場所の鍵を持つ人が1人だけ"),
    ] {
        app.add_drill_entry(&p, d, finding, at, body).await?;
    }
    let done = app
        .add_drill_task(
            &p,
            d,
            &TaskForm {
                title: "夜間・休日の連絡先を連絡体制図に追加".into(),
                owner: "事務長".into(),
                due: (held + 14.days()).to_string(),
            },
        )
        .await?;
    app.set_drill_task_done(&p, d, done, true).await?;
    let task = TaskForm {
        title: "RDX保管庫の鍵を2人に持たせる".into(),
        owner: "情報システム課 佐藤".into(),
        due: (today() + 30.days()).to_string(),
    };
    app.add_drill_task(&p, d, &task).await?;
    Ok(())
}

//! The BCP (versioned sections, approval, per-system rows) and drills (timeline, findings,
//! tasks done/undone), audited and kept inside the organisation.

use jiff::civil::Date;
use mamoru_store::{AuditQuery, BcpInput, BcpSystem, Error, NewBcpDiagram};

use super::support::{actor, each_backend, org_with_facility, raw_execute};

#[tokio::test]
async fn the_bcp_is_versioned_approved_and_audited() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, f) = org_with_facility(s, "A", "病院").await;
        assert_eq!(s.bcp(org, f).await.unwrap(), None);
        let mut input = BcpInput::default();
        input.sections.insert("impacts".into(), "電子カルテが使えない".into());
        assert_eq!(s.save_bcp(org, f, &input, &actor()).await.unwrap(), 1);
        let p = s.bcp(org, f).await.unwrap().unwrap();
        assert_eq!((p.version, p.input.approved.clone()), (1, None), "{}", t.name);
        input.approved = Some((Date::constant(2025, 6, 1), "院長 山田".into()));
        input.sections.insert("reporting".into(), "厚生労働省へ".into());
        assert_eq!(s.save_bcp(org, f, &input, &actor()).await.unwrap(), 2);
        let p = s.bcp(org, f).await.unwrap().unwrap();
        assert_eq!((p.version, &p.input), (2, &input));

        let row = BcpSystem {
            system: "電子カルテ".into(),
            rto_minutes: Some(240),
            risk: "診療停止".into(),
            fallback: "紙カルテ".into(),
        };
        s.save_bcp_system(org, f, &row, &actor()).await.unwrap();
        let row2 = BcpSystem { rto_minutes: Some(120), ..row.clone() };
        s.save_bcp_system(org, f, &row2, &actor()).await.unwrap();
        assert_eq!(s.bcp_systems(org, f).await.unwrap(), vec![row2], "saving again replaces the row");

        let log = s
            .audit_entries(org, &AuditQuery { action_prefix: Some("bcp.".into()), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(log.len(), 4);
        assert!(log.iter().any(|e| e.summary.contains("第2版") && e.summary.contains("院長 山田")), "{log:?}");

        let (other, g) = org_with_facility(s, "B", "診療所").await;
        assert!(matches!(s.save_bcp(other, f, &input, &actor()).await, Err(Error::NotFound { .. })));
        assert_eq!(s.bcp(other, g).await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn a_drill_keeps_its_timeline_findings_and_tasks() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, f) = org_with_facility(s, "A", "病院").await;
        let day = Date::constant(2025, 9, 12);
        let d = s.create_drill(org, f, "vpn-ransomware", day, "院長、事務長、情報管理室", &actor()).await.unwrap();
        s.add_drill_entry(org, d, false, "09:00", "夜勤から連絡", &actor()).await.unwrap();
        s.add_drill_entry(org, d, true, "09:20", "事業者の夜間連絡先がない", &actor()).await.unwrap();
        let task = s
            .add_drill_task(org, d, "夜間連絡先を確認", "事務長", Date::constant(2025, 10, 31), &actor())
            .await
            .unwrap();
        let (drill, entries, tasks) = s.drill(org, d).await.unwrap();
        assert_eq!((drill.held_on, drill.scenario.as_str()), (day, "vpn-ransomware"), "{}", t.name);
        assert_eq!(
            entries.iter().map(|e| (e.finding, e.body.as_str())).collect::<Vec<_>>(),
            [(false, "夜勤から連絡"), (true, "事業者の夜間連絡先がない")]
        );
        assert_eq!((tasks.len(), tasks[0].done, tasks[0].owner.as_str()), (1, false, "事務長"));
        assert!(s.set_drill_task_done(org, task, true, &actor()).await.unwrap().done);
        assert!(s.drill(org, d).await.unwrap().2[0].done);
        assert_eq!(s.drills(org, Some(f)).await.unwrap(), vec![drill.clone()]);
        assert_eq!(s.drills(org, None).await.unwrap().len(), 1);

        let log = s
            .audit_entries(org, &AuditQuery { action_prefix: Some("drill.".into()), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(log.len(), 5, "{log:?}");

        let (other, _) = org_with_facility(s, "B", "診療所").await;
        assert!(matches!(s.drill(other, d).await, Err(Error::NotFound { .. })));
        assert!(matches!(s.add_drill_entry(other, d, false, "x", "y", &actor()).await, Err(Error::NotFound { .. })));
        assert!(matches!(s.set_drill_task_done(other, task, false, &actor()).await, Err(Error::NotFound { .. })));
        assert!(s.drills(other, None).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_diagram_is_kept_with_its_digest_checked_and_removed_with_an_audit_entry() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, f) = org_with_facility(s, "A", "病院").await;
        let file = |name| NewBcpDiagram { name, media_type: "image/png", content: b"\x89PNG network".to_vec() };
        let kept = s.add_bcp_diagram(org, f, file("ネットワーク構成図.png"), &actor()).await.unwrap();
        let second = s.add_bcp_diagram(org, f, file("system.vsdx"), &actor()).await.unwrap();
        assert!(kept.sha256.len() == 64 && kept.sha256.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')));
        assert_eq!((kept.size, kept.sha256 == second.sha256), (12, true), "same bytes, same digest");
        let listed = s.bcp_diagrams(org, f).await.unwrap();
        assert_eq!(listed, vec![kept.clone(), second.clone()], "{}", t.name);
        let (read, bytes) = s.bcp_diagram_content(org, kept.id).await.unwrap();
        assert_eq!((read, bytes), (kept.clone(), b"\x89PNG network".to_vec()));

        let (other, g) = org_with_facility(s, "B", "診療所").await;
        assert!(matches!(s.bcp_diagram_content(other, kept.id).await, Err(Error::NotFound { .. })));
        assert!(matches!(s.add_bcp_diagram(other, f, file("x.pdf"), &actor()).await, Err(Error::NotFound { .. })));
        assert!(s.bcp_diagrams(other, g).await.unwrap().is_empty());

        // A file changed behind the store's back is refused by name, not handed out.
        raw_execute(&t, "UPDATE bcp_diagrams SET content = substr(content, 2) WHERE name = 'system.vsdx'")
            .await
            .unwrap();
        match s.bcp_diagram_content(org, second.id).await {
            Err(Error::Corrupt(why)) => assert!(why.contains("system.vsdx"), "{why}"),
            other => panic!("{other:?}"),
        }

        let gone = s.remove_bcp_diagram(org, kept.id, &actor()).await.unwrap();
        assert_eq!(gone.name, "ネットワーク構成図.png");
        assert_eq!(s.bcp_diagrams(org, f).await.unwrap().len(), 1);
        let log = s
            .audit_entries(org, &AuditQuery { action_prefix: Some("bcp.diagram".into()), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(log.len(), 3);
        assert!(log.iter().any(|e| e.action == "bcp.diagram.remove" && e.summary.contains("ネットワーク構成図.png")));
    })
    .await;
}

use jiff::{SignedDuration, Timestamp};
use mamoru_domain::{AlertLevel, AlertPolicy, AlertStatus, SmtpSecurity, SmtpSettings};
use mamoru_store::{AlertMessage, AlertQuery, AuditQuery, CLAIM, Channel, Error, NewDetection, NewSuppression, Owed};

use super::support::{actor, each_backend, org_with_facility};

fn detection(rule: &str, computer: &str, level: AlertLevel, minutes: i64) -> NewDetection {
    NewDetection {
        rule_id: rule.into(),
        rule_title: format!("title of {rule}"),
        level,
        rule_file: format!("{rule}.yml"),
        tags: vec!["attack.t1070.001".into()],
        computer: computer.into(),
        channel: "Security".into(),
        event_id: Some(1102),
        at: "2026-11-25T01:00:00Z".parse::<Timestamp>().unwrap() + SignedDuration::from_mins(minutes),
        details: vec![("SubjectUserName".into(), "backup".into())],
        origin: Some("Security.evtx".into()),
    }
}

fn burst(rule: &str, computer: &str, n: i64) -> Vec<NewDetection> {
    (0..n).map(|i| detection(rule, computer, AlertLevel::High, i / 60)).collect()
}

#[tokio::test]
async fn a_burst_is_one_alert_and_reading_it_again_counts_it_again() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, facility) = org_with_facility(s, "みなと会", "みなと総合病院").await;
        let policy = AlertPolicy::default();
        let mut batch = burst("clear-log", "PC-01", 1000);
        batch.push(detection("clear-log", "pc-01", AlertLevel::High, 5));
        batch.push(detection("clear-log", "PC-02", AlertLevel::High, 5));
        batch.push(detection("new-admin", "PC-01", AlertLevel::Medium, 5));
        let first = s.ingest_detections(org, facility, &batch, &policy, &actor()).await.unwrap();
        assert_eq!((first.created.len(), first.updated.len(), first.suppressed), (3, 0, 0), "{}", t.name);

        let all = s.alerts(org, &AlertQuery::default()).await.unwrap();
        let pc1 = all.iter().find(|a| a.rule_id == "clear-log" && a.computer == "PC-01").unwrap();
        assert_eq!(pc1.count, 1001, "computer names ignore case");
        assert_eq!(
            (pc1.status, pc1.level, pc1.facility_name.as_str()),
            (AlertStatus::New, AlertLevel::High, "みなと総合病院")
        );
        assert_eq!(pc1.first_seen, batch[0].at);
        assert_eq!(pc1.last_seen, batch[999].at);
        assert_eq!(pc1.details, [("SubjectUserName".to_owned(), "backup".to_owned())]);
        assert_eq!(pc1.tags, ["attack.t1070.001"]);

        let again = s.ingest_detections(org, facility, &batch, &policy, &actor()).await.unwrap();
        assert!(again.created.is_empty());
        assert_eq!(again.updated.len(), 3);
        assert_eq!(s.alert(org, pc1.id).await.unwrap().count, 2002);

        // Three days of quiet later, the same rule on the same computer is news again.
        let later = [detection("clear-log", "PC-01", AlertLevel::High, 3 * 24 * 60)];
        let r = s.ingest_detections(org, facility, &later, &policy, &actor()).await.unwrap();
        assert_eq!(r.created.len(), 1);
        // Within the window of the old alert's last event, it joins it.
        let near = [detection("clear-log", "PC-02", AlertLevel::High, 20 * 60)];
        let r = s.ingest_detections(org, facility, &near, &policy, &actor()).await.unwrap();
        assert_eq!((r.created.len(), r.updated.len()), (0, 1));

        let q = AlertQuery { min_level: Some(AlertLevel::High), ..Default::default() };
        assert_eq!(s.count_alerts(org, &q).await.unwrap(), 3);
        let page = s.alerts(org, &AlertQuery { limit: Some(2), offset: 1, ..Default::default() }).await.unwrap();
        assert_eq!(page.len(), 2);
        let counts = s.alert_counts(org, None).await.unwrap();
        assert_eq!((counts.open_by_level[3], counts.open_by_level[2], counts.new), (3, 1, 4));

        let log =
            s.audit_entries(org, &AuditQuery { entity: Some("alert".into()), ..Default::default() }).await.unwrap();
        assert_eq!(log.len(), 4, "one entry per ingest");
        assert!(log[3].summary.contains("1003 detections: 3 new alerts"), "{}", log[3].summary);
    })
    .await;
}

#[tokio::test]
async fn alerts_are_found_by_level_and_by_words_of_their_title_or_computer() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, facility) = org_with_facility(s, "みなと会", "みなと総合病院").await;
        let batch = [
            detection("clear-log", "BACKUP-SV01", AlertLevel::High, 0),
            detection("new-admin", "PC-01", AlertLevel::Critical, 0),
            detection("odd_50%", "PC-02", AlertLevel::Low, 0),
        ];
        s.ingest_detections(org, facility, &batch, &AlertPolicy::default(), &actor()).await.unwrap();
        let rules = |q: AlertQuery| async move {
            let mut r: Vec<String> = s.alerts(org, &q).await.unwrap().into_iter().map(|a| a.rule_id).collect();
            r.sort();
            r
        };
        let levels = AlertQuery { levels: vec![AlertLevel::High, AlertLevel::Low], ..Default::default() };
        assert_eq!(rules(levels).await, ["clear-log", "odd_50%"], "{}", t.name);
        let text = |t: &str| AlertQuery { text: Some(t.into()), ..Default::default() };
        assert_eq!(rules(text("backup-sv")).await, ["clear-log"], "computers ignore case");
        assert_eq!(rules(text("Title of NEW")).await, ["new-admin"], "titles ignore case");
        assert_eq!(rules(text("50%")).await, ["odd_50%"], "wildcards are literal");
        assert!(rules(text("f_o")).await.is_empty(), "an underscore is literal too");
        assert_eq!(rules(text("  ")).await.len(), 3, "blank text is no filter");
        assert_eq!(s.count_alerts(org, &text("pc-0")).await.unwrap(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_false_positive_suppresses_its_like_and_counts_the_hits() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, facility) = org_with_facility(s, "みなと会", "みなと総合病院").await;
        let policy = AlertPolicy::default();
        let batch = [detection("clear-log", "BACKUP-01", AlertLevel::High, 0)];
        let id = s.ingest_detections(org, facility, &batch, &policy, &actor()).await.unwrap().created[0];

        s.set_alert_status(org, id, AlertStatus::Acknowledged, Some("見ています"), &actor()).await.unwrap();
        let a = s.alert(org, id).await.unwrap();
        assert_eq!(
            (a.status, a.status_reason.as_deref(), a.decided_by.as_deref()),
            (AlertStatus::Acknowledged, Some("見ています"), Some("test"))
        );

        let scope = NewSuppression {
            facility: Some(facility),
            computer: Some("backup-01".into()),
            field: Some(("SubjectUserName".into(), "BACKUP".into())),
        };
        let sid = s.mark_false_positive(org, id, "バックアップソフトが毎晩ログを消す", &scope, &actor()).await.unwrap();
        let a = s.alert(org, id).await.unwrap();
        assert_eq!((a.status, a.suppression), (AlertStatus::FalsePositive, Some(sid)));

        // The same detections are now only counted; another computer still raises an alert.
        let mut more = vec![detection("clear-log", "BACKUP-01", AlertLevel::High, 10); 5];
        more.push(detection("clear-log", "PC-07", AlertLevel::High, 10));
        let r = s.ingest_detections(org, facility, &more, &policy, &actor()).await.unwrap();
        assert_eq!((r.suppressed, r.created.len(), r.updated.len()), (5, 1, 0));
        let list = s.suppressions(org, None).await.unwrap();
        assert_eq!((list.len(), list[0].hits, list[0].computer.as_deref()), (1, 5, Some("backup-01")));
        assert!(list[0].last_hit_at.is_some());
        assert_eq!(s.suppressions(org, Some(&[])).await.unwrap().len(), 0, "facility rules need the facility");

        // Removed, the rule raises alerts again (a new one: the false positive stays closed).
        s.delete_suppression(org, sid, &actor()).await.unwrap();
        let r = s.ingest_detections(org, facility, &more[..1], &policy, &actor()).await.unwrap();
        assert_eq!((r.suppressed, r.created.len()), (0, 1));
        assert_eq!(s.alert(org, id).await.unwrap().suppression, None);

        let actions: Vec<String> =
            s.audit_entries(org, &AuditQuery::default()).await.unwrap().into_iter().map(|e| e.action).collect();
        for a in ["alert.decide", "alert_suppression.create", "alert_suppression.delete", "alert.ingest"] {
            assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
        }
    })
    .await;
}

#[tokio::test]
async fn alerts_of_another_organisation_are_not_found() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, facility) = org_with_facility(s, "みなと会", "みなと総合病院").await;
        let (other, _) = org_with_facility(s, "なにわ会", "なにわ病院").await;
        let batch = [detection("clear-log", "PC-01", AlertLevel::High, 0)];
        let id =
            s.ingest_detections(org, facility, &batch, &AlertPolicy::default(), &actor()).await.unwrap().created[0];
        assert!(matches!(s.alert(other, id).await, Err(Error::NotFound { .. })));
        assert!(s.alerts(other, &AlertQuery::default()).await.unwrap().is_empty());
        let set = s.set_alert_status(other, id, AlertStatus::Escalated, None, &actor()).await;
        assert!(matches!(set, Err(Error::NotFound { .. })));
        let fp = s.mark_false_positive(other, id, "x", &NewSuppression::default(), &actor()).await;
        assert!(matches!(fp, Err(Error::NotFound { .. })));
        assert_eq!(s.alert(org, id).await.unwrap().status, AlertStatus::New);
        assert_eq!(s.alert_counts(other, None).await.unwrap().new, 0);
        assert_eq!(s.alert_counts(org, Some(&[])).await.unwrap().new, 0, "no visible facility");
    })
    .await;
}

#[tokio::test]
async fn new_alerts_at_the_threshold_owe_a_message_until_queued() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, facility) = org_with_facility(s, "みなと会", "みなと総合病院").await;
        let batch = [
            detection("a", "PC-01", AlertLevel::Critical, 0),
            detection("b", "PC-01", AlertLevel::High, 0),
            detection("c", "PC-01", AlertLevel::Medium, 0),
        ];
        s.ingest_detections(org, facility, &batch, &AlertPolicy::default(), &actor()).await.unwrap();
        assert_eq!(s.orgs_owing_alert_messages().await.unwrap(), [org]);
        let owing = s.alerts_owing(org, Owed::Pending).await.unwrap();
        assert_eq!(owing.iter().map(|a| a.rule_id.as_str()).collect::<Vec<_>>(), ["a", "b"], "most severe first");

        let since = Timestamp::now() - SignedDuration::from_hours(1);
        let message = AlertMessage { alert: owing[0].id, subject: "s".into(), body: "{}".into() };
        assert_eq!(s.queue_alert_messages(org, "detect.alert", std::slice::from_ref(&message)).await.unwrap(), 1);
        // A second caller that read the same pending alert (serve queues from two loops)
        // queues nothing.
        assert_eq!(s.queue_alert_messages(org, "detect.alert", &[message]).await.unwrap(), 0);
        s.hold_alert_messages(org, &[owing[1].id]).await.unwrap();
        assert_eq!(s.count_notifications_since(org, "detect.alert", since).await.unwrap(), 1);
        assert!(s.alerts_owing(org, Owed::Pending).await.unwrap().is_empty());
        assert_eq!(s.alerts_owing(org, Owed::Held).await.unwrap().len(), 1);
        assert!(s.queue_alert_digest(org, "detect.digest", "1 more", "{}", &[owing[1].id]).await.unwrap());
        assert!(!s.queue_alert_digest(org, "detect.digest", "1 more", "{}", &[owing[1].id]).await.unwrap());
        assert!(s.orgs_owing_alert_messages().await.unwrap().is_empty());
        assert_eq!(s.pending_notifications().await.unwrap().len(), 2);
        assert_eq!(s.count_notifications_since(org, "detect.alert", Timestamp::now()).await.unwrap(), 0);
    })
    .await;
}

/// A message is claimed by one deliverer at a time; the claim ends with the attempt, or
/// runs out when its deliverer died.
#[tokio::test]
async fn a_message_is_claimed_by_one_deliverer_until_its_attempt_or_the_claim_runs_out() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, _) = org_with_facility(s, "みなと会", "みなと総合病院").await;
        let id = s.queue_notification(org, "test", "s", "{}").await.unwrap();
        let t0: Timestamp = "2026-11-26T01:00:00Z".parse().unwrap();
        let claimed = s.claim_notification(id, t0).await.unwrap().expect("the first claim holds");
        assert_eq!((claimed.id, claimed.posted_at), (id, None), "{}", t.name);
        let second = t0 + SignedDuration::from_secs(1);
        assert!(s.claim_notification(id, second).await.unwrap().is_none(), "{}: claimed twice", t.name);

        // Its deliverer posted it, then died before recording the attempt: once the claim
        // runs out, the next deliverer gets it, with the post marked so it is not repeated.
        s.notification_sent_by(id, Channel::Webhook).await.unwrap();
        let later = t0 + CLAIM;
        let again = s.claim_notification(id, later).await.unwrap().expect("an expired claim frees it");
        assert!(again.posted_at.is_some(), "{}", t.name);

        // A failed attempt ends the claim at once; a delivered message is never claimed.
        s.notification_attempted(id, Err("mail: refused".into())).await.unwrap();
        assert!(s.claim_notification(id, later).await.unwrap().is_some(), "{}", t.name);
        s.notification_attempted(id, Ok(())).await.unwrap();
        assert!(s.claim_notification(id, later + CLAIM).await.unwrap().is_none(), "{}", t.name);
    })
    .await;
}

#[tokio::test]
async fn notification_settings_round_trip_without_logging_the_password() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, _) = org_with_facility(s, "みなと会", "みなと総合病院").await;
        assert_eq!(s.notification_settings(org).await.unwrap(), Default::default());
        let policy =
            AlertPolicy { notify_from: AlertLevel::Medium, max_per_hour: 3, window: SignedDuration::from_hours(2) };
        s.set_alert_policy(org, &policy, &actor()).await.unwrap();
        let smtp = SmtpSettings {
            host: "mail.example.jp".into(),
            port: 587,
            security: SmtpSecurity::StartTls,
            username: Some("mamoru".into()),
            password_env: None,
            from: "mamoru@example.jp".into(),
            to: vec!["yamada@example.jp".into(), "sato@example.jp".into()],
        };
        s.set_smtp(org, Some(&smtp), Some("s3cret-pw"), &actor()).await.unwrap();
        let got = s.notification_settings(org).await.unwrap();
        assert_eq!(
            (got.policy, got.smtp.as_ref(), got.smtp_password.as_deref()),
            (policy, Some(&smtp), Some("s3cret-pw"))
        );
        // The policy stays when the mail server changes, and the other way round.
        s.set_alert_policy(org, &AlertPolicy::default(), &actor()).await.unwrap();
        assert_eq!(s.notification_settings(org).await.unwrap().smtp, Some(smtp));
        s.set_smtp(org, None, Some("ignored"), &actor()).await.unwrap();
        let got = s.notification_settings(org).await.unwrap();
        assert_eq!((got.smtp, got.smtp_password, got.policy), (None, None, AlertPolicy::default()));

        let log = s.audit_entries(org, &AuditQuery::default()).await.unwrap();
        let text: String = log.iter().map(|e| format!("{:?}{:?}", e.before, e.after)).collect();
        assert!(text.contains("password_stored") && !text.contains("s3cret-pw"), "{text}");
    })
    .await;
}

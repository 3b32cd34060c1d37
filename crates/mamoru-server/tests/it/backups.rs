//! Backups in the web UI and the API, with real files and a real repository: a job defined on
//! the form (a bad path is refused beside its field, the typing kept), the dashboard card red
//! before any restore test, a backup and a restore test run from the job page turning it green
//! with the measured duration, who sees which buttons, the board and a job as JSON, and the
//! annual report as a page and a PDF.

use std::path::Path;

use mamoru_app::Principal;
use mamoru_domain::{OrgId, Role};
use serde_json::Value;

use super::support::{Client, Server, id_in, server};

/// Files to back up (a Japanese name, an empty file) and the repository's password file.
fn fixture(root: &Path) -> (String, String, String) {
    let src = root.join("emr");
    std::fs::create_dir_all(src.join("カルテ")).unwrap();
    std::fs::write(src.join("カルテ/患者一覧.csv"), "id,name\n1,山田太郎\n".repeat(200)).unwrap();
    std::fs::write(src.join("empty.dat"), b"").unwrap();
    let pass = root.join("emr.pass");
    std::fs::write(&pass, "correct horse battery staple\n").unwrap();
    let repo = root.join("nas/emr");
    let s = |p: &Path| p.to_str().unwrap().to_owned();
    (s(&src), s(&repo), s(&pass))
}

async fn token(s: &Server, org: OrgId, email: &str, role: Role) -> String {
    let id = s.user(org, email, role).await;
    let p = Principal { user_id: Some(id), ..Principal::cli(org) };
    s.app.create_api_token(&p, "script", Some(30)).await.unwrap().token
}

async fn api(c: &Client, token: &str, path: &str) -> (u16, Value) {
    let res = c.http.get(c.url(path)).bearer_auth(token).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_job_defined_on_the_form_turns_green_after_a_restore_test_run_from_its_page() {
    let s = server().await;
    let org = s.org("湊医療グループ", "湊総合病院").await;
    s.user(org, "manager@example.jp", Role::Manager).await;
    s.user(org, "staff@example.jp", Role::Staff).await;
    s.user(org, "auditor@example.jp", Role::Auditor).await;
    let facility = s.app.facilities(&Principal::cli(org)).await.unwrap()[0].id.to_string();
    let dir = tempfile::tempdir().unwrap();
    let (src, repo, pass) = fixture(dir.path());
    let c = s.login("manager@example.jp").await;

    let (status, html) = c.text("/").await;
    assert_eq!(status, 200);
    assert!(html.contains("最終復元確認") && html.contains("バックアップジョブが登録されていません"), "{html}");
    assert!(html.contains("<a href=\"/backups\" >バックアップ</a>"), "the menu entry");

    // A relative source path: refused beside its field, everything typed kept.
    let mut form = vec![
        ("facility", facility.as_str()),
        ("name", "電子カルテ（本院）"),
        ("kind", "emr"),
        ("needed_for_care", "はい"),
        ("sources", "emr/data"),
        ("repository", repo.as_str()),
        ("password_file", pass.as_str()),
        ("schedule", "毎日 02:00"),
        ("retention", "daily=7,weekly=4"),
        ("restore_max_age_days", "30"),
        ("enabled", "はい"),
        ("asset", "サーバ"),
    ];
    let res = c.post_form("/backups/new", "/backups", &form).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"sources-err\">"), "the error is beside the field: {html}");
    assert!(html.contains("id=\"asset-err\">"), "a number that is not one is beside its field too");
    assert!(html.contains("相対パス"), "{html}");
    assert!(html.contains("value=\"電子カルテ（本院）\"") && html.contains(">emr/data</textarea>"), "typing kept");
    assert!(html.contains("value=\"daily=7,weekly=4\""));

    form[4] = ("sources", src.as_str());
    form.pop();
    let res = c.post_form("/backups/new", "/backups", &form).await;
    assert_eq!(res.status(), 200);
    assert!(res.url().path().starts_with("/backups/jobs/"), "{}", res.url());
    let id = id_in(res.url());
    let page = format!("/backups/jobs/{id}");
    let html = res.text().await.unwrap();
    assert!(html.contains("登録しました。") && html.contains("未実施"), "{html}");
    assert!(html.contains(&format!("action=\"/backups/jobs/{id}/run\"")));
    assert!(html.contains(&format!("href=\"/backups/jobs/{id}/edit\"")));

    // Red on the dashboard before any restore test.
    let (_, html) = c.text("/").await;
    assert!(
        html.contains(&format!("<li class=\"bad\" data-job=\"{id}\"><span class=\"tag bad\">未実施</span>")),
        "{html}"
    );

    // Back up, then restore-test, from the page.
    let res = c.post_form(&page, &format!("{page}/run"), &[]).await;
    let (query, html) = (res.url().query().map(str::to_owned), res.text().await.unwrap());
    assert_eq!(query.as_deref(), Some("done=ran"), "{html}");
    let res = c.post_form(&page, &format!("{page}/test"), &[]).await;
    assert_eq!(res.url().query(), Some("done=tested"));
    let html = res.text().await.unwrap();
    assert!(html.contains("復元テストに合格しました。"));
    assert!(html.contains("class=\"verdict ok\""), "{html}");
    assert!(html.contains("id=\"restore-duration\">"), "the measured duration");
    assert!(html.contains("kind-backup") && html.contains("kind-restore_test") && html.contains("kind-forget"));

    let (_, html) = c.text("/").await;
    assert!(
        html.contains(&format!("<li class=\"ok\" data-job=\"{id}\"><span class=\"tag ok\">確認済み</span>")),
        "{html}"
    );
    assert!(html.contains("復元所要時間"));
    let (_, html) = c.text("/backups").await;
    assert!(
        html.contains("湊総合病院") && html.contains("電子カルテ（本院）") && html.contains("毎日 02:00"),
        "{html}"
    );

    // Staff may run but not define; an auditor may do neither, and the buttons say so.
    let staff = s.login("staff@example.jp").await;
    let (_, html) = staff.text(&page).await;
    assert!(html.contains(&format!("action=\"/backups/jobs/{id}/test\"")));
    assert!(!html.contains(&format!("href=\"/backups/jobs/{id}/edit\"")));
    assert_eq!(staff.get("/backups/new").await.status(), 403);
    let auditor = s.login("auditor@example.jp").await;
    let (status, html) = auditor.text(&page).await;
    assert_eq!(status, 200);
    assert!(!html.contains("/run\"") && !html.contains("/test\""), "no buttons for an auditor");
    let res = auditor.post_form(&page, &format!("{page}/run"), &[]).await;
    assert_eq!(res.status(), 403);

    // In English, the same pages read in English.
    assert_eq!(c.get("/lang/en?next=/backups").await.status(), 200);
    let (_, html) = c.text("/backups").await;
    assert!(html.contains("Backups and restore tests") && html.contains("Last verified restore"), "{html}");
    assert!(html.contains(">Verified</span>") && html.contains("daily 02:00"), "{html}");
    let (_, html) = c.text(&page).await;
    assert!(html.contains("Run a restore test now") && html.contains("Latest result of each kind"));
    assert_eq!(c.get("/lang/ja?next=/").await.status(), 200);

    // The annual report: the page and the PDF.
    let (status, html) = c.text(&format!("/backups/report?facility={facility}&fy=2026")).await;
    assert_eq!(status, 200);
    assert!(html.contains("バックアップ実施状況報告書") && html.contains("令和8年度"), "{html}");
    assert!(html.contains("1. 電子カルテ（本院）") && html.contains("日次7・週次4"));
    assert!(html.contains("合格 1 回・不合格 0 回"), "{html}");
    assert!(html.contains("復元テストの状況（一覧）") && html.contains("確認済み　最後の合格 "), "{html}");
    let res = c.get(&format!("/backups/report.pdf?facility={facility}&fy=2026")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()[reqwest::header::CONTENT_TYPE], "application/pdf");
    assert!(res.bytes().await.unwrap().starts_with(b"%PDF-"));
}

#[tokio::test]
async fn the_board_and_a_job_as_json() {
    let s = server().await;
    let org = s.org("湊医療グループ", "湊総合病院").await;
    let t = token(&s, org, "manager@example.jp", Role::Manager).await;
    let facility = s.app.facilities(&Principal::cli(org)).await.unwrap()[0].id;
    let dir = tempfile::tempdir().unwrap();
    let (src, repo, pass) = fixture(dir.path());
    let input = mamoru_domain::backup::JobInput {
        facility: Some(facility),
        name: "PACS".into(),
        kind: "pacs".into(),
        sources: src,
        repository: repo,
        password_file: pass,
        schedule: "manual".into(),
        restore_max_age_days: "7".into(),
        ..Default::default()
    };
    let id = s.app.create_backup_job(&Principal::cli(org), &input).await.unwrap();
    let c = s.client();

    let (status, board) = api(&c, &t, "/api/v1/backups").await;
    assert_eq!(status, 200, "{board}");
    assert_eq!(board["needing_action"], 1);
    let sys = &board["systems"][0];
    assert_eq!((sys["job_id"].as_i64(), sys["name"].as_str()), (Some(id.get()), Some("PACS")));
    assert_eq!((sys["status"].as_str(), sys["needs_action"].as_bool()), (Some("never"), Some(true)));
    assert_eq!(sys["max_age_days"], 7);
    assert!(sys["last_verified_at"].is_null());

    let res = c.http.post(c.url(&format!("/api/v1/backups/jobs/{id}/run"))).bearer_auth(&t).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let run: Value = res.json().await.unwrap();
    assert_eq!(run["ok"], true, "{run}");
    assert_eq!(run["results"][0]["kind"], "backup");
    let res = c.http.post(c.url(&format!("/api/v1/backups/jobs/{id}/test"))).bearer_auth(&t).send().await.unwrap();
    let run: Value = res.json().await.unwrap();
    assert_eq!((run["ok"].as_bool(), run["results"][0]["kind"].as_str()), (Some(true), Some("restore_test")));

    let (_, board) = api(&c, &t, &format!("/api/v1/backups?facility={facility}")).await;
    let sys = &board["systems"][0];
    assert_eq!(sys["status"], "fresh", "{board}");
    assert!(sys["last_verified_at"].is_string() && sys["last_verified_ms"].is_u64());
    let (status, job) = api(&c, &t, &format!("/api/v1/backups/jobs/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!((job["schedule"].as_str(), job["status"].as_str()), (Some("manual"), Some("fresh")));
    let kinds: Vec<&str> = job["results"].as_array().unwrap().iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["restore_test", "backup"]);
    assert_eq!(job["latest"][3]["kind"], "restore_test");
    assert_eq!(api(&c, &t, "/api/v1/backups/jobs/999999").await.0, 404);
}

#[tokio::test]
async fn another_organisations_jobs_and_report_are_not_found() {
    let s = server().await;
    let mine = s.org("湊医療グループ", "湊総合病院").await;
    let theirs = s.org("別法人", "別病院").await;
    let facility = s.app.facilities(&Principal::cli(theirs)).await.unwrap()[0].id;
    let input = mamoru_domain::backup::JobInput {
        facility: Some(facility),
        name: "他院の電子カルテ".into(),
        kind: "emr".into(),
        sources: "/srv/emr".into(),
        repository: "/mnt/nas/emr".into(),
        password_file: "/etc/mamoru/emr.pass".into(),
        schedule: "manual".into(),
        ..Default::default()
    };
    let id = s.app.create_backup_job(&Principal::cli(theirs), &input).await.unwrap();
    s.user(mine, "admin@example.jp", Role::Admin).await;
    let t = token(&s, mine, "script@example.jp", Role::Admin).await;
    let c = s.login("admin@example.jp").await;

    let page = format!("/backups/jobs/{id}");
    assert_eq!(c.get(&page).await.status(), 404);
    assert_eq!(c.get(&format!("{page}/edit")).await.status(), 404);
    assert_eq!(c.post_form("/backups", &format!("{page}/run"), &[]).await.status(), 404);
    assert_eq!(c.get(&format!("/backups/report?facility={facility}&fy=2026")).await.status(), 404);
    let (_, html) = c.text("/").await;
    assert!(!html.contains("他院の電子カルテ"));
    let (_, html) = c.text("/backups").await;
    assert!(!html.contains("他院の電子カルテ"));
    let (_, board) = api(&c, &t, "/api/v1/backups").await;
    assert_eq!(board["systems"].as_array().map(Vec::len), Some(0), "{board}");
    assert_eq!(api(&c, &t, &format!("/api/v1/backups/jobs/{id}")).await.0, 404);
    let res = c.http.post(c.url(&format!("/api/v1/backups/jobs/{id}/test"))).bearer_auth(&t).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let results = s.app.backup_results(&Principal::cli(theirs), id, None, 10).await.unwrap();
    assert!(results.is_empty(), "nothing ran");
}

use std::collections::HashMap;

use mamoru_app::vuln::{FeedOutcome, FetchOptions};
use mamoru_store::Actor;

use crate::alerts::{app_with_fortigate, vuln_data};
use crate::http::serve;

#[tokio::test]
async fn feeds_are_downloaded_imported_and_nvd_is_fetched_incrementally() {
    let v = vuln_data();
    let file = |p: &str| std::fs::read(v.join(p)).unwrap();
    let routes = HashMap::from([
        ("/nvd".to_owned(), file("nvd-api-2.0/page-shared.json")),
        ("/kev.json".to_owned(), file("kev/known_exploited_vulnerabilities.json")),
        ("/epss.csv.gz".to_owned(), file("epss/example-1.csv")),
        ("/myjvn".to_owned(), file("jvn/myjvn-np/examples/hnd/getVulnOverviewList_hnd.xml")),
    ]);
    let server = serve(routes).await;
    let data = tempfile::tempdir().unwrap();
    let (app, _) = app_with_fortigate(data.path()).await;
    let feeds = tempfile::tempdir().unwrap();
    let mut opts = FetchOptions::new(feeds.path().to_owned());
    opts.nvd_url = format!("{}/nvd", server.base);
    opts.kev_url = format!("{}/kev.json", server.base);
    opts.epss_url = format!("{}/epss.csv.gz", server.base);
    opts.jvn_url = format!("{}/myjvn", server.base);
    opts.nvd_api_key = Some("test-key".into());
    opts.retry_pause = std::time::Duration::from_millis(10);

    let mut said = Vec::new();
    let report = app.fetch_feeds(&opts, &Actor::system(), |l| said.push(l.to_owned())).await.unwrap();
    let imported = report.iter().filter(|f| matches!(f.outcome, FeedOutcome::Imported { .. })).count();
    assert_eq!(imported, 4, "{report:?}");
    assert!(said.iter().any(|l| l.starts_with("NVD: 30 of 30")), "{said:?}");
    let status = app.feed_status().await.unwrap();
    assert_eq!(status.kev, 1404);
    assert!(status.advisories.iter().any(|(s, n)| s == "nvd" && *n == 30), "{status:?}");
    assert!(status.advisories.iter().any(|(s, _)| s == "jvn"), "{status:?}");
    assert!(feeds.path().join("nvd/last-modified-until.txt").exists());

    // The first NVD request took everything; the next asks only for what changed since.
    app.fetch_feeds(&opts, &Actor::system(), |_| {}).await.unwrap();
    let nvd: Vec<_> = server.seen.lock().unwrap().iter().filter(|s| s.target.starts_with("/nvd")).cloned().collect();
    assert_eq!(nvd.len(), 2);
    assert!(!nvd[0].target.contains("lastModStartDate"), "{}", nvd[0].target);
    assert!(
        nvd[1].target.contains("lastModStartDate=") && nvd[1].target.contains("lastModEndDate="),
        "{}",
        nvd[1].target
    );

    // A source that is down fails the fetch with its address.
    opts.kev_url = format!("{}/gone.json", server.base);
    let err = app.fetch_feeds(&opts, &Actor::system(), |_| {}).await.unwrap_err();
    assert!(err.to_string().contains("/gone.json"), "{err}");
}

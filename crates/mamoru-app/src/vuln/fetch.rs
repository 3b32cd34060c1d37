//! Downloading the official feeds into a folder, then importing what was downloaded.
//!
//! - NVD CVE API 2.0, 2,000 records a page; the first run takes everything, later runs only
//!   what changed since the last successful run (`lastModStartDate`/`lastModEndDate`, at
//!   most 120 days per window as the API requires). Without an API key NVD allows 5 requests
//!   in 30 seconds, with one 50: the pauses between pages follow that.
//! - CISA KEV (JSON), the EPSS daily scores (gzip CSV), MyJVN's overview list of the last
//!   month (50 items a page).
//!
//! Files are kept, so a failed import can be repeated from the folder without downloading.

use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use mamoru_store::Actor;

use super::feeds::FeedFile;
use crate::App;
use crate::error::{Error, Result};
use crate::notify::http_client;

/// Where each feed is downloaded from; the defaults are the official addresses.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// The folder files are written to.
    pub dir: PathBuf,
    /// An NVD API key (raises NVD's rate limit tenfold).
    pub nvd_api_key: Option<String>,
    /// Which feeds.
    pub nvd: bool,
    /// CISA KEV.
    pub kev: bool,
    /// EPSS.
    pub epss: bool,
    /// MyJVN.
    pub jvn: bool,
    /// NVD CVE API 2.0 address.
    pub nvd_url: String,
    /// KEV JSON address.
    pub kev_url: String,
    /// EPSS gzip CSV address.
    pub epss_url: String,
    /// MyJVN API address.
    pub jvn_url: String,
    /// The wait before the second try of a failed download (doubled before the third).
    pub retry_pause: Duration,
}

impl FetchOptions {
    /// Every feed from its official address into `dir`.
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            nvd_api_key: None,
            nvd: true,
            kev: true,
            epss: true,
            jvn: true,
            nvd_url: "https://services.nvd.nist.gov/rest/json/cves/2.0".into(),
            kev_url: "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json".into(),
            epss_url: "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz".into(),
            jvn_url: "https://jvndb.jvn.jp/myjvn".into(),
            retry_pause: Duration::from_secs(10),
        }
    }
}

/// NVD's largest page.
const NVD_PAGE: u64 = 2_000;
/// NVD's longest `lastMod` window.
const NVD_WINDOW_DAYS: i64 = 120;

impl App {
    /// Downloads the chosen feeds into `opts.dir` and imports them; `progress` hears what
    /// happens.
    pub async fn fetch_feeds(
        &self,
        opts: &FetchOptions,
        actor: &Actor,
        mut progress: impl FnMut(&str),
    ) -> Result<Vec<FeedFile>> {
        let client = http_client(Duration::from_secs(120))?;
        let mut files = Vec::new();
        if opts.kev {
            let path = opts.dir.join("kev/known_exploited_vulnerabilities.json");
            download(&client, &opts.kev_url, &[], &path, opts.retry_pause).await?;
            progress(&format!("KEV: {}", path.display()));
            files.push(path);
        }
        if opts.epss {
            let path = opts.dir.join("epss/epss_scores-current.csv.gz");
            download(&client, &opts.epss_url, &[], &path, opts.retry_pause).await?;
            progress(&format!("EPSS: {}", path.display()));
            files.push(path);
        }
        if opts.jvn {
            files.extend(fetch_jvn(&client, opts, &mut progress).await?);
        }
        let mut nvd_done = None;
        if opts.nvd {
            let (pages, until) = fetch_nvd(&client, opts, &mut progress).await?;
            files.extend(pages);
            nvd_done = Some(until);
        }
        let report =
            self.import_feeds(&files, actor, |f| progress(&format!("{}: {:?}", f.path.display(), f.outcome))).await?;
        // Only a complete import moves the NVD mark, so a failure is fetched again next time.
        let failed = report.iter().any(|f| matches!(f.outcome, super::FeedOutcome::Failed(_)));
        if let (Some(until), false) = (nvd_done, failed) {
            write_file(&opts.dir.join(NVD_MARK), until.to_string().as_bytes())?;
        }
        Ok(report)
    }
}

/// Where the end of the last complete NVD download is kept.
const NVD_MARK: &str = "nvd/last-modified-until.txt";

async fn fetch_nvd(
    client: &reqwest::Client,
    opts: &FetchOptions,
    progress: &mut impl FnMut(&str),
) -> Result<(Vec<PathBuf>, Timestamp)> {
    let now = Timestamp::now();
    let since: Option<Timestamp> =
        std::fs::read_to_string(opts.dir.join(NVD_MARK)).ok().and_then(|s| s.trim().parse().ok());
    // Windows of at most 120 days from the mark to now; one open window on the first run.
    let mut windows = Vec::new();
    match since {
        Some(mut start) => {
            while start < now {
                let end = (start + SignedDuration::from_hours(24 * NVD_WINDOW_DAYS)).min(now);
                windows.push(Some((start, end)));
                start = end;
            }
        }
        None => windows.push(None),
    }
    let pause = if opts.nvd_api_key.is_some() { Duration::from_millis(700) } else { Duration::from_secs(6) };
    let headers: Vec<(&str, String)> = opts.nvd_api_key.iter().map(|k| ("apiKey", k.clone())).collect();
    let stamp = now.strftime("%Y%m%dT%H%M%S").to_string();
    let mut files = Vec::new();
    for window in windows {
        let mut start = 0u64;
        loop {
            let mut query =
                vec![("resultsPerPage".to_owned(), NVD_PAGE.to_string()), ("startIndex".to_owned(), start.to_string())];
            if let Some((from, to)) = window {
                query.push(("lastModStartDate".into(), from.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()));
                query.push(("lastModEndDate".into(), to.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()));
            }
            let url = reqwest::Url::parse_with_params(&opts.nvd_url, &query).map_err(|e| Error::Feed(e.to_string()))?;
            let path = opts.dir.join(format!("nvd/{stamp}-{:03}-{start:07}.json", files.len()));
            let bytes = download(client, url.as_str(), &headers, &path, opts.retry_pause).await?;
            let total = total_results(&bytes);
            progress(&format!("NVD: {} of {total}", (start + NVD_PAGE).min(total)));
            files.push(path);
            start += NVD_PAGE;
            if start >= total {
                break;
            }
            tokio::time::sleep(pause).await;
        }
    }
    Ok((files, now))
}

/// `totalResults` of an NVD page, read without parsing the page twice.
fn total_results(page: &[u8]) -> u64 {
    let head = String::from_utf8_lossy(&page[..page.len().min(512)]);
    head.split("\"totalResults\"")
        .nth(1)
        .and_then(|rest| rest.trim_start_matches([':', ' ']).split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

async fn fetch_jvn(
    client: &reqwest::Client,
    opts: &FetchOptions,
    progress: &mut impl FnMut(&str),
) -> Result<Vec<PathBuf>> {
    const PAGE: usize = 50;
    let mut files = Vec::new();
    for page in 0..200 {
        let first = page * PAGE + 1;
        let query = [
            ("method", "getVulnOverviewList".to_owned()),
            ("feed", "hnd".to_owned()),
            ("rangeDatePublished", "m".to_owned()),
            ("rangeDatePublic", "n".to_owned()),
            ("rangeDateFirstPublished", "n".to_owned()),
            ("startItem", first.to_string()),
            ("maxCountItem", PAGE.to_string()),
        ];
        let url = reqwest::Url::parse_with_params(&opts.jvn_url, &query).map_err(|e| Error::Feed(e.to_string()))?;
        let path = opts.dir.join(format!("jvn/overview-{first:05}.xml"));
        let bytes = download(client, url.as_str(), &[], &path, opts.retry_pause).await?;
        let items = String::from_utf8_lossy(&bytes).matches("<item ").count();
        progress(&format!("JVN: {} items from {first}", items));
        files.push(path);
        if items < PAGE {
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    Ok(files)
}

/// GETs `url` into `path` (via a temporary file, so a cut download never looks complete).
async fn download(
    client: &reqwest::Client,
    url: &str,
    headers: &[(&str, String)],
    path: &Path,
    pause: Duration,
) -> Result<Vec<u8>> {
    let mut last = String::new();
    for attempt in 0..3u32 {
        if attempt > 0 {
            // NVD answers 403/503 when busy; waiting is the documented remedy.
            tokio::time::sleep(pause * attempt).await;
        }
        let mut req = client.get(url);
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        match req.send().await.and_then(reqwest::Response::error_for_status) {
            Ok(resp) => match resp.bytes().await {
                Ok(b) => {
                    write_file(path, &b)?;
                    return Ok(b.to_vec());
                }
                Err(e) => last = e.to_string(),
            },
            Err(e) => last = e.to_string(),
        }
    }
    Err(Error::Feed(format!("{url}: {last}")))
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let io = |e: std::io::Error| Error::Feed(format!("{}: {e}", path.display()));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, bytes).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_results_is_read_from_the_head() {
        let page = br#"{"resultsPerPage":2000,"startIndex":0,"totalResults":301234,"format":"NVD_CVE"}"#;
        assert_eq!(total_results(page), 301_234);
        assert_eq!(total_results(b"{}"), 0);
    }
}

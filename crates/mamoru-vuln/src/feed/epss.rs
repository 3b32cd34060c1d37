//! FIRST EPSS scores: `#model_version:v2023.03.01,score_date:2023-03-27T00:00:00+0000`, then
//! `cve,epss,percentile`, then one row per CVE. The daily file has some 300,000 rows, so lines
//! are split by hand rather than through a CSV reader.

use super::{Feed, Format, bad_record, is_cve_id, is_date, malformed};
use crate::Error;
use crate::advisory::Epss;

const HEADER: &str = "cve,epss,percentile";

/// The scores of one EPSS file (already un-gzipped).
pub(super) fn read(bytes: &[u8], file: &str) -> Result<Feed, Error> {
    let mut feed = Feed::new(Format::Epss);
    // (line number, `score_date` if the line had one)
    let mut meta: Option<(usize, Option<String>)> = None;
    let mut date: Option<String> = None;
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let n = i + 1;
        let line =
            std::str::from_utf8(raw).map_err(|_| bad_record(file, format!("line {n}"), "not UTF-8 text"))?.trim();
        if line.is_empty() {
            continue;
        }
        let Some(date) = &date else {
            if let Some(rest) = line.strip_prefix('#') {
                meta.get_or_insert((n, score_date(rest, n, file)?));
                continue;
            }
            if line != HEADER {
                let shown: String = line.chars().take(80).collect();
                return Err(malformed(file, format!("line {n}: the header is `{shown}`, not `{HEADER}`")));
            }
            date = Some(match meta {
                Some((_, Some(ref d))) => d.clone(),
                Some((m, None)) => {
                    return Err(malformed(
                        file,
                        format!("line {m}: no score_date; EPSS scores mean nothing without their date"),
                    ));
                }
                None => {
                    let reason = format!(
                        "line {n}: no `#model_version:...,score_date:...` line before the header, so the scores have no date"
                    );
                    return Err(malformed(file, reason));
                }
            });
            continue;
        };
        feed.epss.push(row(line, date).map_err(|reason| bad_record(file, format!("line {n}"), reason))?);
    }
    if date.is_none() {
        return Err(malformed(file, format!("no `{HEADER}` header")));
    }
    Ok(feed)
}

/// The `score_date` of a `#model_version:...,score_date:...` line, as `YYYY-MM-DD`.
fn score_date(meta: &str, n: usize, file: &str) -> Result<Option<String>, Error> {
    let Some(value) = meta
        .split(',')
        .filter_map(|kv| kv.split_once(':'))
        .find(|(k, _)| k.trim() == "score_date")
        .map(|(_, v)| v.trim())
    else {
        return Ok(None);
    };
    match value.get(..10).filter(|d| is_date(d)) {
        Some(day) => Ok(Some(day.to_owned())),
        None => Err(malformed(file, format!("line {n}: score_date `{value}` is not a date"))),
    }
}

/// One `cve,epss,percentile` row.
fn row(line: &str, date: &str) -> Result<Epss, String> {
    let mut fields = line.split(',');
    let (Some(cve), Some(score), Some(percentile), None) = (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return Err(format!("`{line}` is not `cve,epss,percentile`"));
    };
    if !is_cve_id(cve) {
        return Err(format!("`{cve}` is not a CVE id"));
    }
    let unit = |what: &str, s: &str| {
        s.parse::<f32>()
            .ok()
            .filter(|v| (0.0..=1.0).contains(v))
            .ok_or_else(|| format!("{what} `{s}` is not a number from 0 to 1"))
    };
    let (score, percentile) = (unit("epss", score)?, unit("percentile", percentile)?);
    Ok(Epss { cve: cve.to_owned(), score, percentile, date: date.to_owned() })
}

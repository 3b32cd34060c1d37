//! Findings printed for people, as a table, or for scripts, as JSON or CSV; `findings` and
//! `match` print the same shapes.

use std::io::Write;

use mamoru_app::vuln::{FindingReport, findings_csv};

use super::Format;

/// Writes findings to stdout in `format`.
pub(crate) fn print(reports: &[FindingReport], format: Format) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(reports)?)?,
        Format::Csv => out.write_all(&findings_csv(reports))?,
        Format::Table => {
            writeln!(
                out,
                "{:<3} {:<10} {:<16} {:<20} {:<4} {:>5} {:>5}  why",
                "P", "due", "cve", "asset", "KEV", "EPSS", "CVSS"
            )?;
            for r in reports {
                let num = |v: Option<f64>, digits: usize| v.map_or_else(|| "-".to_owned(), |v| format!("{v:.digits$}"));
                writeln!(
                    out,
                    "{:<3} {:<10} {:<16} {:<20} {:<4} {:>5} {:>5}  {}",
                    r.priority,
                    r.due,
                    r.cve,
                    clip(&format!("{}/{}", r.facility, r.asset), 20),
                    if r.kev { "yes" } else { "-" },
                    num(r.epss, 2),
                    num(r.cvss, 1),
                    if crate::output::japanese() { &r.why_ja } else { &r.why }
                )?;
            }
        }
    }
    Ok(())
}

/// At most `n` characters, with an ellipsis when cut.
fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_owned() } else { s.chars().take(n - 1).chain(['…']).collect() }
}

use std::path::PathBuf;
use std::sync::OnceLock;

use mamoru_detect::event::SyslogOptions;
use mamoru_detect::hunt::{HuntOptions, HuntResult, hunt};
use mamoru_detect::{LoadOptions, LoadReport, Mapping, RuleSet};

pub(crate) fn shared(rel: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: {} is missing", p.display());
        None
    }
}

/// Every SigmaHQ rule folder, loaded once for all tests (any status).
pub(crate) fn sigmahq() -> Option<&'static (RuleSet, LoadReport)> {
    static SET: OnceLock<Option<(RuleSet, LoadReport)>> = OnceLock::new();
    SET.get_or_init(|| {
        let dirs: Vec<PathBuf> = ["sigma/rules", "sigma/rules-emerging-threats", "sigma/rules-threat-hunting"]
            .iter()
            .map(|d| shared(d))
            .collect::<Option<_>>()?;
        let options = LoadOptions { skip_status: Vec::new(), ..LoadOptions::default() };
        Some(RuleSet::load(&dirs, &options, Mapping::builtin()))
    })
    .as_ref()
}

pub(crate) fn options() -> HuntOptions {
    HuntOptions {
        syslog: SyslogOptions {
            year: 2025,
            time_zone: jiff::tz::TimeZone::get("Asia/Tokyo").unwrap(),
            not_after: None,
        },
    }
}

pub(crate) fn scan(files: &[PathBuf], rules: &RuleSet) -> HuntResult {
    hunt(files, rules, &options(), &|_| {})
}

//! Cost of damage against cost of measures: an estimate for management, every assumption
//! editable and stated with where its default comes from.
//!
//! The damage side: days of care stopped × revenue per day, recovery (rebuilding systems) and
//! forensic costs, notifying the people whose data leaked, and revenue lost while care runs at
//! reduced capacity after reopening. The measures side: a year of Mamoru's controls, staff
//! time, backup storage, monitoring and training. The output lists each line with its formula
//! so an executive can check the arithmetic, and the yearly chance of an attack at which the
//! measures pay for themselves.
//!
//! Defaults with a public anchor cite it (shared/reference/japan-regulation.md §4, §5); the
//! rest are plain assumptions marked as such, to be replaced with the facility's own figures.

use crate::invalid::{Checker, Invalid, Problem};
use crate::values::parse_count;

/// Which side of the comparison a figure belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The cost of one incident.
    Damage,
    /// The yearly cost of the measures.
    Measures,
}

/// One editable assumption: its key (the form's field), label, unit and accepted range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// The field name, stable (saved assumptions are kept under it).
    pub key: &'static str,
    /// The label in Japanese.
    pub label: &'static str,
    /// The unit shown beside the field: `円`, `日`, `人`, `%`, `時間`, `台`, `TB`.
    pub unit: &'static str,
    /// The side it belongs to.
    pub side: Side,
    /// The largest accepted value (the smallest is 0).
    pub max: i64,
}

const YEN: i64 = 100_000_000_000; // ¥100bn: past any single hospital's figure.

/// Every assumption, in the order the form and the printout show them.
pub const SPECS: &[Spec] = &[
    Spec { key: "days_stopped", label: "診療停止日数", unit: "日", side: Side::Damage, max: 3_650 },
    Spec { key: "revenue_per_day", label: "1日あたり医業収益", unit: "円", side: Side::Damage, max: YEN },
    Spec {
        key: "rebuild_cost", label: "システム復旧・再構築費用", unit: "円", side: Side::Damage, max: YEN
    },
    Spec {
        key: "forensic_cost", label: "調査（フォレンジック）費用", unit: "円", side: Side::Damage, max: YEN
    },
    Spec { key: "people_notified", label: "通知対象者数", unit: "人", side: Side::Damage, max: 100_000_000 },
    Spec {
        key: "notice_cost_per_person", label: "1人あたり通知費用", unit: "円", side: Side::Damage, max: 1_000_000
    },
    Spec { key: "reduced_days", label: "再開後の縮小診療日数", unit: "日", side: Side::Damage, max: 3_650 },
    Spec { key: "reduced_percent", label: "縮小診療中の減収率", unit: "%", side: Side::Damage, max: 100 },
    Spec {
        key: "mamoru_yearly", label: "Mamoru の運用費（年額）", unit: "円", side: Side::Measures, max: YEN
    },
    Spec {
        key: "staff_hours_month",
        label: "担当者の対策作業時間（月）",
        unit: "時間",
        side: Side::Measures,
        max: 10_000,
    },
    Spec { key: "hourly_rate", label: "担当者の時間単価", unit: "円", side: Side::Measures, max: 1_000_000 },
    Spec { key: "backup_tb", label: "バックアップ容量", unit: "TB", side: Side::Measures, max: 100_000 },
    Spec {
        key: "backup_yen_per_tb_month",
        label: "バックアップ保管費用（1TB・月）",
        unit: "円",
        side: Side::Measures,
        max: 10_000_000,
    },
    Spec { key: "endpoints", label: "監視する端末数", unit: "台", side: Side::Measures, max: 1_000_000 },
    Spec {
        key: "monitoring_per_endpoint_month",
        label: "端末監視費用（1台・月）",
        unit: "円",
        side: Side::Measures,
        max: 1_000_000,
    },
    Spec { key: "training_staff", label: "研修の受講者数", unit: "人", side: Side::Measures, max: 1_000_000 },
    Spec {
        key: "training_hours", label: "研修時間（1人・年）", unit: "時間", side: Side::Measures, max: 1_000
    },
];

/// The spec with this key.
pub fn spec(key: &str) -> Option<&'static Spec> {
    SPECS.iter().find(|s| s.key == key)
}

/// One assumption's value and why it has that value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assumption {
    /// What it is.
    pub spec: &'static Spec,
    /// Its value.
    pub value: i64,
    /// Where the value comes from, in Japanese: the facility's own figure, or how the default
    /// was derived (with the source where there is one, else marked 仮定).
    pub basis: String,
}

/// What the defaults are derived from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Basis {
    /// The facility's beds (`None` or 0 for a clinic without beds).
    pub beds: Option<u32>,
    /// PCs and servers in the asset register.
    pub devices: usize,
}

/// The default for each key, with why. Beds scale what grows with a hospital's size.
fn default_for(key: &str, b: Basis) -> (i64, String) {
    let beds = i64::from(b.beds.unwrap_or(0));
    let devices = i64::try_from(b.devices).unwrap_or(i64::MAX);
    let assumed = |t: &str| format!("仮定: {t}（自院の数値に置き換えてください）");
    match key {
        // 半田病院: attacked 2021-10-31, normal care resumed 2022-01-04 (65 days); 大阪急性期・
        // 総合医療センター: 2022-10-31, full recovery about 2023-01. japan-regulation.md §5.
        "days_stopped" => (60, "出典: 半田病院（2021年10月31日〜2022年1月4日）、大阪急性期・総合医療センター（約2か月）の復旧期間（japan-regulation.md §5）".into()),
        // No public per-bed revenue figure in the references: a plain assumption.
        "revenue_per_day" if beds > 0 => (beds * 50_000, assumed(&format!("{beds}床 × 1床1日5万円"))),
        "revenue_per_day" => (300_000, assumed("無床診療所 1日30万円")),
        // 半田病院 spent about ¥200M on a new system (japan-regulation.md §5); a clinic far less.
        "rebuild_cost" if beds >= 100 => (200_000_000, "出典: 半田病院の新システム費用 約2億円（japan-regulation.md §5）".into()),
        "rebuild_cost" if beds > 0 => (beds * 2_000_000, assumed(&format!("{beds}床 × 1床200万円（半田病院 約2億円を病床で按分）"))),
        "rebuild_cost" => (10_000_000, assumed("無床診療所 1,000万円")),
        "forensic_cost" if beds > 0 => (30_000_000, assumed("調査会社への委託 3,000万円")),
        "forensic_cost" => (5_000_000, assumed("調査会社への委託 500万円")),
        // 半田病院 held about 85,000 patients' records, 岡山県精神科医療センター leaked up to
        // about 40,000 (japan-regulation.md §5); per bed is our scaling, not theirs.
        "people_notified" if beds > 0 => (beds * 300, assumed(&format!("{beds}床 × 300人（岡山県精神科医療センター 約4万人漏えいを参考）"))),
        "people_notified" => (5_000, assumed("無床診療所 5,000人")),
        "notice_cost_per_person" => (500, assumed("郵送・コールセンター 1人500円")),
        "reduced_days" => (90, assumed("再開後90日")),
        "reduced_percent" => (30, assumed("減収30%")),
        // Mamoru is self-hosted open software: the server's running cost only.
        "mamoru_yearly" => (240_000, assumed("サーバ運用費 月2万円")),
        "staff_hours_month" => (if beds >= 200 { 40 } else { 10 }, assumed(if beds >= 200 { "月40時間（200床以上）" } else { "月10時間" })),
        "hourly_rate" => (4_000, assumed("時給4,000円")),
        "backup_tb" => (if beds > 0 { (beds / 50).max(1) } else { 1 }, assumed("50床ごとに1TB")),
        "backup_yen_per_tb_month" => (3_000, assumed("クラウド保管 1TB月3,000円")),
        "endpoints" => (devices, format!("資産台帳の端末PC・サーバ {devices} 台")),
        // サイバーセキュリティお助け隊 1類: endpoint type at most ¥2,000 per device per month
        // (japan-regulation.md §4, digitalpr.jp IPA release).
        "monitoring_per_endpoint_month" => (2_000, "出典: サイバーセキュリティお助け隊サービス1類の上限（端末1台月2,000円、japan-regulation.md §4）".into()),
        "training_staff" => (if beds > 0 { beds } else { 10 }, assumed(if beds > 0 { "病床数と同数の職員" } else { "職員10人" })),
        "training_hours" => (1, "診療録管理体制加算: 年1回程度の研修（japan-regulation.md §6）を1時間と仮定".into()),
        _ => (0, assumed("0")),
    }
}

/// Every assumption for a facility: its saved figures where it has them, the defaults
/// otherwise.
pub fn assumptions(basis: Basis, saved: &[(String, i64)]) -> Vec<Assumption> {
    SPECS
        .iter()
        .map(|spec| match saved.iter().find(|(k, _)| k == spec.key) {
            Some((_, v)) => Assumption { spec, value: *v, basis: "自院の数値（保存済み）".into() },
            None => {
                let (value, basis) = default_for(spec.key, basis);
                Assumption { spec, value, basis }
            }
        })
        .collect()
}

/// Checks a form of assumptions: `(key, text)` pairs; an empty field means "use the
/// default" and is left out. Every problem at once, each on its field.
pub fn parse(input: &[(String, String)]) -> Result<Vec<(String, i64)>, Vec<Invalid>> {
    let mut c = Checker::default();
    let mut out = Vec::new();
    for spec in SPECS {
        let text = input.iter().find(|(k, _)| k == spec.key).map_or("", |(_, v)| v.as_str());
        let text = text.trim().trim_end_matches(spec.unit).trim_end_matches('円').trim_start_matches('¥');
        if let Some(v) = c.check_opt(spec.key, parse_count(text, 0, spec.max)) {
            out.push((spec.key.to_owned(), v));
        }
    }
    for (k, _) in input {
        if spec(k).is_none() {
            c.push(Invalid::new("assumptions", Problem::Unknown(format!("assumption {k}"))));
        }
    }
    c.finish(|| Some(out))
}

/// One line of the estimate: what, the formula with its figures, and the amount in yen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// What it is.
    pub label: &'static str,
    /// The formula with the figures, e.g. `60日 × 10,000,000円`; empty for an amount taken as
    /// it is from one assumption.
    pub formula: String,
    /// The amount in yen.
    pub yen: i64,
}

/// The estimate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Estimate {
    /// The assumptions it used, in order.
    pub assumptions: Vec<Assumption>,
    /// The cost of one incident, line by line.
    pub damage: Vec<Line>,
    /// The yearly cost of the measures, line by line.
    pub measures: Vec<Line>,
}

impl Estimate {
    /// The cost of one incident.
    pub fn damage_total(&self) -> i64 {
        self.damage.iter().fold(0, |a, l| a.saturating_add(l.yen))
    }

    /// The yearly cost of the measures.
    pub fn measures_total(&self) -> i64 {
        self.measures.iter().fold(0, |a, l| a.saturating_add(l.yen))
    }

    /// How many years of measures one incident would pay for (rounded down).
    pub fn years_covered(&self) -> Option<i64> {
        let m = self.measures_total();
        (m > 0).then(|| self.damage_total() / m)
    }

    /// The yearly chance of an incident, in tenths of a percent, above which the measures
    /// cost less than the expected damage: measures ÷ damage.
    pub fn break_even_permille(&self) -> Option<i64> {
        let d = self.damage_total();
        (d > 0).then(|| (i128::from(self.measures_total()) * 1000 / i128::from(d)).try_into().unwrap_or(i64::MAX))
    }
}

/// `12,345,678`.
pub fn yen(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// Computes the estimate from the assumptions.
pub fn estimate(assumptions: Vec<Assumption>) -> Estimate {
    let v = |k: &str| assumptions.iter().find(|a| a.spec.key == k).map_or(0, |a| a.value);
    let mul = |a: i64, b: i64| a.saturating_mul(b);
    let (days, per_day) = (v("days_stopped"), v("revenue_per_day"));
    let (people, per_person) = (v("people_notified"), v("notice_cost_per_person"));
    let (rdays, rpct) = (v("reduced_days"), v("reduced_percent"));
    let damage = vec![
        Line {
            label: "診療停止による減収",
            formula: format!("{}日 × {}円", yen(days), yen(per_day)),
            yen: mul(days, per_day),
        },
        Line { label: "システム復旧・再構築", formula: String::new(), yen: v("rebuild_cost") },
        Line { label: "調査（フォレンジック）", formula: String::new(), yen: v("forensic_cost") },
        Line {
            label: "本人への通知",
            formula: format!("{}人 × {}円", yen(people), yen(per_person)),
            yen: mul(people, per_person),
        },
        Line {
            label: "再開後の縮小診療による減収",
            formula: format!("{}日 × {}円 × {}%", yen(rdays), yen(per_day), rpct),
            yen: mul(mul(rdays, per_day), rpct) / 100,
        },
    ];
    let (hours, rate) = (v("staff_hours_month"), v("hourly_rate"));
    let (tb, per_tb) = (v("backup_tb"), v("backup_yen_per_tb_month"));
    let (endpoints, per_ep) = (v("endpoints"), v("monitoring_per_endpoint_month"));
    let (staff, thours) = (v("training_staff"), v("training_hours"));
    let measures = vec![
        Line { label: "Mamoru の運用", formula: String::new(), yen: v("mamoru_yearly") },
        Line {
            label: "担当者の作業",
            formula: format!("{}時間 × 12か月 × {}円", yen(hours), yen(rate)),
            yen: mul(mul(hours, 12), rate),
        },
        Line {
            label: "バックアップ保管",
            formula: format!("{}TB × {}円 × 12か月", yen(tb), yen(per_tb)),
            yen: mul(mul(tb, per_tb), 12),
        },
        Line {
            label: "端末の監視",
            formula: format!("{}台 × {}円 × 12か月", yen(endpoints), yen(per_ep)),
            yen: mul(mul(endpoints, per_ep), 12),
        },
        Line {
            label: "職員研修",
            formula: format!("{}人 × {}時間 × {}円", yen(staff), yen(thours), yen(rate)),
            yen: mul(mul(staff, thours), rate),
        },
    ];
    Estimate { assumptions, damage, measures }
}

#[cfg(test)]
#[path = "cost_tests.rs"]
mod tests;

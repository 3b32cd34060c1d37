//! Validation problems in words a nurse manager understands.

use mamoru_domain::Problem;

use super::Lang;

/// The problem's text in `lang`.
pub(crate) fn problem_text(lang: Lang, p: &Problem) -> String {
    match lang {
        Lang::En => p.to_string(),
        Lang::Ja => ja(p),
    }
}

fn ja(p: &Problem) -> String {
    match p {
        Problem::Required => "入力してください".into(),
        Problem::TooLong { max } => format!("{max}文字以内で入力してください"),
        Problem::UnknownChoice { given, expected } => {
            format!("「{given}」は選べません。次のいずれかを指定してください: {expected}")
        }
        Problem::NotANumber(v) => format!("「{v}」は数値ではありません"),
        Problem::OutOfRange { min, max } => format!("{min}〜{max}の範囲で入力してください"),
        Problem::BadDate(v) => format!("「{v}」は日付として読めません（例: 2026-03-31、2026/3/31、令和8年3月31日）"),
        Problem::NotAfter(day) => format!("{day}より後の日付を入力してください"),
        Problem::BadFlag(v) => format!("「{v}」は「はい」「いいえ」として読めません"),
        Problem::BadIp(v) => format!("「{v}」はIPアドレスではありません"),
        Problem::BadCpe(why) => format!("CPE名が正しくありません（{why}）"),
        Problem::BadEmail(v) => format!("「{v}」はメールアドレスではありません"),
        Problem::WeakPassword(why) => {
            format!("パスワードが弱すぎます。8文字以上で英字・数字・記号を混ぜるか、13文字以上にしてください（{why}）")
        }
        Problem::BedsForKind { kind, range } => {
            format!("{kind}の病床数は{}〜{}床です", range.0, range.1)
        }
        Problem::Unknown(what) => format!("見つかりません: {what}"),
        Problem::Duplicate(what) => format!("既に登録されています: {what}"),
        Problem::NotAllowed(what) => format!("この操作は許可されていません: {what}"),
        Problem::InFuture => "未来の日時は入力できません".into(),
        Problem::Before(other) => format!("{}より前の日時は入力できません", field_ja(other)),
        Problem::OutsidePeriod { from, to } => format!("{from}〜{to}の日付を入力してください"),
        Problem::TooLarge { max_bytes } => format!("ファイルが大きすぎます（上限 {} MB）", max_bytes / (1024 * 1024)),
        other => other.to_string(),
    }
}

/// The Japanese name of a field another field is compared with.
fn field_ja(field: &str) -> &str {
    match field {
        "occurred_at" => "発生日時",
        "aware_at" => "覚知日時",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_texts() {
        assert_eq!(problem_text(Lang::Ja, &Problem::Required), "入力してください");
        assert!(problem_text(Lang::Ja, &Problem::BadIp("10.0.0.300".into())).contains("IPアドレス"));
        assert_eq!(problem_text(Lang::En, &Problem::Required), "required");
        let future = Problem::NotAfter(jiff::civil::Date::constant(2026, 11, 25));
        assert_eq!(problem_text(Lang::Ja, &future), "2026-11-25より後の日付を入力してください");
        let fy = Problem::OutsidePeriod {
            from: jiff::civil::Date::constant(2025, 4, 1),
            to: jiff::civil::Date::constant(2026, 3, 31),
        };
        assert_eq!(problem_text(Lang::Ja, &fy), "2025-04-01〜2026-03-31の日付を入力してください");
    }
}

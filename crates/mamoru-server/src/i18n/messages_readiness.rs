//! The words of the readiness page: MHLW's cybersecurity checklist per facility and fiscal
//! year, with Mamoru's proposals and the answers people confirmed.

/// Every readiness text: key, Japanese, English.
pub(crate) const READINESS_MESSAGES: &[(&str, &str, &str)] = &[
    ("nav.readiness", "チェックリスト", "Checklist"),
    ("readiness.title", "サイバーセキュリティ対策チェックリスト", "Cybersecurity checklist"),
    (
        "readiness.lead",
        "厚生労働省のチェックリスト（医療機関確認用）です。立入検査では各項目の「はい／いいえ」と確認日、「いいえ」には年度内の目標日が確認されます。Mamoruが記録から回答を提案します。内容を確かめて回答を保存してください。",
        "MHLW's cybersecurity checklist (facility sheet). On-site inspections check every item's yes/no with the date it was confirmed, and for no a target date within the fiscal year. Mamoru proposes answers from its records; check them and save the answer.",
    ),
    ("readiness.fiscal_year", "年度（開始年）", "Fiscal year (starting year)"),
    ("readiness.show", "表示", "Show"),
    ("readiness.print", "印刷", "Print"),
    ("readiness.facility_sheet", "医療機関確認用", "Facility sheet"),
    ("readiness.as_of", "提案の基準日", "Proposals as of"),
    ("readiness.unanswered", "未回答", "Unanswered"),
    ("readiness.yes", "はい", "Yes"),
    ("readiness.no", "いいえ", "No"),
    ("readiness.required_from", "必須となる年度:", "Required from"),
    ("readiness.proposed", "記録からの提案", "Proposed from the records"),
    ("readiness.attach", "添付する資料", "Attach"),
    (
        "readiness.no_rule",
        "この項目を記録から判定する規則はありません。確認して回答してください。",
        "No rule answers this item from the records; check it and answer.",
    ),
    ("readiness.saved", "保存された回答", "Saved answer"),
    ("readiness.not_answered", "未回答", "Not answered"),
    ("readiness.note", "根拠・メモ", "Evidence / note"),
    ("readiness.answered_by", "回答者", "Answered by"),
    ("readiness.target_hint", "「いいえ」のとき必須。範囲:", "Required for No. Allowed:"),
    ("readiness.save", "回答を保存", "Save answer"),
    ("field.answer", "回答", "Answer"),
    ("field.confirmed_on", "確認日", "Date confirmed"),
    ("field.target_on", "目標日", "Target date"),
];

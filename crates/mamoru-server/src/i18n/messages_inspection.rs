//! The words of the inspection view (立入検査) and the overview of every facility. The pack
//! itself is written in Japanese only (`web::inspection::doc`): an inspector reads it.

/// Every inspection text: key, Japanese, English.
pub(crate) const INSPECTION_MESSAGES: &[(&str, &str, &str)] = &[
    ("inspection.title", "立入検査資料", "Inspection pack"),
    (
        "inspection.lead",
        "立入検査で確認される内容を1つにまとめた資料です。検査の4つの観点（脆弱性情報、バックアップ、マルウェア対策・BCP・訓練、連絡体制）とその根拠となる Mamoru の記録、医療機関確認用と事業者確認用の回答を載せています。印刷するか PDF で保存して検査官に渡せます。",
        "Everything an on-site inspection checks, in one document: the four points inspections look at (vulnerability information, backups, malware defence with BCP and drills, the contact chain) with Mamoru's records behind each, and the answers of the facility's and the vendors' sheets. Print it or save the PDF for the inspector.",
    ),
    ("inspection.print", "印刷", "Print"),
    ("inspection.pdf", "PDFをダウンロード", "Download PDF"),
    ("inspection.open", "立入検査資料を見る", "Inspection pack"),
    ("inspection.overview_title", "全施設の対応状況", "All facilities"),
    (
        "inspection.overview_lead",
        "見られるすべての施設について、チェックリストの「はい」の数（今年度必須の項目のうち）、確認待ちの提案、期限を過ぎた項目（未回答、または目標日を過ぎた「いいえ」）、検査の4つの観点の状況を一覧にしています。",
        "Every facility you may see: the checklist's yes answers (of the items required this year), proposals awaiting confirmation, overdue items (unanswered, or no past its target date), and where the four inspection points stand.",
    ),
    ("inspection.score", "はい／必須項目", "Yes / required"),
    ("inspection.pending", "確認待ちの提案", "Proposals to confirm"),
    ("inspection.overdue", "期限切れ・未回答", "Overdue or unanswered"),
    ("inspection.point", "観点", "Point "),
    ("inspection.next_inspection", "次回の立入検査", "Next inspection"),
];

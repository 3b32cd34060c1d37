//! The UI's words: key, Japanese, English. Japanese is the primary text; the English is a
//! faithful companion, not a separate product.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::Lang;

/// Every UI text.
pub(crate) const MESSAGES: &[(&str, &str, &str)] = &[
    // Navigation and layout
    ("nav.skip", "本文へ移動", "Skip to content"),
    ("nav.menu", "メニュー", "Menu"),
    ("nav.dashboard", "ダッシュボード", "Dashboard"),
    ("nav.facilities", "施設", "Facilities"),
    ("nav.assets", "資産台帳", "Asset register"),
    ("nav.contacts", "連絡体制", "Contact chain"),
    ("nav.users", "ユーザー", "Users"),
    ("nav.audit", "監査ログ", "Audit log"),
    ("nav.logout", "ログアウト", "Log out"),
    ("footer.tagline", "医療機関のためのセキュリティ運用ツール", "Security operations for healthcare facilities"),
    // Common
    ("common.save", "保存", "Save"),
    ("common.cancel", "キャンセル", "Cancel"),
    ("common.edit", "編集", "Edit"),
    ("common.delete", "削除", "Delete"),
    ("common.actions", "操作", "Actions"),
    ("common.all", "すべて", "All"),
    ("common.unset", "未設定", "Not set"),
    ("common.required", "必須", "required"),
    ("common.updated_at", "最終更新", "Last changed"),
    ("common.fix_errors", "入力内容を確認してください。", "Please correct the following."),
    (
        "common.confirm_delete",
        "削除してよろしいですか？この操作は監査ログに記録されます。",
        "Delete this? The deletion is recorded in the audit log.",
    ),
    ("notice.saved", "保存しました。", "Saved."),
    ("notice.created", "登録しました。", "Created."),
    ("notice.deleted", "削除しました。", "Deleted."),
    ("notice.imported", "取り込みました。", "Imported."),
    (
        "notice.password",
        "パスワードを変更しました。他の端末のログインは終了しました。",
        "Password changed. Sessions on other devices have ended.",
    ),
    (
        "notice.totp",
        "二要素認証を有効にしました。次回からログイン時に確認コードを入力します。",
        "Two-factor login is on. From now on, login asks for a code.",
    ),
    // Login
    ("login.title", "ログイン", "Log in"),
    ("login.lead", "Mamoru にログインします。", "Log in to Mamoru."),
    ("login.email", "メールアドレス", "E-mail address"),
    ("login.password", "パスワード", "Password"),
    ("login.submit", "ログイン", "Log in"),
    ("login.bad_credentials", "メールアドレスまたはパスワードが違います。", "Wrong e-mail address or password."),
    (
        "login.locked",
        "ログインの失敗が続いたため、しばらくお待ちください。次に試せる時刻:",
        "Too many failed logins. You can try again at",
    ),
    ("login.totp_title", "確認コードの入力", "Enter your code"),
    (
        "login.totp_lead",
        "認証アプリに表示されている6桁の確認コードを入力してください。",
        "Enter the 6-digit code shown in your authenticator app.",
    ),
    ("login.totp_code", "確認コード", "Code"),
    ("login.totp_submit", "確認", "Verify"),
    ("login.bad_totp", "確認コードが違うか、既に使われています。", "The code is wrong or has already been used."),
    ("login.back", "ログイン画面に戻る", "Back to login"),
    // Dashboard
    ("dashboard.title", "ダッシュボード", "Dashboard"),
    ("dashboard.summary", "概要", "Summary"),
    ("dashboard.facilities", "施設", "Facilities"),
    ("dashboard.assets", "資産", "Assets"),
    ("dashboard.internet_facing", "インターネット公開", "Internet-facing"),
    ("dashboard.perimeter", "VPN・UTM・ルータ", "VPN, UTM and routers"),
    ("dashboard.out_of_support", "サポート終了", "Out of support"),
    ("dashboard.by_category", "種別ごとの資産", "Assets by category"),
    ("dashboard.count", "台数", "Count"),
    ("dashboard.of_which_internet", "うちインターネット公開", "Of which internet-facing"),
    (
        "dashboard.empty",
        "資産がまだ登録されていません。台帳ファイルを取り込むと始められます。",
        "No assets yet. Import your register file to start.",
    ),
    ("dashboard.chain_gaps", "連絡体制の不足", "Gaps in the contact chain"),
    (
        "dashboard.chain_gaps_lead",
        "立入検査では、保守業者・厚生労働省・警察等への連絡体制が確認されます（チェックリスト 3-①）。",
        "On-site inspections check the contact chain to vendors, MHLW and the police (checklist 3-①).",
    ),
    // Facilities
    ("facilities.title", "施設", "Facilities"),
    ("facilities.new", "施設を追加", "Add facility"),
    ("facilities.edit", "施設を編集", "Edit facility"),
    ("facilities.empty", "施設がまだありません。", "No facilities yet."),
    ("facilities.assets", "資産", "Assets"),
    ("facilities.chain", "連絡体制", "Contact chain"),
    ("facilities.delete", "この施設を削除", "Delete this facility"),
    (
        "facilities.operator_hint",
        "公的（国・自治体・地方独立行政法人）の医療機関は、個人情報漏えい時の報告ルールが民間と異なります。",
        "Public operators (state, local governments, local independent agencies) follow different breach-report rules from private ones.",
    ),
    // Assets
    ("assets.title", "資産台帳", "Asset register"),
    ("assets.new", "資産を登録", "Add asset"),
    ("assets.edit", "資産を編集", "Edit asset"),
    ("assets.delete", "この資産を削除", "Delete this asset"),
    ("assets.import", "台帳ファイルの取込", "Import register file"),
    ("assets.export", "書き出し", "Export"),
    ("assets.search", "検索", "Search"),
    ("assets.search_hint", "名称・メーカー・製品・バージョン・IPなど", "Name, vendor, product, version, IP…"),
    ("assets.filter", "絞り込む", "Filter"),
    ("assets.clear", "条件をクリア", "Clear"),
    ("assets.per_page", "表示件数", "Per page"),
    ("assets.showing_prefix", "全", ""),
    ("assets.showing_middle", "件中", "assets, showing"),
    ("assets.showing_suffix", "件を表示", ""),
    ("assets.none", "条件に合う資産はありません。", "No assets match."),
    ("assets.flags", "状態", "Flags"),
    ("assets.tag_internet", "公開", "Public"),
    ("assets.tag_remote", "リモート保守", "Remote maint."),
    ("assets.tag_noscan", "スキャン禁止", "No scan"),
    ("assets.pages", "ページ", "Pages"),
    ("assets.prev", "前へ", "Previous"),
    ("assets.next", "次へ", "Next"),
    ("assets.history", "変更履歴", "History"),
    ("assets.support_ended", "（サポート終了）", "(support ended)"),
    ("assets.scan_auto", "自動（医療機器は「はい」）", "Automatic (yes for medical devices)"),
    // Import
    ("import.title", "台帳ファイルの取込", "Import register file"),
    (
        "import.lead",
        "Excelなどで管理している資産台帳を取り込みます。",
        "Import the asset register you keep in Excel or similar.",
    ),
    (
        "import.formats",
        "CSV（UTF-8 または Excel が保存する Shift_JIS）、タブ区切りテキスト、Excel (.xlsx) に対応しています。文字コードは自動判定します。",
        "CSV (UTF-8, or Shift_JIS as Excel saves it in Japan), tab-separated text and Excel (.xlsx); the encoding is detected.",
    ),
    (
        "import.headers",
        "1行目は見出し行です。日本語（施設、名称、種別、メーカー、製品、バージョン、IPアドレス…）でも英語でも構いません。",
        "The first row holds the headers, in Japanese or English (facility, name, category, vendor, product, version, ip…).",
    ),
    (
        "import.all_or_nothing",
        "誤りのある行が1行でもあれば、何も取り込まずに誤りの行と列をすべて表示します。",
        "If any row has an error, nothing is imported and every error is listed with its line and column.",
    ),
    (
        "import.update",
        "同じ施設・同じ名称の資産は更新され、重複して登録されることはありません。",
        "An asset with the same facility and name is updated, never duplicated.",
    ),
    ("import.template", "テンプレート（CSV）をダウンロード", "Download a template (CSV)"),
    ("import.file", "ファイル", "File"),
    ("import.max_size", "上限", "Limit"),
    (
        "import.default_facility",
        "施設（ファイルに施設の列がない場合）",
        "Facility (when the file has no facility column)",
    ),
    (
        "import.default_facility_hint",
        "施設の列があるファイルでは使われません。",
        "Ignored when the file has a facility column.",
    ),
    ("import.check", "内容を確認", "Check the file"),
    ("import.no_file", "ファイルを選んでください。", "Choose a file."),
    ("import.file_error", "ファイルを読み込めませんでした。", "The file could not be read."),
    ("import.preview_title", "取込内容の確認", "Check before importing"),
    ("import.encoding", "文字コード・形式", "Encoding / format"),
    ("import.rows", "データ行数", "Data rows"),
    ("import.ignored", "使われない列", "Ignored columns"),
    ("import.rejected", "取り込めません", "Cannot import"),
    (
        "import.rejected_lead",
        "件の誤りがあります。ファイルを直してからもう一度取り込んでください。何も変更していません。",
        "error(s) found. Fix the file and import it again. Nothing was changed.",
    ),
    ("import.line", "行", "Line"),
    ("import.column", "列", "Column"),
    ("import.reason", "内容", "Problem"),
    ("import.again", "ファイルを選び直す", "Choose another file"),
    ("import.would", "取り込むと次のようになります", "Importing will"),
    ("import.created", "新規登録", "Add"),
    ("import.updated", "更新", "Update"),
    ("import.unchanged", "変更なし", "Leave unchanged"),
    ("import.new_facilities", "新しく作成される施設", "Facilities created"),
    ("import.new_vendors", "新しく作成される業者", "Vendors created"),
    ("import.confirm", "取り込む", "Import"),
    ("import.done_title", "取り込みました", "Imported"),
    ("import.to_list", "資産台帳へ", "To the register"),
    // Contacts
    ("contacts.title", "連絡体制", "Contact chain"),
    ("contacts.new", "連絡先を追加", "Add contact"),
    ("contacts.edit", "連絡先を編集", "Edit contact"),
    ("contacts.new_party", "業者・関係機関を追加", "Add vendor or party"),
    ("contacts.edit_party", "業者・関係機関を編集", "Edit vendor or party"),
    ("contacts.parties", "業者・関係機関", "Vendors and parties"),
    ("contacts.add_contact", "連絡先を追加", "Add contact"),
    ("contacts.all_facilities", "全施設共通", "All facilities"),
    ("contacts.show", "表示", "Show"),
    ("contacts.internal", "院内（自施設の職員）", "Internal (own staff)"),
    ("contacts.empty", "連絡先がまだ登録されていません。", "No contacts yet."),
    ("contacts.gaps", "次の連絡先が未登録です:", "Missing from the chain:"),
    ("contacts.print_chart", "連絡体制図を印刷", "Print the chart"),
    ("contacts.hours_hint", "例: 平日 9:00-17:00、24時間", "e.g. weekdays 9:00-17:00, 24 hours"),
    (
        "contacts.confirm_delete_party",
        "この業者・関係機関と、その連絡先をすべて削除しますか？",
        "Delete this party and all its contacts?",
    ),
    // Chart
    ("chart.title", "連絡体制図", "Incident contact chart"),
    ("chart.printed", "作成日", "Printed"),
    ("chart.print", "印刷", "Print"),
    ("chart.first_steps", "サイバー攻撃が疑われたら", "If a cyber-attack is suspected"),
    (
        "chart.step_isolate",
        "LANケーブルを抜く・Wi-Fiを切るなど、端末をネットワークから切り離す",
        "Disconnect the device from the network (unplug the cable, turn off Wi-Fi)",
    ),
    (
        "chart.step_power",
        "電源は切らない（記録が消えるため）。画面を写真に残す",
        "Do not switch it off (evidence would be lost); photograph the screen",
    ),
    ("chart.step_call", "下の①の順に院内へ連絡し、②の保守業者へ連絡する", "Call ① in order, then the vendor in ②"),
    ("chart.internal", "院内", "Inside the organisation"),
    ("chart.vendors", "保守業者", "Vendors"),
    ("chart.authorities", "報告先（厚生労働省・都道府県・警察）", "Report to (MHLW, prefecture, police)"),
    ("chart.advisors", "相談先（保険会社・ISAC など）", "Advice (insurer, ISAC…)"),
    ("chart.maintains", "担当", "Maintains"),
    (
        "chart.source",
        "厚生労働省「医療機関におけるサイバーセキュリティ対策チェックリスト」3-① 連絡体制の整備に対応。",
        "Supports item 3-① (contact chain) of MHLW's cybersecurity checklist for medical institutions.",
    ),
    // Users
    ("users.title", "ユーザー", "Users"),
    ("users.new", "ユーザーを追加", "Add user"),
    ("users.edit", "ユーザーを編集", "Edit user"),
    ("users.email", "メールアドレス（ログインID）", "E-mail (login)"),
    ("users.display_name", "表示名", "Display name"),
    ("users.initial_password", "初期パスワード", "Initial password"),
    ("users.roles", "権限", "Roles"),
    (
        "users.roles_hint",
        "組織全体、または施設ごとに権限を設定します。管理者: すべて／責任者: 台帳・取込・監査ログ／担当者: 台帳の更新／監査: 閲覧のみ",
        "Grant a role for the whole organisation or per facility. Admin: everything / Manager: register, imports, audit log / Staff: keep the register up to date / Auditor: read-only",
    ),
    ("users.whole_org", "組織全体", "Whole organisation"),
    ("users.no_role", "なし", "None"),
    ("users.totp", "二要素認証", "Two-factor"),
    ("users.last_login", "最終ログイン", "Last login"),
    ("users.status", "状態", "Status"),
    ("users.active", "有効", "Active"),
    ("users.disabled", "無効", "Disabled"),
    ("users.security", "パスワードと二要素認証", "Password and two-factor"),
    ("users.reset_password", "パスワードを再発行", "Issue a new password"),
    ("users.reset_totp", "二要素認証をリセット", "Reset two-factor"),
    (
        "users.confirm_reset_password",
        "新しいパスワードを発行し、このユーザーのログインをすべて終了します。よろしいですか？",
        "Issue a new password and end all of this user's sessions?",
    ),
    (
        "users.confirm_reset_totp",
        "二要素認証をリセットします（端末紛失時など）。よろしいですか？",
        "Reset two-factor login (e.g. after a lost phone)?",
    ),
    (
        "users.new_password",
        "新しいパスワードです。この画面でのみ表示されます。本人に安全な方法で伝えてください。",
        "The new password, shown only now. Give it to the user safely.",
    ),
    (
        "users.last_admin",
        "組織には有効な管理者が少なくとも1人必要です。",
        "The organisation must keep at least one active administrator.",
    ),
    ("users.totp_policy", "二要素認証の方針", "Two-factor policy"),
    (
        "users.totp_required",
        "すべてのユーザーに二要素認証を必須としています。",
        "Two-factor login is required for every user.",
    ),
    (
        "users.totp_optional",
        "二要素認証は任意です（チェックリストでは令和9年度までの導入が求められています）。",
        "Two-factor login is optional (the MHLW checklist expects it by FY2027).",
    ),
    ("users.totp_make_required", "必須にする", "Require it"),
    ("users.totp_make_optional", "任意に戻す", "Make it optional"),
    // Account
    ("account.title", "アカウント", "Account"),
    ("account.password_title", "パスワードの変更", "Change password"),
    ("account.current_password", "現在のパスワード", "Current password"),
    ("account.new_password", "新しいパスワード", "New password"),
    ("account.confirm_password", "新しいパスワード（確認）", "New password (again)"),
    ("account.change_password", "変更する", "Change"),
    ("account.mismatch", "新しいパスワードが一致しません。", "The new passwords do not match."),
    (
        "account.password_rule",
        "8文字以上で英字・数字・記号を混ぜるか、13文字以上にしてください。",
        "At least 8 characters mixing letters, digits and symbols, or 13 characters or more.",
    ),
    ("account.totp_title", "二要素認証", "Two-factor login"),
    ("account.totp_on", "有効", "On"),
    ("account.totp_off", "未設定", "Off"),
    ("account.totp_setup", "設定する", "Set up"),
    ("account.totp_manage", "設定を確認", "Manage"),
    (
        "account.totp_required",
        "この組織では二要素認証が必須です。設定を完了するまで他の画面は使えません。",
        "Your organisation requires two-factor login. Finish setting it up to continue.",
    ),
    (
        "account.totp_lead",
        "スマートフォンの認証アプリ（Google Authenticator、Microsoft Authenticator など）で、ログイン時に確認コードを使うようにします。",
        "Use an authenticator app on your phone (Google Authenticator, Microsoft Authenticator…) for a code at login.",
    ),
    ("account.totp_begin", "設定を始める", "Start"),
    ("account.totp_step_app", "スマートフォンに認証アプリを入れます。", "Install an authenticator app on your phone."),
    ("account.totp_step_scan", "アプリで次のQRコードを読み取ります。", "Scan this QR code with the app."),
    ("account.totp_qr", "認証アプリ用のQRコード", "QR code for the authenticator app"),
    (
        "account.totp_manual",
        "読み取れない場合は、次のキーを手入力してください:",
        "If you cannot scan it, type this key:",
    ),
    ("account.totp_step_code", "アプリに表示された6桁のコード", "The 6-digit code the app shows"),
    ("account.totp_confirm", "有効にする", "Turn on"),
    ("account.totp_disable", "二要素認証を無効にする", "Turn off two-factor login"),
    ("account.tokens_title", "APIトークン", "API tokens"),
    (
        "account.tokens_lead",
        "他のツールやスクリプトから REST API（/api/v1）を使うためのトークンです。あなたと同じ権限で動作します。",
        "Tokens for other tools and scripts to use the REST API (/api/v1). They act with your permissions.",
    ),
    ("account.token_name", "用途", "Name"),
    ("account.token_prefix", "先頭", "Starts with"),
    ("account.token_created", "作成", "Created"),
    ("account.token_used", "最終使用", "Last used"),
    ("account.token_expires", "有効期限", "Expires"),
    ("account.token_days", "有効日数（空欄で無期限）", "Valid for days (empty: no expiry)"),
    ("account.token_create", "トークンを作成", "Create token"),
    (
        "account.token_once",
        "新しいトークンです。この画面でのみ表示されます。安全な場所に保存してください。",
        "Your new token, shown only now. Store it somewhere safe.",
    ),
    ("account.token_revoked", "失効済み", "Revoked"),
    ("account.revoke", "失効させる", "Revoke"),
    ("account.confirm_revoke", "このトークンを失効させますか？", "Revoke this token?"),
    // Audit
    ("audit.title", "監査ログ", "Audit log"),
    (
        "audit.lead",
        "すべての変更が、誰が・いつ・何を・変更前後の値とともに記録されます。記録は書き換えできません。",
        "Every change is recorded with who, when, what, and the values before and after. Entries cannot be altered.",
    ),
    ("audit.entity", "対象", "Record type"),
    ("audit.at", "日時", "When"),
    ("audit.actor", "実行者", "By"),
    ("audit.action", "操作", "Action"),
    ("audit.field", "項目", "Field"),
    ("audit.before", "変更前", "Before"),
    ("audit.after", "変更後", "After"),
    ("audit.empty", "記録はありません。", "No entries."),
    ("audit.older", "さらに古い記録", "Older entries"),
    ("audit.export_csv", "CSVで書き出し", "Export CSV"),
    ("audit.export_json", "JSON Linesで書き出し", "Export JSON Lines"),
    // Audit actions and record types
    ("asset.create", "資産の登録", "Asset added"),
    ("asset.update", "資産の更新", "Asset changed"),
    ("asset.delete", "資産の削除", "Asset deleted"),
    ("facility.create", "施設の登録", "Facility added"),
    ("facility.update", "施設の更新", "Facility changed"),
    ("facility.delete", "施設の削除", "Facility deleted"),
    ("party.create", "業者・関係機関の登録", "Party added"),
    ("party.update", "業者・関係機関の更新", "Party changed"),
    ("party.delete", "業者・関係機関の削除", "Party deleted"),
    ("contact.create", "連絡先の登録", "Contact added"),
    ("contact.update", "連絡先の更新", "Contact changed"),
    ("contact.delete", "連絡先の削除", "Contact deleted"),
    ("user.create", "ユーザーの作成", "User created"),
    ("user.update", "ユーザーの更新", "User changed"),
    ("user.password", "パスワードの変更", "Password changed"),
    ("user.totp", "二要素認証の変更", "Two-factor changed"),
    ("organization.create", "組織の作成", "Organisation created"),
    ("organization.update", "組織設定の変更", "Organisation settings changed"),
    ("inventory.import", "台帳ファイルの取込", "Register imported"),
    ("inventory.export", "台帳の書き出し", "Register exported"),
    ("auth.login", "ログイン", "Login"),
    ("auth.login_failed", "ログイン失敗", "Failed login"),
    ("token.create", "APIトークンの作成", "API token created"),
    ("token.revoke", "APIトークンの失効", "API token revoked"),
    ("audit.export", "監査ログの書き出し", "Audit log exported"),
    ("asset", "資産", "Asset"),
    ("facility", "施設", "Facility"),
    ("party", "業者・関係機関", "Vendor / party"),
    ("contact", "連絡先", "Contact"),
    ("user", "ユーザー", "User"),
    ("organization", "組織", "Organisation"),
    ("inventory", "台帳", "Register"),
    ("api_token", "APIトークン", "API token"),
    // Field labels
    ("field.facility", "施設", "Facility"),
    ("field.facility_name", "施設名", "Facility name"),
    ("field.name", "名称", "Name"),
    ("field.category", "種別", "Category"),
    ("field.vendor", "メーカー", "Vendor"),
    ("field.product", "製品", "Product"),
    ("field.version", "バージョン", "Version"),
    ("field.cpe", "CPE", "CPE"),
    ("field.ip", "IPアドレス", "IP address"),
    ("field.internet_facing", "インターネット公開", "Internet-facing"),
    ("field.location", "設置場所", "Location"),
    ("field.network_zone", "ネットワーク区分", "Network zone"),
    ("field.remote_maintenance", "リモート保守", "Remote maintenance"),
    ("field.remote_vendor", "リモート保守業者", "Remote-maintenance vendor"),
    ("field.no_active_scan", "能動スキャン禁止", "Never scan actively"),
    ("field.owner", "管理者・担当部署", "Owner"),
    ("field.maintenance_vendor", "保守業者", "Maintenance vendor"),
    ("field.support_end", "サポート終了日", "Support ends"),
    ("field.last_updated", "最終更新日（ソフトウェア）", "Last software update"),
    ("field.notes", "備考", "Notes"),
    ("field.kind", "種類", "Kind"),
    ("field.beds", "病床数", "Beds"),
    ("field.prefecture", "都道府県", "Prefecture"),
    ("field.operator", "開設者", "Operator"),
    ("field.address", "所在地", "Address"),
    ("field.phone", "電話番号", "Phone"),
    ("field.email", "メールアドレス", "E-mail"),
    ("field.hours", "対応時間", "Hours"),
    ("field.order", "順番", "Order"),
    ("field.role", "役割", "Role"),
    ("field.title", "部署・役職", "Department / title"),
    ("field.contact_name", "氏名・窓口名", "Person or desk"),
    ("field.party", "所属（業者・関係機関）", "Organisation"),
    ("field.party_name", "名称", "Name"),
    ("field.party_kind", "区分", "Kind"),
    ("field.scope", "対象の施設", "Facility"),
];

/// Every UI text, the vulnerability, alert and case pages' included.
fn all() -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str)> {
    MESSAGES
        .iter()
        .chain(super::messages_vuln::VULN_MESSAGES)
        .chain(super::messages_alert::ALERT_MESSAGES)
        .chain(super::messages_case::CASE_MESSAGES)
        .chain(super::messages_backup::BACKUP_MESSAGES)
        .chain(super::messages_readiness::READINESS_MESSAGES)
        .chain(super::messages_vendor::VENDOR_MESSAGES)
        .chain(super::messages_training::TRAINING_MESSAGES)
        .chain(super::messages_inspection::INSPECTION_MESSAGES)
        .chain(super::messages_bcp::BCP_MESSAGES)
        .chain(super::messages_plan::PLAN_MESSAGES)
}

static INDEX: LazyLock<HashMap<&'static str, (&'static str, &'static str)>> =
    LazyLock::new(|| all().map(|(k, ja, en)| (*k, (*ja, *en))).collect());

/// The Japanese and English texts of `key`.
pub(crate) fn lookup(key: &str) -> Option<(&'static str, &'static str)> {
    INDEX.get(key).copied()
}

/// A record field's label, for error lists and audit diffs: its `field.` message, a few
/// audit-only names, or else the key itself.
pub(crate) fn field_label(field: &str, lang: Lang) -> String {
    let key = match field {
        "facility_id" => "field.facility".to_owned(),
        "maintenance_vendor_id" => "field.maintenance_vendor".to_owned(),
        "remote_vendor_id" => "field.remote_vendor".to_owned(),
        "party_id" => "field.party".to_owned(),
        "display_name" => "users.display_name".to_owned(),
        "totp_enabled" | "require_totp" | "totp" => "users.totp".to_owned(),
        "disabled" => "users.status".to_owned(),
        "grants" => "users.roles".to_owned(),
        "password" | "new_password" => "account.new_password".to_owned(),
        "current_password" => "account.current_password".to_owned(),
        other => format!("field.{other}"),
    };
    match (lookup(&key), lang) {
        (Some((ja, _)), Lang::Ja) => ja.to_owned(),
        (Some((_, en)), Lang::En) => en.to_owned(),
        (None, _) => field.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_both_languages_present() {
        let mut seen = std::collections::HashSet::new();
        for (k, ja, en) in all() {
            assert!(seen.insert(*k), "duplicate key {k}");
            assert!(!ja.is_empty(), "{k} has no Japanese");
            // A few English halves are empty on purpose (word order differs).
            assert!(!en.is_empty() || k.starts_with("assets.showing"), "{k} has no English");
        }
    }

    #[test]
    fn every_key_a_template_or_handler_uses_exists() {
        let dirs = [concat!(env!("CARGO_MANIFEST_DIR"), "/templates"), concat!(env!("CARGO_MANIFEST_DIR"), "/src")];
        let mut missing = Vec::new();
        for dir in dirs {
            for path in files(std::path::Path::new(dir)) {
                let text = std::fs::read_to_string(&path).unwrap();
                for key in used_keys(&text) {
                    if lookup(&key).is_none() {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "missing message keys:\n{}", missing.join("\n"));
    }

    fn files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.extend(files(&p));
            } else if p.extension().is_some_and(|x| x == "html" || x == "rs") {
                out.push(p);
            }
        }
        out
    }

    /// Keys in `t("…")` calls and in the title argument of `Layout::new`.
    fn used_keys(text: &str) -> Vec<String> {
        let mut keys = Vec::new();
        for marker in ["t(\"", "Layout::new(&v, \"", "Layout::new(v, \"", "Layout::public(tr, \""] {
            let mut rest = text;
            while let Some(i) = rest.find(marker) {
                rest = &rest[i + marker.len()..];
                if let Some(end) = rest.find('"') {
                    let key = &rest[..end];
                    if key.contains('.') && key.chars().all(|c| c.is_ascii_lowercase() || c == '.' || c == '_') {
                        keys.push(key.to_owned());
                    }
                }
            }
        }
        keys
    }
}

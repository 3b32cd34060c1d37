#!/usr/bin/env python3
"""Writes the fixture files of this folder; see README.md. Run it from anywhere."""

from pathlib import Path

HERE = Path(__file__).resolve().parent

JA_HEADER = [
    "施設", "名称", "種別", "メーカー", "製品", "バージョン", "CPE", "IPアドレス",
    "インターネット公開", "設置場所", "ネットワーク区分", "リモート保守", "リモート保守業者",
    "能動スキャン禁止", "管理者", "保守業者", "サポート終了日", "最終更新日", "備考",
]

H = "みなと総合病院"
C = "さくら内科クリニック"
FORTIOS = "cpe:2.3:o:fortinet:fortios:6.0.4:*:*:*:*:*:*:*"

# The register of a 400-bed hospital and a clinic; one CSV line each, except the CT
# scanner, whose note holds a line break (the next record starts two lines later).
JA_ROWS = [
    [H, "本館VPN装置", "VPN装置", "Fortinet", "FortiGate 60E", "6.0.4", FORTIOS, "203.0.113.10",
     "はい", "本館2階 サーバ室", "DMZ", "いいえ", "", "いいえ", "情報システム課",
     "みなとネットワークサービス株式会社", "2022/3/29", "2019/2/15", "SSL-VPN有効、外部から接続可"],
    [H, "電子カルテサーバ", "電子カルテ", "富士通", "HOPE LifeMark-HX", "V2.1", "", "10.10.1.10",
     "いいえ", "本館2階 サーバ室", "電子カルテ系", "", "", "", "情報システム課",
     "富士通Japan株式会社", "令和9年3月31日", "2025-01-20", ""],
    [H, "PACSサーバ", "PACS", "キヤノンメディカルシステムズ", "Rapideye Core", "8.0", "", "10.10.2.20",
     "いいえ", "本館地下1階 放射線科", "画像系", "はい", "キヤノンメディカルシステムズ株式会社", "はい",
     "放射線科", "キヤノンメディカルシステムズ株式会社", "2027-09-30", "2024-11-05", ""],
    [H, "保守用ルータ", "ルータ", "YAMAHA", "RTX1210", "Rev.14.01.38", "", "192.168.100.1",
     "いいえ", "本館2階 サーバ室", "保守回線", "", "日本メディカル保守株式会社", "いいえ",
     "情報システム課", "", "", "2023-06-01", "ベンダーのリモート保守専用, 常時接続"],
    [H, "外来受付PC-01", "端末PC", "NEC", "Mate MKM32L", "Windows 10 22H2", "", "10.10.3.101",
     "いいえ", "外来受付", "電子カルテ系", "", "", "", "医事課", "", "2025-10-14", "2025-09-10",
     "Windows 10 サポート終了済み"],
    [H, "ナースステーションPC-3F", "パソコン", "富士通", "ESPRIMO D588", "Windows 11 23H2", "",
     "10.10.3.130", "いいえ", "3階病棟", "電子カルテ系", "", "", "", "看護部", "", "2025-11-11",
     "2025-03-12", ""],
    [H, "CT装置", "医療機器", "GEヘルスケア", "Revolution CT", "", "", "10.10.2.50", "いいえ",
     "本館1階 CT室", "画像系", "はい", "GEヘルスケア・ジャパン株式会社", "", "放射線科",
     "GEヘルスケア・ジャパン株式会社", "2030-03-31", "", "スキャン禁止\n(メーカー指示)"],
    [C, "受付PC", "端末PC", "Dell", "OptiPlex 3000", "Windows 11 23H2", "", "192.168.1.10", "いいえ",
     "受付", "", "", "", "", "院長", "", "", "2025-04-01", ""],
    [C, "UTM", "UTM", "Fortinet", "FortiGate 40F", "7.2.8", "", "192.168.1.1", "はい", "受付裏ラック",
     "", "いいえ", "", "いいえ", "院長", "さくらITサポート", "2026-12-31", "2024-06-15", ""],
]


def csv_line(cells, sep=","):
    def cell(v):
        if any(c in v for c in (sep, '"', "\n", "\r")):
            return '"' + v.replace('"', '""') + '"'
        return v
    return sep.join(cell(v) for v in cells)


def text(rows, sep=",", eol="\r\n"):
    return "".join(csv_line(r, sep) + eol for r in rows)


def write(name, data):
    (HERE / name).write_bytes(data)


register = text([JA_HEADER] + JA_ROWS)
write("minato_ja_utf8bom.csv", b"\xef\xbb\xbf" + register.encode("utf-8"))
write("minato_ja_sjis.csv", register.encode("cp932"))

# Excel's "Unicode text": UTF-16LE with a BOM, tab-separated, CRLF.
utf16_rows = [JA_HEADER] + [JA_ROWS[0], JA_ROWS[6], JA_ROWS[8]]
write("minato_ja_utf16.txt", b"\xff\xfe" + text(utf16_rows, sep="\t").encode("utf-16-le"))

# English headers in other spellings, one unknown column, LF, no BOM.
en = [
    ["Facility Name", "Hostname", "Type", "Manufacturer", "Model", "OS Version", "IP Address",
     "Internet Facing", "Location", "Zone", "Remote Maintenance", "Remote Vendor", "No Active Scan",
     "Owner", "Maintenance", "End of Support", "Last Updated", "Comment", "Serial No."],
    ["Minato General Hospital", "main-vpn", "VPN appliance", "Fortinet", "FortiGate 60E", "6.0.4",
     "203.0.113.10", "yes", "Server room", "DMZ", "no", "", "no", "IT section",
     "Minato Network Services", "2022-03-29", "2019-02-15", "SSL-VPN enabled", "FGT60E0000000001"],
    ["Minato General Hospital", "ct-scanner", "Medical device", "GE HealthCare", "Revolution CT", "",
     "10.10.2.50", "0", "CT room", "imaging", "1", "GE HealthCare Japan", "", "Radiology", "", "2030/3/31",
     "", "", ""],
    ["Sakura Clinic", "reception-pc", "PC", "Dell", "OptiPlex 3000", "Windows 11 23H2", "192.168.1.10",
     "false", "Reception", "", "", "", "", "Director", "", "", "R7.4.1", "", "SN-3"],
]
write("register_en.csv", text(en, eol="\n").encode("utf-8"))

# Bad rows; README.md lists the problem expected on each line.
bad_header = ["施設", "名称", "種別", "IPアドレス", "インターネット公開", "サポート終了日", "備考"]
bad = (
    csv_line(bad_header) + "\r\n"                                                  # 1
    + csv_line([H, "本館VPN装置", "VPN", "203.0.113.10", "はい", "2026-03-31", ""]) + "\r\n"  # 2 ok
    + csv_line([H, "電子カルテサーバ", "サーバ", "10.0.0.300", "", "", ""]) + "\r\n"          # 3 ip
    + csv_line([H, "電子レンジ", "トースター", "", "", "", ""]) + "\r\n"                       # 4 category
    + csv_line([H, "PACS", "PACS", "", "", "2025-02-30", ""]) + "\r\n"                        # 5 date
    + csv_line([H, "Wi-Fi AP", "無線AP", "", "たぶん", "", ""]) + "\r\n"                       # 6 flag
    + csv_line([H, "端末PC-01", "端末PC", "10.10.3.101", "", "", ""]) + "\r\n"              # 7 ok
    + "\r\n"                                                                              # 8 blank
    + csv_line([H, "端末PC-01", "端末PC", "10.10.3.102", "", "", "重複"]) + "\r\n"          # 9 duplicate
    + csv_line([H, "", "端末PC", "10.10.3.103", "", "", ""]) + "\r\n"                       # 10 no name
    + csv_line([C, "受付PC", "端末PC", "", "", "", "1行目\n2行目"]) + "\r\n"                  # 11-12 ok
    + csv_line([C, "UTM", "UTM", "192.168.1", "perhaps", "", ""]) + "\r\n"                   # 13 ip, flag
    + csv_line([C, "NAS", "サーバ", "", "", "", "Buffalo", "Inc."]) + "\r\n"                  # 14 extra cell
)
write("bad_rows.csv", b"\xef\xbb\xbf" + bad.encode("utf-8"))

write("header_only.csv", b"\xef\xbb\xbf" + text([JA_HEADER]).encode("utf-8"))

no_name = [h for h in JA_HEADER if h != "名称"]
write("missing_name.csv", text([no_name, [H, "VPN装置"] + [""] * (len(no_name) - 2)]).encode("cp932"))

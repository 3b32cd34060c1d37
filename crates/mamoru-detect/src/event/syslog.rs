//! Syslog lines: RFC 5424, RFC 3164 (BSD, as in /var/log files, with or without `<PRI>`),
//! and key=value bodies such as FortiGate's (`date=… time=… devname=… type=event …`),
//! whose pairs become fields.

use jiff::{Timestamp, civil, tz::TimeZone};
use serde_json::{Map, Value};

use super::{Format, LogEvent};

/// What a BSD syslog line leaves out: the year and the time zone of its clock.
#[derive(Debug, Clone)]
pub struct SyslogOptions {
    pub year: i16,
    pub time_zone: TimeZone,
    /// A BSD line dated more than a day after this (usually "now") is from the year
    /// before: December's lines read in January.
    pub not_after: Option<Timestamp>,
}

const FACILITIES: [&str; 24] = [
    "kern",
    "user",
    "mail",
    "daemon",
    "auth",
    "syslog",
    "lpr",
    "news",
    "uucp",
    "cron",
    "authpriv",
    "ftp",
    "ntp",
    "security",
    "console",
    "solaris-cron",
    "local0",
    "local1",
    "local2",
    "local3",
    "local4",
    "local5",
    "local6",
    "local7",
];
const SEVERITIES: [&str; 8] = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];

/// Decodes one line. Every line gives an event: what cannot be parsed stays in `message`.
pub fn from_syslog_line(line: &str, options: &SyslogOptions) -> LogEvent {
    let mut out = Map::new();
    out.insert("log_format".into(), "syslog".into());
    let mut rest = line.trim_end_matches(['\r', '\n']);
    if let Some((pri, after)) = priority(rest) {
        out.insert("facility".into(), FACILITIES.get(usize::from(pri / 8)).copied().unwrap_or("unknown").into());
        out.insert("severity".into(), SEVERITIES[usize::from(pri % 8)].into());
        rest = after;
    }
    let mut timestamp = None;
    if let Some(after) = rest.strip_prefix("1 ") {
        rest = rfc5424(after, &mut out, &mut timestamp);
    } else if let Some((t, after)) = bsd_time(rest, options) {
        timestamp = Some(t);
        rest = bsd_header(after, &mut out);
    }
    let pairs = key_values(rest);
    if pairs.len() >= 2 {
        for (k, v) in pairs {
            if !out.contains_key(k) {
                out.insert(k.to_string(), Value::String(v));
            }
        }
        if timestamp.is_none() {
            timestamp = kv_time(&out, options);
        }
        if !out.contains_key("host")
            && let Some(name) = out.get("devname").cloned()
        {
            out.insert("host".into(), name);
        }
    }
    out.insert("message".into(), rest.into());
    LogEvent::new(out, timestamp, Format::Syslog)
}

fn priority(s: &str) -> Option<(u8, &str)> {
    let body = s.strip_prefix('<')?;
    let end = body.find('>')?;
    let pri: u8 = body[..end].parse().ok().filter(|p| *p <= 191)?;
    Some((pri, &body[end + 1..]))
}

fn rfc5424<'a>(s: &'a str, out: &mut Map<String, Value>, ts: &mut Option<Timestamp>) -> &'a str {
    let mut parts = s.splitn(6, ' ');
    let (Some(time), Some(host), Some(app), Some(pid), Some(msgid)) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return s;
    };
    let rest = parts.next().unwrap_or("");
    *ts = time.parse::<Timestamp>().ok();
    for (key, value) in [("host", host), ("program", app), ("pid", pid), ("msgid", msgid)] {
        if value != "-" {
            out.insert(key.into(), value.into());
        }
    }
    // Structured data: "-" or one or more [id k="v" ...] blocks; their pairs become fields.
    if let Some(after) = rest.strip_prefix("- ") {
        return after;
    }
    if rest == "-" {
        return "";
    }
    let mut body = rest;
    while body.starts_with('[') {
        let Some(end) = find_block_end(body) else { break };
        for (k, v) in key_values(&body[1..end]) {
            out.entry(k.to_string()).or_insert(Value::String(v));
        }
        body = body[end + 1..].trim_start();
    }
    body.strip_prefix('\u{feff}').unwrap_or(body)
}

fn find_block_end(s: &str) -> Option<usize> {
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            ']' if !quoted => return Some(i),
            _ => {}
        }
    }
    None
}

/// `Mmm dd hh:mm:ss ` (day padded with a space or a zero).
fn bsd_time<'a>(s: &'a str, options: &SyslogOptions) -> Option<(Timestamp, &'a str)> {
    // "Mmm dd hh:mm:ss" is ASCII; checking it first keeps the slicing below on char boundaries.
    let head = s.get(..15).filter(|h| h.is_ascii())?;
    let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        .iter()
        .position(|m| head.starts_with(m))?;
    let day: i8 = head[4..6].trim().parse().ok()?;
    let mut hms = head[7..15].split(':').map(|p| p.parse::<i8>().ok());
    let (Some(Some(h)), Some(Some(m)), Some(Some(sec))) = (hms.next(), hms.next(), hms.next()) else {
        return None;
    };
    let month = i8::try_from(month + 1).ok()?;
    let date = civil::DateTime::new(options.year, month, day, h, m, sec, 0).ok()?;
    let mut t = date.to_zoned(options.time_zone.clone()).ok()?.timestamp();
    if let Some(limit) = options.not_after
        && t.as_second() > limit.as_second() + 86_400
    {
        let earlier = civil::DateTime::new(options.year - 1, month, day, h, m, sec, 0).ok()?;
        t = earlier.to_zoned(options.time_zone.clone()).ok()?.timestamp();
    }
    Some((t, s[15..].trim_start()))
}

/// `HOST TAG[PID]: message` after a BSD timestamp.
fn bsd_header<'a>(s: &'a str, out: &mut Map<String, Value>) -> &'a str {
    let Some((host, after)) = s.split_once(' ') else { return s };
    // A tag ends at the first ':'; lines whose "tag" has spaces have no tag at all.
    let Some((tag, message)) = after.split_once(": ").or_else(|| after.strip_suffix(':').map(|t| (t, ""))) else {
        out.insert("host".into(), host.into());
        return after;
    };
    if tag.contains(' ') {
        out.insert("host".into(), host.into());
        return after;
    }
    out.insert("host".into(), host.into());
    let (name, pid) = match tag.split_once('[') {
        Some((name, pid)) => (name, Some(pid.trim_end_matches(']'))),
        None => (tag, None),
    };
    // "sshd(pam_unix)" is sshd speaking through a PAM module.
    let program = name.split('(').next().unwrap_or(name);
    out.insert("program".into(), program.into());
    if program != name {
        out.insert("tag".into(), name.into());
    }
    if let Some(pid) = pid {
        out.insert("pid".into(), pid.into());
    }
    message
}

/// `k=v k2="quoted value"` pairs; anything else between them is skipped.
pub(crate) fn key_values(s: &str) -> Vec<(&str, String)> {
    let mut pairs = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'_' | b'-' | b'.')) {
            i += 1;
        }
        if i == start || i >= bytes.len() || bytes[i] != b'=' {
            while i < bytes.len() && bytes[i] != b' ' {
                i += 1;
            }
            continue;
        }
        let key = &s[start..i];
        i += 1;
        let value = if bytes.get(i) == Some(&b'"') {
            i += 1;
            let mut v = String::new();
            while i < bytes.len() && bytes[i] != b'"' {
                if bytes[i] == b'\\' && i + 1 < bytes.len() {
                    i += 1;
                }
                let ch = s[i..].chars().next().unwrap_or(' ');
                v.push(ch);
                i += ch.len_utf8();
            }
            i += 1;
            v
        } else {
            let v_start = i;
            while i < bytes.len() && bytes[i] != b' ' {
                i += 1;
            }
            s[v_start..i].to_string()
        };
        pairs.push((key, value));
    }
    pairs
}

/// FortiOS writes `date=2016-07-25 time=10:46:31` (local time of the device).
fn kv_time(fields: &Map<String, Value>, options: &SyslogOptions) -> Option<Timestamp> {
    let date = fields.get("date")?.as_str()?;
    let time = fields.get("time")?.as_str()?;
    let dt: civil::DateTime = format!("{date}T{time}").parse().ok()?;
    dt.to_zoned(options.time_zone.clone()).ok().map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> SyslogOptions {
        SyslogOptions { year: 2025, time_zone: TimeZone::get("Asia/Tokyo").unwrap(), not_after: None }
    }

    #[test]
    fn december_lines_read_in_january_are_from_last_year() {
        let options = SyslogOptions { year: 2026, not_after: Some("2026-01-05T00:00:00Z".parse().unwrap()), ..opts() };
        let e = from_syslog_line("Dec 31 23:00:00 host app: bye", &options);
        assert_eq!(e.timestamp.unwrap().to_string(), "2025-12-31T14:00:00Z");
        let e = from_syslog_line("Jan  5 08:00:00 host app: hello", &options);
        assert_eq!(e.timestamp.unwrap().to_string(), "2026-01-04T23:00:00Z");
    }

    #[test]
    fn a_date_with_a_multibyte_character_is_not_a_date() {
        // Found by the `events` fuzz target: this slice of the date once split a character.
        let e = from_syslog_line("<13>Dec \u{fffd}1 r3:59:59", &opts());
        assert_eq!(e.timestamp, None);
        assert_eq!(e.fields.to_json()["message"], "Dec \u{fffd}1 r3:59:59");
    }

    #[test]
    fn bsd_line_from_a_log_file() {
        let e = from_syslog_line(
            "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; rhost=218.188.2.4",
            &opts(),
        );
        assert_eq!(e.fields.to_json()["program"], "sshd");
        assert_eq!(e.fields.to_json()["pid"], "19939");
        assert_eq!(e.fields.to_json()["host"], "combo");
        assert_eq!(e.fields.to_json()["message"], "authentication failure; rhost=218.188.2.4");
        assert_eq!(e.timestamp.unwrap().to_string(), "2025-06-14T06:16:01Z");
    }

    #[test]
    fn rfc5424_with_structured_data() {
        let e = from_syslog_line(
            r#"<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 [exampleSDID@32473 iut="3" eventSource="Application"] 'su root' failed"#,
            &opts(),
        );
        assert_eq!(e.fields.to_json()["facility"], "auth");
        assert_eq!(e.fields.to_json()["severity"], "crit");
        assert_eq!(e.fields.to_json()["program"], "su");
        assert_eq!(e.fields.to_json()["eventSource"], "Application");
        assert_eq!(e.fields.to_json()["message"], "'su root' failed");
        assert_eq!(e.timestamp.unwrap().to_string(), "2003-10-11T22:14:15.003Z");
    }

    #[test]
    fn fortigate_key_values_become_fields() {
        let e = from_syslog_line(
            r#"<189>date=2016-07-25 time=10:46:31 devname=FG-HQ devid=FGT60D logid=0100032001 type=event subtype=system level=information user="admin" ui=https(10.0.0.1) action=login status=success msg="Administrator admin logged in successfully from https(10.0.0.1)""#,
            &opts(),
        );
        assert_eq!(e.fields.to_json()["type"], "event");
        assert_eq!(e.fields.to_json()["user"], "admin");
        assert_eq!(e.fields.to_json()["host"], "FG-HQ");
        assert_eq!(e.fields.to_json()["msg"], "Administrator admin logged in successfully from https(10.0.0.1)");
        assert_eq!(e.timestamp.unwrap().to_string(), "2016-07-25T01:46:31Z");
    }

    #[test]
    fn anything_else_is_a_message() {
        let e = from_syslog_line("<999>not syslog at all", &opts());
        assert_eq!(e.fields.to_json()["message"], "<999>not syslog at all");
        assert!(e.timestamp.is_none());
    }
}

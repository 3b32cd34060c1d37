//! Whether a repository's objects are immutable: S3 Object Lock.
//!
//! Mamoru writes no per-object retention: it relies on the bucket's *default retention*
//! (COMPLIANCE or GOVERNANCE, N days), which S3 applies to every object rustic writes. So the
//! question is the bucket's, and is answered by GetObjectLockConfiguration (`GET /bucket?object-lock`),
//! which opendal does not offer: it is one request signed here with reqsign (the signer opendal
//! itself uses). The repository's `config` object's own retention (HEAD, `x-amz-object-lock-*`)
//! is reported beside it, as evidence that the rule is applied and not only configured.

use serde::Serialize;

use super::s3::S3Backend;

/// How well a repository resists deletion, for the record of offline copies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Immutability {
    /// `local`, `S3` or `S3 Object Lock`.
    pub kind: String,
    /// Whether objects written now are retained: the bucket has Object Lock with a default
    /// retention, so neither Mamoru nor anyone holding its keys can destroy them before it ends.
    pub locked: bool,
    /// `COMPLIANCE` (nobody can shorten it) or `GOVERNANCE` (special permission can).
    pub mode: Option<String>,
    /// The bucket's default retention in days (years are counted as 365 days).
    pub retention_days: Option<u32>,
    /// Until when S3 retains the repository's `config` object (RFC 3339), as S3 reports it.
    pub config_retained_until: Option<String>,
}

impl Immutability {
    /// A local folder: whoever can write it can delete it.
    pub(crate) fn local() -> Self {
        Immutability {
            kind: "local".into(),
            locked: false,
            mode: None,
            retention_days: None,
            config_retained_until: None,
        }
    }
}

impl std::fmt::Display for Immutability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.kind)?;
        if let (Some(mode), Some(days)) = (&self.mode, self.retention_days) {
            write!(f, " ({mode}, {days} days)")?;
        }
        Ok(())
    }
}

impl S3Backend {
    /// Asks the bucket for its Object Lock configuration and the `config` object's retention.
    pub(crate) fn immutability(&self) -> Result<Immutability, String> {
        let loc = &self.location;
        let bucket_url = format!("{}/{}?object-lock", loc.endpoint, loc.bucket);
        let (status, body, _) = self.signed("GET", &bucket_url)?;
        let mut report = Immutability {
            kind: "S3".into(),
            locked: false,
            mode: None,
            retention_days: None,
            config_retained_until: None,
        };
        match status {
            200 => {}
            // `ObjectLockConfigurationNotFoundError`: a bucket without Object Lock.
            404 if body.contains("ObjectLockConfigurationNotFound") => return Ok(report),
            403 => {
                return Err(format!(
                    "S3 refused to show bucket {}'s Object Lock configuration (403): the key needs \
                     s3:GetBucketObjectLockConfiguration",
                    loc.bucket
                ));
            }
            _ => return Err(format!("GET {bucket_url} answered {status}: {}", code(&body))),
        }
        if element(&body, "ObjectLockEnabled").as_deref() != Some("Enabled") {
            return Ok(report);
        }
        report.kind = "S3 Object Lock".into();
        report.mode = element(&body, "Mode");
        let days = element(&body, "Days").and_then(|d| d.parse::<u32>().ok()).filter(|d| *d > 0);
        let years = element(&body, "Years").and_then(|y| y.parse::<u32>().ok()).filter(|y| *y > 0);
        report.retention_days = days.or(years.map(|y| y.saturating_mul(365)));
        // Object Lock without a default rule retains nothing Mamoru writes.
        report.locked = report.mode.is_some() && report.retention_days.is_some();
        let object_url = format!("{}/{}/{}", loc.endpoint, loc.bucket, encode_key(&loc.key("config")));
        if let Ok((200, _, headers)) = self.signed("HEAD", &object_url) {
            report.config_retained_until =
                headers.get("x-amz-object-lock-retain-until-date").and_then(|v| v.to_str().ok()).map(str::to_owned);
        }
        Ok(report)
    }

    /// Sends one SigV4-signed request without a body; returns the status, body and headers.
    fn signed(&self, method: &str, url: &str) -> Result<(u16, String, http::HeaderMap), String> {
        let loc = &self.location;
        let (Some(key), Some(secret)) = (&loc.access_key_id, &loc.secret_access_key) else {
            return Err("no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY".into());
        };
        let mut creds = reqsign_aws_v4::StaticCredentialProvider::new(key, secret);
        if let Some(token) = &loc.session_token {
            creds = creds.with_session_token(token);
        }
        let signer = reqsign_core::Signer::new(
            reqsign_core::Context::new(),
            creds,
            reqsign_aws_v4::RequestSigner::new("s3", &loc.region),
        );
        let request = http::Request::builder()
            .method(method)
            .uri(url)
            .header("x-amz-content-sha256", reqsign_aws_v4::EMPTY_STRING_SHA256)
            .body(())
            .map_err(|e| format!("{url}: {e}"))?;
        let (mut parts, ()) = request.into_parts();
        let client = self.client.clone();
        self.block_on(async move {
            signer.sign(&mut parts, None).await.map_err(|e| format!("cannot sign the request to {url}: {e}"))?;
            let mut req = client.request(parts.method, parts.uri.to_string());
            for (name, value) in &parts.headers {
                req = req.header(name, value);
            }
            let resp = req.send().await.map_err(|e| format!("{method} {url}: {e}"))?;
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let body = resp.text().await.unwrap_or_default();
            Ok((status, body, headers))
        })
    }
}

/// The text of the first `<name>…</name>` in an S3 XML answer (these answers are flat).
fn element(xml: &str, name: &str) -> Option<String> {
    let (_, rest) = xml.split_once(&format!("<{name}>"))?;
    let (value, _) = rest.split_once(&format!("</{name}>"))?;
    Some(value.trim().to_owned())
}

/// S3's error code in an error answer, else the start of the body.
fn code(body: &str) -> String {
    element(body, "Code").unwrap_or_else(|| body.chars().take(200).collect())
}

/// Percent-encodes a key for a URL path, keeping `/` (S3's rule for SigV4 paths).
fn encode_key(key: &str) -> String {
    let mut out = String::new();
    for b in key.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_rule_out_of_the_xml() {
        let xml = r#"<?xml version="1.0"?><ObjectLockConfiguration xmlns="x"><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>COMPLIANCE</Mode><Days>30</Days></DefaultRetention></Rule></ObjectLockConfiguration>"#;
        assert_eq!(element(xml, "Mode").as_deref(), Some("COMPLIANCE"));
        assert_eq!(element(xml, "Days").as_deref(), Some("30"));
        assert_eq!(element(xml, "Years"), None);
        assert_eq!(encode_key("pc 01/config"), "pc%2001/config");
    }
}

//! Where a repository is: a local path, or a bucket (and prefix) on S3-compatible storage.
//!
//! The `--repo` string is read the way restic reads `-r`, so that the same string given to
//! restic opens the same repository: `s3:https://host[:port]/bucket[/prefix]`, `s3:http://…`
//! (a server without TLS, e.g. on the LAN), `s3:host/bucket[/prefix]` (HTTPS, as restic), and
//! anything else a local path (`local:` optional). The S3 credentials come from restic's
//! variables, `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`), the
//! region from `AWS_DEFAULT_REGION` (default `us-east-1`); they never appear in the string.

use std::fmt;
use std::path::PathBuf;

use crate::error::{Error, Result};

/// A repository's location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A folder on this machine (a NAS mount, a removable disk).
    Local(PathBuf),
    /// A bucket and prefix on S3-compatible storage.
    S3(S3Location),
}

/// A bucket and prefix on S3-compatible storage, with the credentials to reach it.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Location {
    /// `https://host[:port]` or `http://host[:port]`.
    pub endpoint: String,
    /// The bucket.
    pub bucket: String,
    /// The folder inside the bucket, without leading or trailing `/` (empty: the bucket's root).
    pub prefix: String,
    /// The signing region.
    pub region: String,
    /// The access key id; `None` when `AWS_ACCESS_KEY_ID` was not set.
    pub access_key_id: Option<String>,
    /// The secret key; never printed.
    pub secret_access_key: Option<String>,
    /// A temporary session's token.
    pub session_token: Option<String>,
}

impl fmt::Debug for S3Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Location")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

/// The default signing region, as restic's.
pub(crate) const DEFAULT_REGION: &str = "us-east-1";

impl Location {
    /// Reads a `--repo` string, with the S3 credentials from the environment.
    pub fn parse(s: &str) -> Result<Location> {
        Location::parse_with(s, |name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// Reads a `--repo` string, with `env` standing for the environment (tests pass their own).
    pub fn parse_with(s: &str, env: impl Fn(&str) -> Option<String>) -> Result<Location> {
        let bad = |problem: &str| Error::Repository {
            repo: PathBuf::from(s),
            action: "read the repository location",
            message: problem.to_owned(),
        };
        if s.trim().is_empty() {
            return Err(bad("it is empty"));
        }
        if let Some(path) = s.strip_prefix("local:") {
            return Ok(Location::Local(PathBuf::from(path)));
        }
        let Some(rest) = s.strip_prefix("s3:") else {
            // restic's other backends: say so rather than create a folder named `sftp:…`.
            if let Some((scheme, _)) = s.split_once(':')
                && ["sftp", "rest", "b2", "azure", "gs", "swift", "rclone"].contains(&scheme)
            {
                return Err(bad("only local paths and s3: repositories are supported"));
            }
            return Ok(Location::Local(PathBuf::from(s)));
        };
        let (scheme, rest) = match rest.split_once("://") {
            Some(("https", r)) => ("https", r),
            Some(("http", r)) => ("http", r),
            Some((other, _)) => return Err(bad(&format!("the scheme {other}:// is not http:// or https://"))),
            // restic: `s3:host/bucket` means HTTPS.
            None => ("https", rest),
        };
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        check_host(host).map_err(|p| bad(&p))?;
        let path = path.trim_matches('/');
        let (bucket, prefix) = path.split_once('/').unwrap_or((path, ""));
        if bucket.is_empty() {
            return Err(bad("no bucket: write s3:https://host/bucket[/prefix]"));
        }
        check_bucket(bucket).map_err(|p| bad(&p))?;
        let prefix = prefix.trim_matches('/');
        if prefix.split('/').any(|part| part.is_empty() || part == "." || part == "..") && !prefix.is_empty() {
            return Err(bad("the prefix has an empty, `.` or `..` part"));
        }
        Ok(Location::S3(S3Location {
            endpoint: format!("{scheme}://{host}"),
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
            region: env("AWS_DEFAULT_REGION").unwrap_or_else(|| DEFAULT_REGION.to_owned()),
            access_key_id: env("AWS_ACCESS_KEY_ID"),
            secret_access_key: env("AWS_SECRET_ACCESS_KEY"),
            session_token: env("AWS_SESSION_TOKEN"),
        }))
    }

    /// The local folder, when the repository is one.
    pub fn local_path(&self) -> Option<&std::path::Path> {
        match self {
            Location::Local(p) => Some(p),
            Location::S3(_) => None,
        }
    }
}

/// The string a user types (and restic reads); no credentials in it.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Local(p) => write!(f, "{}", p.display()),
            Location::S3(s) => write!(f, "{s}"),
        }
    }
}

impl fmt::Display for S3Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s3:{}/{}", self.endpoint, self.bucket)?;
        if !self.prefix.is_empty() {
            write!(f, "/{}", self.prefix)?;
        }
        Ok(())
    }
}

impl S3Location {
    /// The same bucket and prefix with other credentials.
    pub fn with_credentials(mut self, access_key_id: &str, secret_access_key: &str) -> Self {
        self.access_key_id = Some(access_key_id.to_owned());
        self.secret_access_key = Some(secret_access_key.to_owned());
        self.session_token = None;
        self
    }

    /// An object's key in the bucket: the prefix, then `name`.
    pub(crate) fn key(&self, name: &str) -> String {
        if self.prefix.is_empty() { name.to_owned() } else { format!("{}/{name}", self.prefix) }
    }

    /// `s3://bucket/prefix/name`, as the AWS command line names an object (for messages).
    pub(crate) fn object_url(&self, name: &str) -> String {
        format!("s3://{}/{}", self.bucket, self.key(name))
    }
}

/// `host` or `host:port`, without user information.
fn check_host(host: &str) -> std::result::Result<(), String> {
    if host.is_empty() {
        return Err("no host: write s3:https://host[:port]/bucket[/prefix]".into());
    }
    if host.contains('@') {
        return Err("credentials do not belong in the location; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY".into());
    }
    let name = match host.rsplit_once(':') {
        Some((name, port)) if !name.ends_with(']') || host.starts_with('[') => {
            if port.parse::<u16>().map_or(true, |p| p == 0) {
                return Err(format!("the port {port:?} is not a number from 1 to 65535"));
            }
            name
        }
        _ => host,
    };
    let ok = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':' | '_'));
    if ok { Ok(()) } else { Err(format!("{name:?} is not a host name")) }
}

/// S3's bucket naming rules: 3 to 63 lowercase letters, digits, dots and hyphens.
fn check_bucket(bucket: &str) -> std::result::Result<(), String> {
    let ok = (3..=63).contains(&bucket.len())
        && bucket.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        && bucket.starts_with(|c: char| c.is_ascii_alphanumeric())
        && bucket.ends_with(|c: char| c.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(format!("{bucket:?} is not a bucket name (3 to 63 lowercase letters, digits, dots and hyphens)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "AWS_ACCESS_KEY_ID" => Some("AKID".into()),
            "AWS_SECRET_ACCESS_KEY" => Some("secret".into()),
            _ => None,
        }
    }

    fn s3(s: &str) -> S3Location {
        match Location::parse_with(s, env).unwrap() {
            Location::S3(l) => l,
            other => panic!("{s} parsed as {other:?}"),
        }
    }

    #[test]
    fn restic_forms() {
        let l = s3("s3:https://s3.example.jp:9000/backups/byoin/pc01");
        assert_eq!(
            (l.endpoint.as_str(), l.bucket.as_str(), l.prefix.as_str(), l.region.as_str()),
            ("https://s3.example.jp:9000", "backups", "byoin/pc01", "us-east-1")
        );
        assert_eq!(l.access_key_id.as_deref(), Some("AKID"));
        assert_eq!(l.to_string(), "s3:https://s3.example.jp:9000/backups/byoin/pc01");
        let l = s3("s3:http://127.0.0.1:5055/mamoru-worm/");
        assert_eq!((l.endpoint.as_str(), l.prefix.as_str()), ("http://127.0.0.1:5055", ""));
        assert_eq!(l.key("config"), "config");
        let l = s3("s3:s3.amazonaws.com/bucket-1/repo");
        assert_eq!((l.endpoint.as_str(), l.key("config").as_str()), ("https://s3.amazonaws.com", "repo/config"));
        assert_eq!(l.object_url("mamoru.lock"), "s3://bucket-1/repo/mamoru.lock");
        // The secret never shows.
        assert!(!format!("{l:?}").contains("secret"));
        assert_eq!(Location::parse_with("/mnt/nas/repo", env).unwrap(), Location::Local("/mnt/nas/repo".into()));
        assert_eq!(Location::parse_with("local:rel/repo", env).unwrap(), Location::Local("rel/repo".into()));
        let region = |n: &str| (n == "AWS_DEFAULT_REGION").then(|| "ap-northeast-1".to_owned());
        let Location::S3(l) = Location::parse_with("s3:https://h/bkt", region).unwrap() else { panic!() };
        assert_eq!((l.region.as_str(), l.access_key_id), ("ap-northeast-1", None));
    }

    #[test]
    fn malformed_locations_are_named() {
        for (s, word) in [
            ("s3:", "no host"),
            ("s3:https://", "no host"),
            ("s3:https://host", "no bucket"),
            ("s3:https://host/", "no bucket"),
            ("s3:https://host:99999/b1b", "port"),
            ("s3:https://host:x/b1b", "port"),
            ("s3:ftp://host/bucket", "ftp://"),
            ("s3:https://host/Bad_Bucket", "bucket name"),
            ("s3:https://user:pw@host/bucket", "credentials"),
            ("s3:https://host/bucket/a//b", "prefix"),
            ("s3:https://host/bucket/../b", "prefix"),
            ("sftp:user@host:/srv/repo", "supported"),
            ("", "empty"),
        ] {
            let e = Location::parse_with(s, env).unwrap_err().to_string();
            assert!(
                e.contains(word) && e.contains(&format!("repository {s}: read the repository location")),
                "{s}: {e}"
            );
        }
    }
}

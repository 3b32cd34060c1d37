//! A repository in a bucket on S3-compatible storage, in restic's layout, so that
//! `restic -r s3:…` opens the same repository.
//!
//! rustic_backend's own S3 support would bring opendal's 25 services and aws-lc; this is the
//! S3 service alone over reqwest with rustls and ring. Every PUT carries a Content-MD5
//! (`checksum_algorithm("md5")`): S3 refuses writes into Object Lock buckets without one.
//! opendal's blocking operator runs on a private tokio runtime, since rustic calls from plain
//! (rayon) threads. Writes take Mamoru's lock object first ([`super::s3_lock`]).

use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use opendal::layers::RetryLayer;
use opendal::options::{ListOptions, ReadOptions};
use opendal::{EntryMode, HttpTransporter, OperationContext};
use opendal_http_transport_reqwest::ReqwestTransport;
use rustic_core::{BytesList, ErrorKind, FileType, Id, ReadBackend, RusticError, RusticResult, WriteBackend};

use super::s3_lock::LockState;
use crate::location::S3Location;

/// A bucket and prefix holding a restic repository.
pub(crate) struct S3Backend {
    pub(super) op: opendal::blocking::Operator,
    pub(super) location: S3Location,
    pub(super) client: reqwest::Client,
    /// Mamoru's write lock, taken at the first write and released on drop.
    pub(super) lock: Mutex<LockState>,
    // Taken in `Drop`, after the lock's release, and shut down without blocking: dropping a
    // runtime inside another's async context (the CLI's) would panic.
    pub(super) rt: Option<tokio::runtime::Runtime>,
}

impl std::fmt::Debug for S3Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Backend").field("location", &self.location).finish_non_exhaustive()
    }
}

impl S3Backend {
    /// Connects (lazily: nothing is sent yet) to the bucket of `loc`.
    pub(crate) fn new(loc: &S3Location) -> Result<Self, String> {
        let (Some(key), Some(secret)) = (&loc.access_key_id, &loc.secret_access_key) else {
            return Err(
                "no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (the same as for restic)".into()
            );
        };
        // ring, as everywhere in Mamoru (aws-lc, reqwest's default, is kept out of the build).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .user_agent(concat!("mamoru/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(30))
            .read_timeout(Duration::from_secs(300))
            .build()
            .map_err(|e| format!("cannot set up HTTPS: {e}"))?;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("mamoru-s3")
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the S3 client's runtime: {e}"))?;
        let mut builder = opendal::services::S3::default()
            .endpoint(&loc.endpoint)
            .bucket(&loc.bucket)
            .root(&format!("/{}", loc.prefix))
            .region(&loc.region)
            .access_key_id(key)
            .secret_access_key(secret)
            // Only the given credentials: no ~/.aws files, no instance metadata probes.
            .disable_config_load()
            .disable_ec2_metadata()
            .checksum_algorithm("md5");
        if let Some(token) = &loc.session_token {
            builder = builder.session_token(token);
        }
        let _entered = rt.enter();
        let transport = HttpTransporter::new(ReqwestTransport::new(client.clone()));
        let op = opendal::Operator::new(builder)
            .map_err(|e| format!("{e}"))?
            .with_context(OperationContext::new().with_http_transport(transport))
            // Transient network errors and 5xx answers are retried, with backoff.
            .layer(RetryLayer::new().with_max_times(4));
        let op = opendal::blocking::Operator::new(op).map_err(|e| format!("{e}"))?;
        drop(_entered);
        Ok(S3Backend { op, location: loc.clone(), client, lock: Mutex::new(LockState::NotTaken), rt: Some(rt) })
    }

    /// Runs `f` on the private runtime, from a thread outside any async context: tokio refuses
    /// to block inside one, and the CLI runs its commands in one.
    pub(super) fn block_on<F: std::future::Future + Send>(&self, f: F) -> F::Output
    where
        F::Output: Send,
    {
        let rt = self.rt.as_ref().expect("the runtime lives until drop");
        off_runtime(|| rt.block_on(f))
    }

    /// The object name of a repository file, relative to the prefix (restic's layout).
    fn name(tpe: FileType, id: &Id) -> String {
        let hex = id.to_hex();
        match tpe {
            FileType::Config => "config".to_owned(),
            FileType::Pack => format!("data/{}/{}", &hex[..2], hex.as_str()),
            _ => format!("{}/{}", tpe.dirname(), hex.as_str()),
        }
    }

    /// A file of Mamoru's own beside `config`; `None` when missing.
    pub(crate) fn read_root_file(&self, name: &str) -> Result<Option<Vec<u8>>, String> {
        off_runtime(|| match self.op.read(name) {
            Ok(buf) => Ok(Some(buf.to_vec())),
            Err(e) if e.kind() == opendal::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(describe(&self.location, "read", name, &e)),
        })
    }

    /// Writes a file of Mamoru's own beside `config` (one PUT: whole or not at all).
    pub(crate) fn write_root_file(&self, name: &str, bytes: &[u8]) -> Result<(), String> {
        off_runtime(|| {
            self.op.write(name, bytes.to_vec()).map(|_| ()).map_err(|e| describe(&self.location, "write", name, &e))
        })
    }

    /// rustic's error for a failed S3 call, in one sentence naming the object.
    pub(super) fn error(&self, action: &str, name: &str, e: &opendal::Error) -> Box<RusticError> {
        RusticError::new(ErrorKind::Backend, escape(&describe(&self.location, action, name, e)))
    }
}

/// Runs `f`, which blocks, on a scoped thread when called from inside an async context.
pub(super) fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if tokio::runtime::Handle::try_current().is_err() {
        return f();
    }
    std::thread::scope(|s| s.spawn(f).join()).unwrap_or_else(|p| std::panic::resume_unwind(p))
}

/// What went wrong with an S3 call, for an operator: the object, and the likely cause.
pub(super) fn describe(loc: &S3Location, action: &str, name: &str, e: &opendal::Error) -> String {
    let object = loc.object_url(name);
    let text = e.to_string();
    // opendal's message carries S3's own answer: `S3Error ( code: "NoSuchBucket", message: "…" )`.
    let code = between(&text, "code: \"", "\"");
    let answer = match (code, between(&text, "message: \"", "\"")) {
        (Some(c), Some(m)) => format!("{c}: {m}"),
        (Some(c), None) => c.to_owned(),
        // A HEAD answer has no body: the status is all there is.
        _ => match between(&text, "status: ", ",") {
            Some(status) => format!("HTTP {status}"),
            None => text.lines().next().unwrap_or_default().chars().take(300).collect(),
        },
    };
    let denied = e.kind() == opendal::ErrorKind::PermissionDenied
        || matches!(code, Some("AccessDenied" | "InvalidAccessKeyId" | "SignatureDoesNotMatch"));
    let cause = if code == Some("NoSuchBucket") {
        format!(
            "the bucket {} does not exist (does the bucket exist? create it first, with Object Lock if wanted)",
            loc.bucket
        )
    } else if denied && action == "delete" {
        format!(
            "S3 refused it ({answer}): the bucket keeps the object (Object Lock retention, or a policy that denies \
             deletes); the data stays"
        )
    } else if denied {
        format!(
            "S3 refused it ({answer}): check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and the key's rights on bucket {}",
            loc.bucket
        )
    } else if e.kind() == opendal::ErrorKind::NotFound {
        "not found".to_owned()
    } else {
        answer
    };
    format!("cannot {action} {object} at {}: {cause}", loc.endpoint)
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let (_, rest) = text.split_once(start)?;
    rest.split_once(end).map(|(v, _)| v)
}

/// rustic formats its messages with `{name}` placeholders; ours contain none, so braces are
/// doubled away.
fn escape(s: &str) -> String {
    s.replace('{', "(").replace('}', ")")
}

impl ReadBackend for S3Backend {
    fn location(&self) -> String {
        self.location.to_string()
    }

    fn list_with_size(&self, tpe: FileType) -> RusticResult<Vec<(Id, u32)>> {
        off_runtime(|| self.list_files(tpe))
    }

    fn read_full(&self, tpe: FileType, id: &Id) -> RusticResult<Bytes> {
        let name = Self::name(tpe, id);
        off_runtime(|| self.op.read(&name).map(|b| b.to_bytes()).map_err(|e| self.error("read", &name, &e)))
    }

    fn read_partial(&self, tpe: FileType, id: &Id, _cacheable: bool, offset: u32, length: u32) -> RusticResult<Bytes> {
        let name = Self::name(tpe, id);
        let range = u64::from(offset)..u64::from(offset) + u64::from(length);
        let opts = ReadOptions { range: range.into(), ..Default::default() };
        off_runtime(|| {
            self.op.read_options(&name, opts).map(|b| b.to_bytes()).map_err(|e| self.error("read", &name, &e))
        })
    }

    fn warmup_path(&self, tpe: FileType, id: &Id) -> String {
        self.location.key(&Self::name(tpe, id))
    }
}

impl S3Backend {
    fn list_files(&self, tpe: FileType) -> RusticResult<Vec<(Id, u32)>> {
        if tpe == FileType::Config {
            return match self.op.stat("config") {
                Ok(meta) => Ok(vec![(Id::default(), u32::try_from(meta.content_length()).unwrap_or_default())]),
                Err(e) if e.kind() == opendal::ErrorKind::NotFound => Ok(Vec::new()),
                Err(e) => Err(self.error("read", "config", &e)),
            };
        }
        let dir = format!("{}/", tpe.dirname());
        let entries = self
            .op
            .lister_options(&dir, ListOptions { recursive: true, ..Default::default() })
            .map_err(|e| self.error("list", &dir, &e))?;
        let mut found = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| self.error("list", &dir, &e))?;
            if entry.metadata().mode() != EntryMode::FILE {
                continue;
            }
            let Some(id) = Id::parse_some(entry.name(), tpe) else { continue };
            let Ok(size) = u32::try_from(entry.metadata().content_length()) else { continue };
            found.push((id, size));
        }
        Ok(found)
    }
}

impl WriteBackend for S3Backend {
    fn create(&self) -> RusticResult<()> {
        // The bucket is the operator's (restic would create it; an Object Lock bucket has to be
        // created with its settings anyway). Fail early with a clear message when it is missing.
        off_runtime(|| self.op.list("keys/").map(|_| ()).map_err(|e| self.error("reach", "", &e)))
    }

    fn write_bytes(&self, tpe: FileType, id: &Id, _cacheable: bool, content: BytesList) -> RusticResult<()> {
        let name = Self::name(tpe, id);
        let body = content.into_vec();
        off_runtime(|| {
            self.ensure_locked()?;
            // One PUT: S3 stores an object whole or not at all, so no temporary name is needed.
            self.op.write(&name, body).map(|_| ()).map_err(|e| self.error("write", &name, &e))
        })
    }

    fn remove(&self, tpe: FileType, id: &Id, _cacheable: bool) -> RusticResult<()> {
        let name = Self::name(tpe, id);
        off_runtime(|| {
            self.ensure_locked()?;
            self.op.delete(&name).map_err(|e| self.error("delete", &name, &e))
        })
    }
}

impl Drop for S3Backend {
    fn drop(&mut self) {
        off_runtime(|| self.release_lock());
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location::Location;

    #[test]
    fn refusals_say_what_to_check() {
        let Location::S3(loc) = Location::parse_with("s3:https://s3.example.jp/worm-bucket/pc01", |_| None).unwrap()
        else {
            panic!("not S3")
        };
        // What opendal reports for a 403 to a DELETE of a retained object.
        let e = opendal::Error::new(opendal::ErrorKind::PermissionDenied, "S3Error")
            .with_context("response", "Parts ( status: 403, version: HTTP/1.1 )")
            .with_context("error", r#"S3Error ( code: "AccessDenied", message: "Access Denied" )"#);
        let text = describe(&loc, "delete", "data/ab/abcd", &e);
        assert!(
            text.starts_with("cannot delete s3://worm-bucket/pc01/data/ab/abcd at https://s3.example.jp"),
            "{text}"
        );
        assert!(
            text.contains("AccessDenied") && text.contains("Object Lock") && text.contains("the data stays"),
            "{text}"
        );
        let text = describe(&loc, "read", "config", &e);
        assert!(text.contains("AWS_SECRET_ACCESS_KEY") && text.contains("worm-bucket"), "{text}");
        let e = opendal::Error::new(opendal::ErrorKind::PermissionDenied, "stat")
            .with_context("response", "status: 403, x");
        assert!(describe(&loc, "read", "config", &e).contains("S3 refused it (HTTP 403)"));
    }
}

//! Where rustic reads and writes a repository's files: a local folder ([`AtomicLocal`], atomic
//! writes over rustic's `LocalBackend`) or a bucket on S3-compatible storage ([`S3Backend`],
//! Mamoru's own over opendal, with its write lock and the Object Lock report).

mod local;
mod object_lock;
mod s3;
mod s3_lock;

pub(crate) use local::AtomicLocal;
pub use object_lock::Immutability;
pub(crate) use s3::S3Backend;

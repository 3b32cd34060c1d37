//! Opens a fresh store per backend for each test.

use std::future::Future;

use mamoru_domain::facility::FacilityDraft;
use mamoru_domain::{AssetDraft, AssetInput, FacilityId, OrgId};
use mamoru_store::{Actor, Location, NewAsset, Store};
use sqlx::Connection;

/// A fresh store on one backend.
pub(crate) struct Fresh {
    pub(crate) store: Store,
    pub(crate) name: &'static str,
    /// The database URL, for tests that go around the store.
    pub(crate) url: String,
}

/// Runs `test` once on a fresh SQLite store and, if configured, once on a fresh PostgreSQL
/// database. In CI a missing PostgreSQL is an error, not a skip.
pub(crate) async fn each_backend<F, Fut>(test: F)
where
    F: Fn(Fresh) -> Fut,
    Fut: Future<Output = ()>,
{
    // The temporary directory is kept here: async blocks capture only the fields they
    // use, so a guard inside `Fresh` would be dropped before the test runs.
    let (fresh, _dir) = sqlite().await;
    test(fresh).await;
    match std::env::var("MAMORU_TEST_POSTGRES_URL") {
        Ok(url) => test(postgres(&url).await).await,
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("CI is set but MAMORU_TEST_POSTGRES_URL is not: the store suite must run on PostgreSQL too")
        }
        Err(_) => {}
    }
}

pub(crate) async fn sqlite() -> (Fresh, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&Location::Dir(dir.path().to_owned())).await.unwrap();
    let url = format!("sqlite://{}", dir.path().join(mamoru_store::SQLITE_FILE).display());
    (Fresh { store, name: "sqlite", url }, dir)
}

/// A new, empty database on the server, so tests never see each other's rows.
pub(crate) async fn postgres(admin_url: &str) -> Fresh {
    let db = format!("mamoru_test_{}", unique());
    let mut admin = sqlx::PgConnection::connect(admin_url).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}"))).execute(&mut admin).await.unwrap();
    let url = with_database(admin_url, &db);
    let store = Store::open(&Location::Url(url.clone())).await.unwrap();
    Fresh { store, name: "postgres", url }
}

pub(crate) fn with_database(url: &str, db: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

fn unique() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("{}_{}_{}", std::process::id(), t % 1_000_000_000, N.fetch_add(1, Ordering::Relaxed))
}

/// Runs raw SQL around the store, as an intruder with database access would.
pub(crate) async fn raw_execute(t: &Fresh, sql: &'static str) -> Result<u64, sqlx::Error> {
    if t.name == "sqlite" {
        let mut c = sqlx::SqliteConnection::connect(&t.url).await?;
        Ok(sqlx::query(sql).execute(&mut c).await?.rows_affected())
    } else {
        let mut c = sqlx::PgConnection::connect(&t.url).await?;
        Ok(sqlx::query(sql).execute(&mut c).await?.rows_affected())
    }
}

pub(crate) fn actor() -> Actor {
    Actor { user_id: None, name: "test".into(), origin: "test".into() }
}

/// An organisation with one facility.
pub(crate) async fn org_with_facility(store: &Store, org: &str, facility: &str) -> (OrgId, FacilityId) {
    let org = store.create_org(org, &actor()).await.unwrap();
    let draft = FacilityDraft { name: facility.into(), ..Default::default() };
    let facility = store.create_facility(org, &draft, &actor()).await.unwrap();
    (org, facility)
}

/// An asset draft from a few fields.
pub(crate) fn draft(name: &str, category: &str, vendor: &str, version: &str) -> AssetDraft {
    AssetDraft::parse(&AssetInput {
        name: name.into(),
        category: category.into(),
        vendor: vendor.into(),
        version: version.into(),
        ..Default::default()
    })
    .unwrap()
}

pub(crate) fn new_asset(facility_id: FacilityId, draft: AssetDraft) -> NewAsset {
    NewAsset { facility_id, draft, maintenance_vendor: None, remote_vendor: None }
}

use mamoru_store::{Error, Location, Store, latest_version};
use sqlx::Connection;

#[tokio::test]
async fn opening_twice_keeps_data_and_schema() {
    let dir = tempfile::tempdir().unwrap();
    let loc = Location::Dir(dir.path().to_owned());
    let store = Store::open(&loc).await.unwrap();
    store.create_org("みなと医療グループ", &super::support::actor()).await.unwrap();
    store.close().await;
    let store = Store::open(&loc).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), latest_version());
    assert!(store.org_by_name("みなと医療グループ").await.unwrap().is_some());
}

#[tokio::test]
async fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let loc = Location::Dir(dir.path().to_owned());
    Store::open(&loc).await.unwrap().close().await;
    let url = format!("sqlite://{}", dir.path().join("mamoru.db").display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query(
        "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (999, '0999_future', 'x', 'now')",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    let err = Store::open(&loc).await.unwrap_err();
    assert!(matches!(err, Error::SchemaTooNew { found: 999, .. }), "{err}");
    assert!(err.to_string().contains("newer than this mamoru"), "{err}");
}

#[tokio::test]
async fn an_edited_migration_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let loc = Location::Dir(dir.path().to_owned());
    Store::open(&loc).await.unwrap().close().await;
    let url = format!("sqlite://{}", dir.path().join("mamoru.db").display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1").execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    let err = Store::open(&loc).await.unwrap_err();
    assert!(matches!(err, Error::MigrationChanged { version: 1, .. }), "{err}");
}

#[tokio::test]
async fn a_bad_url_is_named() {
    let err = Location::from_url("mysql://root:secret@db/mamoru").unwrap_err();
    assert!(err.to_string().contains("mysql://root:***@db/mamoru"), "{err}");
    assert!(!err.to_string().contains("secret"));
}

//! The one place that knows there are two database drivers.
//!
//! Store code writes SQL once, with `$1`-style parameters (both SQLite and PostgreSQL accept
//! them), passes [`Arg`]s and reads [`Row`]s. This module binds and decodes per driver.
//!
//! Why not sqlx's own `Any` driver: it cannot decode SQLite booleans ("Any driver does not
//! support the SQLite type Bool", sqlx 0.9), and it sends untyped NULLs that PostgreSQL
//! rejects for non-text columns. Here every argument carries its type, NULL included.

use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, Column, Postgres, Row as _, Sqlite, Transaction, TypeInfo, ValueRef};

use crate::error::{Error, Result};

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, one file in the data directory.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// A typed query argument; `None` is a NULL of that type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Arg {
    Bool(Option<bool>),
    Int(Option<i64>),
    Float(Option<f64>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
}

impl From<bool> for Arg {
    fn from(v: bool) -> Self {
        Arg::Bool(Some(v))
    }
}
impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::Int(Some(v))
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        Arg::Int(v)
    }
}
impl From<Option<f64>> for Arg {
    fn from(v: Option<f64>) -> Self {
        Arg::Float(v)
    }
}
impl From<f64> for Arg {
    fn from(v: f64) -> Self {
        Arg::Float(Some(v))
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(Some(v.to_owned()))
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(Some(v))
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        Arg::Text(v)
    }
}
impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Self {
        Arg::Text(v.map(str::to_owned))
    }
}
impl From<Vec<u8>> for Arg {
    fn from(v: Vec<u8>) -> Self {
        Arg::Bytes(Some(v))
    }
}

/// Builds an argument list: `args![org.get(), name, None::<String>]`.
macro_rules! args {
    ($($v:expr),* $(,)?) => { vec![$($crate::db::Arg::from($v)),*] };
}
pub(crate) use args;

/// Adds `value` to `params` and returns its placeholder, e.g. `$3`.
pub(crate) fn bind(params: &mut Vec<Arg>, value: impl Into<Arg>) -> String {
    params.push(value.into());
    format!("${}", params.len())
}

/// Binds `values` and returns their placeholders for an `IN (…)` list: `$2, $3`; empty when
/// there are none.
pub(crate) fn in_list<V: Into<Arg>>(params: &mut Vec<Arg>, values: impl IntoIterator<Item = V>) -> String {
    values.into_iter().map(|v| bind(params, v)).collect::<Vec<_>>().join(", ")
}

/// ` AND column IN ($2, $3)` binding `ids`, or ` AND FALSE` when there are none. `column` is
/// fixed SQL from the caller, never user input.
pub(crate) fn and_in(params: &mut Vec<Arg>, column: &str, ids: impl IntoIterator<Item = i64>) -> String {
    let list = in_list(params, ids);
    if list.is_empty() { " AND FALSE".to_owned() } else { format!(" AND {column} IN ({list})") }
}

/// A decoded cell.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Null,
    Int(i64),
    Float(f64),
    Bool(bool),
    Text(String),
    Bytes(Vec<u8>),
}

/// One result row, read by column name. The names are shared by every row of a result, so
/// a query of 400,000 findings does not allocate them 400,000 times.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    names: std::sync::Arc<[String]>,
    cells: Vec<Cell>,
}

impl Row {
    fn cell(&self, name: &str) -> Result<&Cell> {
        self.names
            .iter()
            .position(|n| n == name)
            .and_then(|i| self.cells.get(i))
            .ok_or_else(|| Error::Corrupt(format!("no column {name}")))
    }

    fn wrong(name: &str, want: &str, got: &Cell) -> Error {
        Error::Corrupt(format!("column {name}: expected {want}, found {got:?}"))
    }

    pub(crate) fn opt_int(&self, name: &str) -> Result<Option<i64>> {
        match self.cell(name)? {
            Cell::Null => Ok(None),
            Cell::Int(v) => Ok(Some(*v)),
            other => Err(Self::wrong(name, "integer", other)),
        }
    }

    pub(crate) fn int(&self, name: &str) -> Result<i64> {
        self.opt_int(name)?.ok_or_else(|| Error::Corrupt(format!("column {name} is NULL")))
    }

    pub(crate) fn opt_float(&self, name: &str) -> Result<Option<f64>> {
        match self.cell(name)? {
            Cell::Null => Ok(None),
            Cell::Float(v) => Ok(Some(*v)),
            #[allow(clippy::cast_precision_loss)] // scores, far below 2^52
            Cell::Int(v) => Ok(Some(*v as f64)),
            other => Err(Self::wrong(name, "number", other)),
        }
    }

    pub(crate) fn bool(&self, name: &str) -> Result<bool> {
        match self.cell(name)? {
            Cell::Bool(v) => Ok(*v),
            // SQLite keeps booleans as 0/1.
            Cell::Int(v) => Ok(*v != 0),
            other => Err(Self::wrong(name, "boolean", other)),
        }
    }

    pub(crate) fn opt_text(&self, name: &str) -> Result<Option<String>> {
        match self.cell(name)? {
            Cell::Null => Ok(None),
            Cell::Text(v) => Ok(Some(v.clone())),
            other => Err(Self::wrong(name, "text", other)),
        }
    }

    pub(crate) fn text(&self, name: &str) -> Result<String> {
        self.opt_text(name)?.ok_or_else(|| Error::Corrupt(format!("column {name} is NULL")))
    }

    pub(crate) fn bytes(&self, name: &str) -> Result<Vec<u8>> {
        match self.cell(name)? {
            Cell::Bytes(v) => Ok(v.clone()),
            other => Err(Self::wrong(name, "bytes", other)),
        }
    }
}

/// The connection pool, per driver.
#[derive(Debug, Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Pool {
    /// Opens (creating if needed) the SQLite database at `path`, in WAL mode.
    pub(crate) async fn sqlite(path: &std::path::Path) -> Result<Self> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // With WAL, NORMAL loses at most the last transactions on power loss, never integrity.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(|source| Error::Open { target: path.display().to_string(), source })?;
        Ok(Pool::Sqlite(pool))
    }

    /// Connects to PostgreSQL at `url`.
    pub(crate) async fn postgres(url: &str) -> Result<Self> {
        let redacted = redact(url);
        let options: PgConnectOptions =
            url.parse().map_err(|source| Error::Open { target: redacted.clone(), source })?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|source| Error::Open { target: redacted, source })?;
        Ok(Pool::Postgres(pool))
    }

    pub(crate) fn backend(&self) -> Backend {
        match self {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// A pooled connection for reads.
    pub(crate) async fn conn(&self) -> Result<Conn> {
        Ok(match self {
            Pool::Sqlite(p) => Conn::Sqlite(p.acquire().await?),
            Pool::Postgres(p) => Conn::Postgres(p.acquire().await?),
        })
    }

    /// A write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`),
    /// so two writers queue on the busy timeout instead of failing when one upgrades.
    pub(crate) async fn write(&self) -> Result<Tx> {
        Ok(match self {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    pub(crate) async fn close(&self) {
        match self {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

/// Hides the password of a database URL for messages.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// A pooled connection.
pub(crate) enum Conn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

/// An open transaction; dropped without [`Tx::commit`], it rolls back.
pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub(crate) async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// Something SQL runs on: a connection or a transaction.
pub(crate) trait Exec: Send {
    /// Runs a statement, returning the number of rows it changed.
    fn execute(&mut self, sql: Sql, args: Vec<Arg>) -> impl Future<Output = Result<u64>> + Send;

    /// Runs a query, returning every row.
    fn fetch_all(&mut self, sql: Sql, args: Vec<Arg>) -> impl Future<Output = Result<Vec<Row>>> + Send;

    /// Runs a query that returns at most one row.
    fn fetch_optional(&mut self, sql: Sql, args: Vec<Arg>) -> impl Future<Output = Result<Option<Row>>> + Send {
        async move { Ok(self.fetch_all(sql, args).await?.into_iter().next()) }
    }

    /// Runs a query that returns exactly one row.
    fn fetch_one(&mut self, sql: Sql, args: Vec<Arg>) -> impl Future<Output = Result<Row>> + Send {
        async move { self.fetch_optional(sql, args).await?.ok_or_else(|| Error::Corrupt("query returned no row".into())) }
    }
}

/// SQL text. Mostly `&'static str`; a `String` only where a query is assembled from fixed
/// fragments (column lists, optional filters), never from user input.
pub(crate) type Sql = std::borrow::Cow<'static, str>;

macro_rules! bind_all {
    ($sql:expr, $args:expr) => {{
        let mut q = sqlx::query(AssertSqlSafe($sql));
        for a in $args {
            q = match a {
                Arg::Bool(v) => q.bind(v),
                Arg::Int(v) => q.bind(v),
                Arg::Float(v) => q.bind(v),
                Arg::Text(v) => q.bind(v),
                Arg::Bytes(v) => q.bind(v),
            };
        }
        q
    }};
}

macro_rules! impl_exec {
    ($ty:ident, $sqlite:pat => $s:ident, $postgres:pat => $p:ident) => {
        impl Exec for $ty {
            async fn execute(&mut self, sql: Sql, args: Vec<Arg>) -> Result<u64> {
                Ok(match self {
                    $sqlite => bind_all!(sql, args).execute(&mut **$s).await?.rows_affected(),
                    $postgres => bind_all!(sql, args).execute(&mut **$p).await?.rows_affected(),
                })
            }

            async fn fetch_all(&mut self, sql: Sql, args: Vec<Arg>) -> Result<Vec<Row>> {
                match self {
                    $sqlite => rows(&bind_all!(sql, args).fetch_all(&mut **$s).await?, sqlite_cells),
                    $postgres => rows(&bind_all!(sql, args).fetch_all(&mut **$p).await?, pg_cells),
                }
            }
        }
    };
}

impl_exec!(Conn, Conn::Sqlite(c) => c, Conn::Postgres(c) => c);
impl_exec!(Tx, Tx::Sqlite(t) => t, Tx::Postgres(t) => t);

/// Decodes a result: the column names once, each row's cells with `cells`.
fn rows<R: sqlx::Row>(raw: &[R], cells: fn(&R) -> Result<Vec<Cell>>) -> Result<Vec<Row>> {
    let Some(first) = raw.first() else { return Ok(Vec::new()) };
    let names: std::sync::Arc<[String]> = first.columns().iter().map(|c| c.name().to_owned()).collect();
    raw.iter().map(|r| Ok(Row { names: names.clone(), cells: cells(r)? })).collect()
}

fn sqlite_cells(row: &SqliteRow) -> Result<Vec<Cell>> {
    let mut cols = Vec::with_capacity(row.len());
    for col in row.columns() {
        let i = col.ordinal();
        let raw = row.try_get_raw(i)?;
        let cell = if raw.is_null() {
            Cell::Null
        } else {
            // The storage class of the value itself, not the declared column type.
            match raw.type_info().name() {
                "INTEGER" | "BOOLEAN" => Cell::Int(row.try_get(i)?),
                "REAL" => Cell::Float(row.try_get(i)?),
                "TEXT" | "DATETIME" | "DATE" | "TIME" => Cell::Text(row.try_get(i)?),
                "BLOB" => Cell::Bytes(row.try_get(i)?),
                other => return Err(Error::Corrupt(format!("column {}: unexpected SQLite type {other}", col.name()))),
            }
        };
        cols.push(cell);
    }
    Ok(cols)
}

fn pg_cells(row: &PgRow) -> Result<Vec<Cell>> {
    let mut cols = Vec::with_capacity(row.len());
    for col in row.columns() {
        let i = col.ordinal();
        let raw = row.try_get_raw(i)?;
        let cell = if raw.is_null() {
            Cell::Null
        } else {
            match col.type_info().name() {
                "INT8" => Cell::Int(row.try_get(i)?),
                "INT4" => Cell::Int(i64::from(row.try_get::<i32, _>(i)?)),
                "INT2" => Cell::Int(i64::from(row.try_get::<i16, _>(i)?)),
                "BOOL" => Cell::Bool(row.try_get(i)?),
                "FLOAT8" => Cell::Float(row.try_get(i)?),
                "FLOAT4" => Cell::Float(f64::from(row.try_get::<f32, _>(i)?)),
                "TEXT" | "VARCHAR" | "NAME" | "BPCHAR" => Cell::Text(row.try_get(i)?),
                "BYTEA" => Cell::Bytes(row.try_get(i)?),
                other => {
                    return Err(Error::Corrupt(format!("column {}: unexpected PostgreSQL type {other}", col.name())));
                }
            }
        };
        cols.push(cell);
    }
    Ok(cols)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(redact("postgres://mamoru:s3cret@db:5432/mamoru"), "postgres://mamoru:***@db:5432/mamoru");
        assert_eq!(redact("postgres://db/mamoru"), "postgres://db/mamoru");
    }
}

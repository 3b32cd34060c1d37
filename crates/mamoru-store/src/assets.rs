//! The asset register: one asset at a time, lists for the UI, and whole-file imports.

use jiff::civil::Date;
use mamoru_domain::asset::{AssetCategory, AssetDraft};
use mamoru_domain::{Asset, AssetId, Cpe23, FacilityId, OrgId, PartyId};
use serde_json::{Value, json};

use crate::Store;
use crate::audit::{Actor, Change, append};
use crate::db::{Arg, Exec, Row, Tx, and_in, args, bind};
use crate::error::{Error, Result};
use crate::time::{now, parse_opt_date, parse_ts};

/// An asset's fields with its references resolved to ids.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAsset {
    /// The facility it is in.
    pub facility_id: FacilityId,
    /// Its own fields.
    pub draft: AssetDraft,
    /// The maintenance vendor.
    pub maintenance_vendor: Option<PartyId>,
    /// The vendor using its remote-maintenance line.
    pub remote_vendor: Option<PartyId>,
}

/// An asset as the list shows it, with the names it refers to.
#[derive(Debug, Clone, PartialEq)]
pub struct AssetListItem {
    /// The asset.
    pub asset: Asset,
    /// Its facility's name.
    pub facility_name: String,
    /// Its maintenance vendor's name.
    pub maintenance_vendor_name: Option<String>,
    /// The remote-maintenance vendor's name.
    pub remote_vendor_name: Option<String>,
}

/// The columns the asset list can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AssetSort {
    /// Facility, then name.
    #[default]
    Facility,
    /// Name.
    Name,
    /// Category, in the category list's order.
    Category,
    /// Manufacturer.
    Vendor,
    /// Product.
    Product,
    /// Version.
    Version,
    /// IP address (as text).
    Ip,
    /// Support end date, soonest first.
    SupportEnd,
    /// Last change of the record.
    UpdatedAt,
}

impl AssetSort {
    /// The sort keys accepted in URLs, with the column each names.
    pub const KEYS: [(&'static str, AssetSort); 9] = [
        ("facility", AssetSort::Facility),
        ("name", AssetSort::Name),
        ("category", AssetSort::Category),
        ("vendor", AssetSort::Vendor),
        ("product", AssetSort::Product),
        ("version", AssetSort::Version),
        ("ip", AssetSort::Ip),
        ("support_end", AssetSort::SupportEnd),
        ("updated_at", AssetSort::UpdatedAt),
    ];

    /// Reads a URL sort key.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::KEYS.iter().find(|(k, _)| *k == key).map(|(_, s)| *s)
    }

    /// The URL sort key.
    pub fn key(self) -> &'static str {
        Self::KEYS.iter().find(|(_, s)| *s == self).map(|(k, _)| *k).unwrap_or("facility")
    }

    /// The ORDER BY expression: fixed SQL, chosen from this list only.
    fn expr(self) -> String {
        match self {
            AssetSort::Facility => "f.name".into(),
            AssetSort::Name => "a.name".into(),
            AssetSort::Category => {
                let arms: String = AssetCategory::ALL
                    .iter()
                    .enumerate()
                    .map(|(i, c)| format!(" WHEN '{}' THEN {i}", c.code()))
                    .collect();
                format!("CASE a.category{arms} END")
            }
            AssetSort::Vendor => "a.vendor".into(),
            AssetSort::Product => "a.product".into(),
            AssetSort::Version => "a.version".into(),
            AssetSort::Ip => "a.ip".into(),
            AssetSort::SupportEnd => "a.support_end".into(),
            AssetSort::UpdatedAt => "a.updated_at".into(),
        }
    }
}

/// Which assets to list.
#[derive(Debug, Clone, Default)]
pub struct AssetQuery {
    /// Only these facilities (the ones the user may see); `None` for all.
    pub visible: Option<Vec<FacilityId>>,
    /// Only this facility.
    pub facility: Option<FacilityId>,
    /// Only this category.
    pub category: Option<AssetCategory>,
    /// Only internet-facing (or only internal) assets.
    pub internet_facing: Option<bool>,
    /// Text to find in name, vendor, product, version, IP, location, owner, zone or CPE.
    pub text: Option<String>,
    /// Sort column.
    pub sort: AssetSort,
    /// Sort descending.
    pub descending: bool,
    /// Rows to skip.
    pub offset: u64,
    /// Rows to return (default 50, at most 1,000).
    pub limit: Option<u32>,
}

/// Assets per category, for the dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryCount {
    /// The category.
    pub category: AssetCategory,
    /// How many assets.
    pub count: u64,
    /// How many of them are internet-facing.
    pub internet_facing: u64,
}

pub(crate) const COLUMNS: &str =
    "a.id, a.org_id, a.facility_id, a.name, a.category, a.vendor, a.product, a.version, a.cpe, a.ip,
    a.location, a.network_zone, a.internet_facing, a.remote_maintenance, a.no_active_scan, a.owner,
    a.maintenance_vendor_id, a.remote_vendor_id, a.support_end, a.last_updated, a.notes, a.created_at, a.updated_at";

const LIST_FROM: &str = "FROM assets a
    JOIN facilities f ON f.id = a.facility_id
    LEFT JOIN parties mv ON mv.id = a.maintenance_vendor_id
    LEFT JOIN parties rv ON rv.id = a.remote_vendor_id";

impl Store {
    /// Adds an asset; its name must be new in its facility.
    pub async fn create_asset(&self, org: OrgId, asset: &NewAsset, actor: &Actor) -> Result<AssetId> {
        let mut tx = self.pool.write().await?;
        check_refs(&mut tx, org, asset).await?;
        let (id, change) = insert(&mut tx, org, asset).await?;
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes an asset.
    pub async fn update_asset(&self, org: OrgId, id: AssetId, asset: &NewAsset, actor: &Actor) -> Result<()> {
        let mut tx = self.pool.write().await?;
        check_refs(&mut tx, org, asset).await?;
        let before = get(&mut tx, org, id).await?;
        let change = update(&mut tx, org, &before, asset).await?;
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }

    /// Deletes an asset.
    pub async fn delete_asset(&self, org: OrgId, id: AssetId, actor: &Actor) -> Result<()> {
        let mut tx = self.pool.write().await?;
        let before = get(&mut tx, org, id).await?;
        tx.execute("DELETE FROM assets WHERE org_id = $1 AND id = $2".into(), args![org.get(), id.get()]).await?;
        let change = Change {
            action: "asset.delete",
            entity: "asset",
            entity_id: Some(id.get()),
            facility_id: Some(before.facility_id),
            summary: before.draft.name.clone(),
            before: Some(snapshot(&new_asset(&before))),
            after: None,
        };
        append(&mut tx, Some(org), actor, change).await?;
        tx.commit().await
    }

    /// One asset of the organisation.
    pub async fn asset(&self, org: OrgId, id: AssetId) -> Result<Asset> {
        get(&mut self.pool.conn().await?, org, id).await
    }

    /// A page of the asset list, and the number of assets matching in all.
    pub async fn list_assets(&self, org: OrgId, query: &AssetQuery) -> Result<(Vec<AssetListItem>, u64)> {
        let (filter, mut params) = list_filter(org, query);
        let mut conn = self.pool.conn().await?;
        let count_sql = format!("SELECT COUNT(*) AS n {LIST_FROM} WHERE {filter}");
        let total = conn.fetch_one(count_sql.into(), params.clone()).await?.int("n")? as u64;
        let dir = if query.descending { "DESC" } else { "ASC" };
        let key = query.sort.expr();
        params.push(i64::from(query.limit.unwrap_or(50).clamp(1, 1_000)).into());
        params.push((query.offset.min(i64::MAX as u64) as i64).into());
        let n = params.len();
        // Fixed SQL: the sort expression comes from `AssetSort`, the filter from `list_filter`.
        let sql = format!(
            "SELECT {COLUMNS}, f.name AS facility_name, mv.name AS mv_name, rv.name AS rv_name
             {LIST_FROM} WHERE {filter}
             ORDER BY ({key} IS NULL), {key} {dir}, f.name, a.name, a.id
             LIMIT ${} OFFSET ${n}",
            n - 1
        );
        let rows = conn.fetch_all(sql.into(), params).await?;
        let items = rows
            .iter()
            .map(|r| {
                Ok(AssetListItem {
                    asset: asset_from_row(r)?,
                    facility_name: r.text("facility_name")?,
                    maintenance_vendor_name: r.opt_text("mv_name")?,
                    remote_vendor_name: r.opt_text("rv_name")?,
                })
            })
            .collect::<Result<_>>()?;
        Ok((items, total))
    }

    /// Assets per category among the visible facilities (`None` for all).
    pub async fn asset_counts(&self, org: OrgId, visible: Option<&[FacilityId]>) -> Result<Vec<CategoryCount>> {
        let query = AssetQuery { visible: visible.map(<[_]>::to_vec), ..Default::default() };
        let (filter, params) = list_filter(org, &query);
        let sql = format!(
            "SELECT a.category, COUNT(*) AS n, SUM(CASE WHEN a.internet_facing THEN 1 ELSE 0 END) AS inet
             {LIST_FROM} WHERE {filter} GROUP BY a.category"
        );
        let rows = self.pool.conn().await?.fetch_all(sql.into(), params).await?;
        let mut counts: Vec<CategoryCount> = rows
            .iter()
            .map(|r| {
                let code = r.text("category")?;
                Ok(CategoryCount {
                    category: AssetCategory::from_code(&code)
                        .ok_or_else(|| Error::Corrupt(format!("category {code}")))?,
                    count: r.int("n")? as u64,
                    internet_facing: r.int("inet")? as u64,
                })
            })
            .collect::<Result<_>>()?;
        counts.sort_by_key(|c| c.category);
        Ok(counts)
    }

    /// Assets whose vendor support ended before `today`, among the visible facilities.
    pub async fn assets_out_of_support(&self, org: OrgId, visible: Option<&[FacilityId]>, today: Date) -> Result<u64> {
        let query = AssetQuery { visible: visible.map(<[_]>::to_vec), ..Default::default() };
        let (filter, mut params) = list_filter(org, &query);
        params.push(today.to_string().into());
        let sql = format!("SELECT COUNT(*) AS n {LIST_FROM} WHERE {filter} AND a.support_end < ${}", params.len());
        Ok(self.pool.conn().await?.fetch_one(sql.into(), params).await?.int("n")? as u64)
    }
}

/// The facility and vendors an asset names must belong to the same organisation.
async fn check_refs(tx: &mut Tx, org: OrgId, asset: &NewAsset) -> Result<()> {
    crate::facilities::ensure_in_org(tx, org, asset.facility_id).await?;
    for party in [asset.maintenance_vendor, asset.remote_vendor].into_iter().flatten() {
        crate::parties::get_party(tx, org, party).await?;
    }
    Ok(())
}

/// Inserts an asset and returns the audit entry to record for it.
pub(crate) async fn insert(tx: &mut Tx, org: OrgId, asset: &NewAsset) -> Result<(AssetId, Change)> {
    let t = now();
    let row = tx
        .fetch_one(
            "INSERT INTO assets (facility_id, name, category, vendor, product, version, cpe, ip, location, network_zone,
                internet_facing, remote_maintenance, no_active_scan, owner, maintenance_vendor_id, remote_vendor_id,
                support_end, last_updated, notes, org_id, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $21)
             RETURNING id"
                .into(),
            [values(asset), args![org.get(), t]].concat(),
        )
        .await
        .map_err(|e| e.conflict_as(|| format!("asset {:?} in this facility", asset.draft.name)))?;
    let id = AssetId::new(row.int("id")?);
    let change = Change {
        action: "asset.create",
        entity: "asset",
        entity_id: Some(id.get()),
        facility_id: Some(asset.facility_id),
        summary: asset.draft.name.clone(),
        before: None,
        after: Some(snapshot(asset)),
    };
    Ok((id, change))
}

/// Updates an asset and returns the audit entry to record for it.
pub(crate) async fn update(tx: &mut Tx, org: OrgId, before: &Asset, asset: &NewAsset) -> Result<Change> {
    tx.execute(
        "UPDATE assets SET facility_id = $1, name = $2, category = $3, vendor = $4, product = $5, version = $6, cpe = $7,
            ip = $8, location = $9, network_zone = $10, internet_facing = $11, remote_maintenance = $12,
            no_active_scan = $13, owner = $14, maintenance_vendor_id = $15, remote_vendor_id = $16, support_end = $17,
            last_updated = $18, notes = $19, updated_at = $20
         WHERE org_id = $21 AND id = $22"
            .into(),
        [values(asset), args![now(), org.get(), before.id.get()]].concat(),
    )
    .await
    .map_err(|e| e.conflict_as(|| format!("asset {:?} in this facility", asset.draft.name)))?;
    let change = Change {
        action: "asset.update",
        entity: "asset",
        entity_id: Some(before.id.get()),
        facility_id: Some(asset.facility_id),
        summary: asset.draft.name.clone(),
        before: Some(snapshot(&new_asset(before))),
        after: Some(snapshot(asset)),
    };
    Ok(change)
}

async fn get(ex: &mut impl Exec, org: OrgId, id: AssetId) -> Result<Asset> {
    let sql = format!("SELECT {COLUMNS} FROM assets a WHERE a.org_id = $1 AND a.id = $2");
    let row = ex.fetch_optional(sql.into(), args![org.get(), id.get()]).await?;
    row.as_ref().map(asset_from_row).transpose()?.ok_or(Error::NotFound { what: "asset" })
}

pub(crate) fn new_asset(a: &Asset) -> NewAsset {
    NewAsset {
        facility_id: a.facility_id,
        draft: a.draft.clone(),
        maintenance_vendor: a.maintenance_vendor,
        remote_vendor: a.remote_vendor,
    }
}

/// The WHERE clause of the list and its parameters (`$1` is the organisation).
fn list_filter(org: OrgId, q: &AssetQuery) -> (String, Vec<Arg>) {
    let mut sql = String::from("a.org_id = $1");
    let mut params = args![org.get()];
    if let Some(visible) = &q.visible {
        sql.push_str(&and_in(&mut params, "a.facility_id", visible.iter().map(|f| f.get())));
    }
    if let Some(f) = q.facility {
        sql.push_str(&format!(" AND a.facility_id = {}", bind(&mut params, f.get())));
    }
    if let Some(c) = q.category {
        sql.push_str(&format!(" AND a.category = {}", bind(&mut params, c.code())));
    }
    if let Some(inet) = q.internet_facing {
        sql.push_str(&format!(" AND a.internet_facing = {}", bind(&mut params, inet)));
    }
    if let Some(text) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let p = bind(&mut params, format!("%{}%", escape_like(&text.to_lowercase())));
        let cols = [
            "a.name",
            "a.vendor",
            "a.product",
            "a.version",
            "a.ip",
            "a.location",
            "a.owner",
            "a.network_zone",
            "a.cpe",
        ];
        let ors: Vec<String> = cols.iter().map(|c| format!("LOWER({c}) LIKE {p} ESCAPE '\\'")).collect();
        sql.push_str(&format!(" AND ({})", ors.join(" OR ")));
    }
    (sql, params)
}

/// Escapes LIKE wildcards so user text matches literally.
pub(crate) fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// facility_id, name, category, ... notes: `$1`..`$19`.
fn values(a: &NewAsset) -> Vec<Arg> {
    let d = &a.draft;
    let date = |d: Option<Date>| d.map(|d| d.to_string());
    args![
        a.facility_id.get(),
        d.name.as_str(),
        d.category.code(),
        d.vendor.clone(),
        d.product.clone(),
        d.version.clone(),
        d.cpe.as_ref().map(ToString::to_string),
        d.ip.map(|i| i.to_string()),
        d.location.clone(),
        d.network_zone.clone(),
        d.internet_facing,
        d.remote_maintenance,
        d.no_active_scan,
        d.owner.clone(),
        a.maintenance_vendor.map(PartyId::get),
        a.remote_vendor.map(PartyId::get),
        date(d.support_end),
        date(d.last_updated),
        d.notes.clone(),
    ]
}

/// The asset as the audit log shows it.
fn snapshot(a: &NewAsset) -> Value {
    let d = &a.draft;
    json!({
        "facility_id": a.facility_id.get(),
        "name": d.name,
        "category": d.category.code(),
        "vendor": d.vendor,
        "product": d.product,
        "version": d.version,
        "cpe": d.cpe.as_ref().map(ToString::to_string),
        "ip": d.ip.map(|i| i.to_string()),
        "location": d.location,
        "network_zone": d.network_zone,
        "internet_facing": d.internet_facing,
        "remote_maintenance": d.remote_maintenance,
        "no_active_scan": d.no_active_scan,
        "owner": d.owner,
        "maintenance_vendor_id": a.maintenance_vendor.map(PartyId::get),
        "remote_vendor_id": a.remote_vendor.map(PartyId::get),
        "support_end": d.support_end.map(|x| x.to_string()),
        "last_updated": d.last_updated.map(|x| x.to_string()),
        "notes": d.notes,
    })
}

pub(crate) fn asset_from_row(r: &Row) -> Result<Asset> {
    let corrupt = |what: &str| Error::Corrupt(format!("asset {what}"));
    let code = r.text("category")?;
    let cpe = match r.opt_text("cpe")? {
        Some(c) => Some(Cpe23::parse(&c).map_err(|_| corrupt("cpe"))?),
        None => None,
    };
    let ip = match r.opt_text("ip")? {
        Some(i) => Some(i.parse().map_err(|_| corrupt("ip"))?),
        None => None,
    };
    Ok(Asset {
        id: AssetId::new(r.int("id")?),
        org_id: OrgId::new(r.int("org_id")?),
        facility_id: FacilityId::new(r.int("facility_id")?),
        draft: AssetDraft {
            name: r.text("name")?,
            category: AssetCategory::from_code(&code).ok_or_else(|| corrupt("category"))?,
            vendor: r.opt_text("vendor")?,
            product: r.opt_text("product")?,
            version: r.opt_text("version")?,
            cpe,
            ip,
            location: r.opt_text("location")?,
            network_zone: r.opt_text("network_zone")?,
            internet_facing: r.bool("internet_facing")?,
            remote_maintenance: r.bool("remote_maintenance")?,
            no_active_scan: r.bool("no_active_scan")?,
            owner: r.opt_text("owner")?,
            support_end: parse_opt_date(r.opt_text("support_end")?)?,
            last_updated: parse_opt_date(r.opt_text("last_updated")?)?,
            notes: r.opt_text("notes")?,
        },
        maintenance_vendor: r.opt_int("maintenance_vendor_id")?.map(PartyId::new),
        remote_vendor: r.opt_int("remote_vendor_id")?.map(PartyId::new),
        created_at: parse_ts(&r.text("created_at")?)?,
        updated_at: parse_ts(&r.text("updated_at")?)?,
    })
}

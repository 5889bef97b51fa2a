//! Branches and services as admins keep them (0026_appointments.sql, 0028_branch_admin.sql):
//! every branch and service, active or retired, with versions. Configuration: tens of rows.

use domain::api::{BranchInput, BranchRecord, BranchService, ServiceInput, ServiceRecord};
use domain::questionnaire::Text;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use crate::db::query;
use crate::error::ApiError;

/// Most branches and services the admin lists hold.
const MAX_ROWS: u32 = 500;

#[derive(Deserialize)]
struct BranchRow {
    id: String,
    name_zh: String,
    name_en: String,
    address_zh: String,
    address_en: String,
    phone: String,
    opens: String,
    closes: String,
    active: i64,
    version: i64,
    upcoming: i64,
}

#[derive(Deserialize)]
struct OfferRow {
    branch_id: String,
    service: String,
}

/// Every branch by id with the services it offers and its booked appointments from `now` on
/// (appointments_by_slot, one range per branch).
pub async fn list(db: &D1Database, now: i64) -> Result<Vec<BranchRecord>, ApiError> {
    let results = db
        .batch(vec![
            query!(
                db,
                "SELECT b.id, b.name_zh, b.name_en, b.address_zh, b.address_en, b.phone, b.opens, b.closes, b.active, b.version,
                   (SELECT COUNT(*) FROM appointments a
                     WHERE a.branch_id = b.id AND a.start_at >= ?1 AND a.status <> 'cancelled' AND a.status = 'booked') AS upcoming
                 FROM branches b ORDER BY b.id LIMIT ?2",
                now,
                MAX_ROWS
            )?,
            // branch_services' primary key, in its order.
            query!(db, "SELECT branch_id, service FROM branch_services ORDER BY branch_id, service LIMIT ?1", MAX_ROWS * 50)?,
        ])
        .await?;
    let rows: Vec<BranchRow> = results.first().map(|r| r.results()).transpose()?.unwrap_or_default();
    let offers: Vec<OfferRow> = results.get(1).map(|r| r.results()).transpose()?.unwrap_or_default();
    Ok(rows
        .into_iter()
        .map(|b| BranchRecord {
            services: offers.iter().filter(|o| o.branch_id == b.id).map(|o| o.service.clone()).collect(),
            id: b.id,
            name: Text { zh: b.name_zh, en: b.name_en },
            address: Text { zh: b.address_zh, en: b.address_en },
            phone: b.phone,
            opens: b.opens,
            closes: b.closes,
            active: b.active != 0,
            upcoming: b.upcoming,
            version: b.version,
        })
        .collect())
}

/// A new branch and the services it offers.
pub fn insert(db: &D1Database, id: &str, b: &BranchInput) -> Result<Vec<D1PreparedStatement>, ApiError> {
    Ok(vec![
        query!(
            db,
            "INSERT INTO branches (id, name_zh, name_en, address_zh, address_en, phone, opens, closes, active, version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1)",
            id,
            b.name.zh.trim(),
            b.name.en.trim(),
            b.address.zh.trim(),
            b.address.en.trim(),
            b.phone.trim(),
            b.opens,
            b.closes,
            i64::from(b.active)
        )?,
        offer(db, id, &b.services, None)?,
    ])
}

/// The services a branch offers, replaced by `services`; with a `version`, only if the branch is
/// still at it (before the update that moves it on, in the same batch).
fn offer(db: &D1Database, id: &str, services: &[String], version: Option<i64>) -> Result<D1PreparedStatement, ApiError> {
    let list = serde_json::to_string(services).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(query!(
        db,
        "INSERT INTO branch_services (branch_id, service)
         SELECT ?1, value FROM json_each(?2) WHERE ?3 IS NULL OR (SELECT version FROM branches WHERE id = ?1) = ?3",
        id,
        list,
        version
    )?)
}

/// A branch's update, if it is still at `version`: its services replaced, then its row (the
/// last statement; it changes a row exactly when all of them applied).
pub fn update(db: &D1Database, id: &str, version: i64, b: &BranchInput) -> Result<Vec<D1PreparedStatement>, ApiError> {
    Ok(vec![
        // branch_services' primary key; branches by primary key.
        query!(db, "DELETE FROM branch_services WHERE branch_id = ?1 AND (SELECT version FROM branches WHERE id = ?1) = ?2", id, version)?,
        offer(db, id, &b.services, Some(version))?,
        query!(
            db,
            "UPDATE branches SET name_zh = ?3, name_en = ?4, address_zh = ?5, address_en = ?6, phone = ?7, opens = ?8, closes = ?9,
               active = ?10, version = version + 1
             WHERE id = ?1 AND version = ?2",
            id,
            version,
            b.name.zh.trim(),
            b.name.en.trim(),
            b.address.zh.trim(),
            b.address.en.trim(),
            b.phone.trim(),
            b.opens,
            b.closes,
            i64::from(b.active)
        )?,
    ])
}

#[derive(Deserialize)]
struct ServiceRow {
    code: String,
    name_zh: String,
    name_en: String,
    minutes: i64,
    capacity: i64,
    bring_zh: String,
    bring_en: String,
    active: i64,
    version: i64,
}

impl From<ServiceRow> for ServiceRecord {
    fn from(s: ServiceRow) -> Self {
        ServiceRecord {
            service: BranchService {
                code: s.code,
                name: Text { zh: s.name_zh, en: s.name_en },
                minutes: s.minutes,
                capacity: s.capacity,
                bring: Text { zh: s.bring_zh, en: s.bring_en },
            },
            active: s.active != 0,
            version: s.version,
        }
    }
}

const SERVICE_COLUMNS: &str = "code, name_zh, name_en, minutes, capacity, bring_zh, bring_en, active, version";

/// Every service by code (services' primary key, in its order).
pub async fn services(db: &D1Database) -> Result<Vec<ServiceRecord>, ApiError> {
    let rows: Vec<ServiceRow> = query!(db, format!("SELECT {SERVICE_COLUMNS} FROM services ORDER BY code LIMIT ?1"), MAX_ROWS)?.all().await?.results()?;
    Ok(rows.into_iter().map(ServiceRecord::from).collect())
}

/// One service by its code (primary key).
pub async fn service(db: &D1Database, code: &str) -> Result<Option<ServiceRecord>, ApiError> {
    let row: Option<ServiceRow> = query!(db, format!("SELECT {SERVICE_COLUMNS} FROM services WHERE code = ?1"), code)?.first(None).await?;
    Ok(row.map(ServiceRecord::from))
}

/// A new service, unless its code is taken (then it changes nothing).
pub fn insert_service(db: &D1Database, code: &str, s: &ServiceInput) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(
        db,
        "INSERT INTO services (code, name_zh, name_en, minutes, capacity, bring_zh, bring_en, active, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1) ON CONFLICT (code) DO NOTHING",
        code,
        s.name.zh.trim(),
        s.name.en.trim(),
        s.minutes,
        s.capacity,
        s.bring.zh.trim(),
        s.bring.en.trim(),
        i64::from(s.active)
    )?)
}

/// A service's update, if it is still at `version`.
pub fn update_service(db: &D1Database, code: &str, version: i64, s: &ServiceInput) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(
        db,
        "UPDATE services SET name_zh = ?3, name_en = ?4, minutes = ?5, capacity = ?6, bring_zh = ?7, bring_en = ?8, active = ?9,
           version = version + 1
         WHERE code = ?1 AND version = ?2",
        code,
        version,
        s.name.zh.trim(),
        s.name.en.trim(),
        s.minutes,
        s.capacity,
        s.bring.zh.trim(),
        s.bring.en.trim(),
        i64::from(s.active)
    )?)
}

//! Customers and the products they hold.

use domain::api::{Customer, Holding, NewCustomer, Page};
use domain::customer::{mask_email, mask_phone, phone_last4};
use domain::{LeaveReason, Segment};
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use crate::db::query;
use super::{parse, time};
use crate::error::ApiError;

/// Most customers a search returns.
const SEARCH_LIMIT: u32 = 20;

const COLUMNS: &str = "id, name, phone, email, segment, lifecycle, created_at, left_at, leave_reason";

#[derive(Deserialize)]
struct CustomerRow {
    id: String,
    name: String,
    phone: Option<String>,
    email: Option<String>,
    segment: String,
    lifecycle: String,
    created_at: i64,
    left_at: Option<i64>,
    leave_reason: Option<String>,
}

impl TryFrom<CustomerRow> for Customer {
    type Error = ApiError;
    fn try_from(r: CustomerRow) -> Result<Self, ApiError> {
        Ok(Customer {
            id: r.id,
            name: r.name,
            phone_masked: r.phone.as_deref().map(mask_phone),
            email_masked: r.email.as_deref().map(mask_email),
            segment: parse("customers.segment", &r.segment)?,
            lifecycle: parse("customers.lifecycle", &r.lifecycle)?,
            created_at: time(r.created_at),
            left_at: r.left_at.map(time),
            leave_reason: r.leave_reason.as_deref().map(|reason| parse("customers.leave_reason", reason)).transpose()?,
        })
    }
}

pub fn insert(db: &D1Database, id: &str, c: &NewCustomer, now: i64) -> Result<D1PreparedStatement, ApiError> {
    let segment = c.segment.unwrap_or(Segment::Mass);
    Ok(query!(
        db,
        "INSERT INTO customers (id, name, phone, phone_last4, email, segment, lifecycle, created_at, next_plan_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'new', ?7, ?7)",
        id,
        c.name.trim(),
        c.phone.as_deref().map(str::trim),
        c.phone.as_deref().map(phone_last4),
        c.email.as_deref().map(str::trim),
        segment.as_str(),
        now
    )?)
}

/// Records that a customer left (`Some(reason)`, at `now`) or is a customer again (`None`);
/// changes nothing if they already are so, which the audit event's guard then sees. A customer
/// who left gets no more planned follow-ups (the planner reads customers_next_plan); one who
/// is back is looked at by the planner at once.
pub fn set_relationship(db: &D1Database, id: &str, left: Option<LeaveReason>, now: i64) -> Result<D1PreparedStatement, ApiError> {
    Ok(match left {
        Some(reason) => query!(
            db,
            "UPDATE customers SET left_at = ?2, leave_reason = ?3, next_plan_at = NULL WHERE id = ?1 AND left_at IS NULL",
            id,
            now,
            reason.as_str()
        )?,
        None => query!(
            db,
            "UPDATE customers SET left_at = NULL, leave_reason = NULL, next_plan_at = ?2 WHERE id = ?1 AND left_at IS NOT NULL",
            id,
            now
        )?,
    })
}

pub async fn get(db: &D1Database, id: &str) -> Result<Option<Customer>, ApiError> {
    let row: Option<CustomerRow> = get_statement(db, id)?.first(None).await?;
    row.map(Customer::try_from).transpose()
}

/// The statement of [`get`], for a caller that batches it with other reads.
pub fn get_statement(db: &D1Database, id: &str) -> Result<D1PreparedStatement, ApiError> {
    let sql = format!("SELECT {COLUMNS} FROM customers WHERE id = ?1");
    Ok(query!(db, &sql, id)?)
}

/// The customer of [`get_statement`]'s result, if there is one.
pub fn get_from(result: &worker::D1Result) -> Result<Option<Customer>, ApiError> {
    let rows: Vec<CustomerRow> = result.results()?;
    rows.into_iter().next().map(Customer::try_from).transpose()
}

/// Customers whose name starts with `q`, whose phone ends with `q`, or whose e-mail is `q`.
pub async fn search(db: &D1Database, q: &str) -> Result<Vec<Customer>, ApiError> {
    let q = q.trim();
    let digits = q.chars().filter(char::is_ascii_digit).count();
    let rows: Vec<CustomerRow> = if q.contains('@') {
        // customers_by_email
        let sql = format!("SELECT {COLUMNS} FROM customers WHERE email = ?1 LIMIT ?2");
        query!(db, &sql, q, SEARCH_LIMIT)?.all().await?.results()?
    } else if digits >= 4 && digits == q.chars().filter(|c| !" -+()".contains(*c)).count() {
        // customers_by_phone; a longer number is then matched on its full tail.
        let sql = format!("SELECT {COLUMNS} FROM customers WHERE phone_last4 = ?1 LIMIT 200");
        let wanted: String = q.chars().filter(char::is_ascii_digit).collect();
        let rows: Vec<CustomerRow> = query!(db, &sql, phone_last4(q))?.all().await?.results()?;
        rows.into_iter()
            .filter(|r| {
                let phone: String = r.phone.as_deref().unwrap_or("").chars().filter(char::is_ascii_digit).collect();
                phone.ends_with(&wanted)
            })
            .take(SEARCH_LIMIT as usize)
            .collect()
    } else {
        // customers_by_name, as a range scan for the prefix.
        let sql = format!("SELECT {COLUMNS} FROM customers WHERE name >= ?1 AND name < ?2 ORDER BY name LIMIT ?3");
        let upper = format!("{q}\u{10FFFF}");
        query!(db, &sql, q, upper, SEARCH_LIMIT)?.all().await?.results()?
    };
    rows.into_iter().map(Customer::try_from).collect()
}

/// Customers who left in [from, to) (for `reason`, if given), in the order they left, a page
/// after `after` (left_at, id): customers_by_left's range, read in its order (a reason filters
/// within it: a day's leavings are a handful of rows).
pub async fn left_between(
    db: &D1Database,
    (from, to): (i64, i64),
    reason: Option<LeaveReason>,
    after: Option<(i64, String)>,
    limit: u32,
) -> Result<Page<Customer>, ApiError> {
    let (after_at, after_id) = after.unwrap_or((from - 1, String::new()));
    let why = if reason.is_some() { " AND leave_reason = ?6" } else { "" };
    let sql = format!(
        "SELECT {COLUMNS} FROM customers WHERE left_at >= ?1 AND left_at < ?2 AND (left_at, id) > (?3, ?4){why} ORDER BY left_at, id LIMIT ?5"
    );
    let statement = match reason {
        Some(reason) => query!(db, &sql, from, to, after_at, after_id, limit + 1, reason.as_str())?,
        None => query!(db, &sql, from, to, after_at, after_id, limit + 1)?,
    };
    let rows: Vec<CustomerRow> = statement.all().await?.results()?;
    let more = rows.len() > limit as usize;
    let items: Vec<Customer> = rows.into_iter().take(limit as usize).map(Customer::try_from).collect::<Result<_, _>>()?;
    let next_cursor = if more { items.last().and_then(|c| Some(super::cases::encode_cursor(c.left_at?.timestamp_millis(), &c.id))) } else { None };
    Ok(Page { items, next_cursor })
}

#[derive(Deserialize)]
struct HoldingRow {
    code: String,
    name_zh: String,
    name_en: String,
    since: i64,
}

/// The products the institution offers, by kind and code (the primary key; a few dozen rows).
pub async fn products(db: &D1Database) -> Result<Vec<domain::api::Product>, ApiError> {
    Ok(query!(db, "SELECT code, name_zh, name_en, kind FROM products ORDER BY kind, code").all().await?.results()?)
}

pub async fn holdings(db: &D1Database, customer_id: &str) -> Result<Vec<Holding>, ApiError> {
    // Primary key of customer_products starts with customer_id.
    let rows: Vec<HoldingRow> = query!(
        db,
        "SELECT p.code, p.name_zh, p.name_en, cp.since FROM customer_products cp
         JOIN products p ON p.code = cp.product_code WHERE cp.customer_id = ?1 ORDER BY cp.since",
        customer_id
    )?
    .all()
    .await?
    .results()?;
    Ok(rows
        .into_iter()
        .map(|r| Holding { code: r.code, name_zh: r.name_zh, name_en: r.name_en, since: time(r.since) })
        .collect())
}

/// What only a customer's own profile shows.
#[derive(Deserialize)]
pub struct Details {
    pub id_number: Option<String>,
    pub risk_tolerance: Option<String>,
    pub consent_contact: i64,
}

pub async fn details(db: &D1Database, id: &str) -> Result<Option<Details>, ApiError> {
    Ok(query!(db, "SELECT id_number, risk_tolerance, consent_contact FROM customers WHERE id = ?1", id)?.first(None).await?)
}

/// One personal detail in full, for a reveal that the caller audits in the same batch.
pub fn reveal(db: &D1Database, id: &str, field: domain::api::RevealField) -> Result<D1PreparedStatement, ApiError> {
    // The column comes from a closed enum, never from the request's text.
    let column = match field {
        domain::api::RevealField::Phone => "phone",
        domain::api::RevealField::Email => "email",
        domain::api::RevealField::IdNumber => "id_number",
    };
    Ok(query!(db, &format!("SELECT {column} AS value FROM customers WHERE id = ?1"), id)?)
}

#[derive(Deserialize)]
struct MatchRow {
    id: String,
    name: String,
    phone: Option<String>,
}

/// The customer a public form names: same name and the same e-mail (customers_by_email) or
/// phone (customers_by_phone). A different name is a different customer record, so nobody can
/// file against someone else's profile by knowing their e-mail.
pub async fn find_contact(db: &D1Database, name: &str, phone: Option<&str>, email: Option<&str>) -> Result<Option<Customer>, ApiError> {
    let name = name.trim();
    let mut found: Option<String> = None;
    if let Some(email) = email.map(str::trim).filter(|e| !e.is_empty()) {
        let rows: Vec<MatchRow> = query!(db, "SELECT id, name, phone FROM customers WHERE email = ?1 LIMIT 20", email)?.all().await?.results()?;
        found = rows.into_iter().find(|r| r.name == name).map(|r| r.id);
    }
    if let (None, Some(phone)) = (&found, phone.map(str::trim).filter(|p| !p.is_empty())) {
        let wanted: String = phone.chars().filter(char::is_ascii_digit).collect();
        let rows: Vec<MatchRow> = query!(db, "SELECT id, name, phone FROM customers WHERE phone_last4 = ?1 LIMIT 200", phone_last4(phone))?.all().await?.results()?;
        found = rows
            .into_iter()
            .find(|r| r.name == name && r.phone.as_deref().unwrap_or("").chars().filter(char::is_ascii_digit).collect::<String>() == wanted)
            .map(|r| r.id);
    }
    match found {
        Some(id) => get(db, &id).await,
        None => Ok(None),
    }
}

/// Asks the follow-up planner to look at a customer at `at` or sooner (a complaint of theirs
/// just closed), if the statement before it in the batch changed a row.
pub fn plan_soon(db: &D1Database, id: &str, at: i64) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(db, "UPDATE customers SET next_plan_at = MIN(COALESCE(next_plan_at, ?2), ?2) WHERE id = ?1 AND changes() = 1", id, at)?)
}

/// What the planner needs to know of a customer due a look (customers_next_plan).
#[derive(Deserialize)]
pub struct PlanRow {
    pub id: String,
    pub segment: String,
    pub lifecycle: String,
    pub consent_contact: i64,
    pub created_at: i64,
    pub first_product_at: Option<i64>,
}

pub async fn due_for_planning(db: &D1Database, now: i64, limit: u32) -> Result<Vec<PlanRow>, ApiError> {
    Ok(query!(
        db,
        "SELECT c.id, c.segment, c.lifecycle, c.consent_contact, c.created_at,
           (SELECT MIN(cp.since) FROM customer_products cp WHERE cp.customer_id = c.id) AS first_product_at
         FROM customers c WHERE c.next_plan_at <= ?1 ORDER BY c.next_plan_at LIMIT ?2",
        now,
        limit
    )?
    .all()
    .await?
    .results()?)
}

pub fn set_next_plan(db: &D1Database, id: &str, at: Option<i64>) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(db, "UPDATE customers SET next_plan_at = ?2 WHERE id = ?1", id, at)?)
}

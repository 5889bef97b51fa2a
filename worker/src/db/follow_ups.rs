//! Follow-ups: the follow-up side of each case of kind follow_up (follow_ups, migration 0030),
//! the call list read from it, an attempt's write, and purchases.

use chrono::{DateTime, Utc};
use domain::api::{AssigneeFilter, FollowUp, FollowUpDue, FollowUpFilter, Purchase};
use domain::follow_up::call::Ending;
use domain::follow_up::Reason;
use domain::questionnaire::Text;
use domain::sale::Tolerance;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use super::{parse, time};
use crate::db::query;
use crate::error::ApiError;

/// What a new follow-up is about, beyond its case.
pub struct Planned<'a> {
    pub case_id: &'a str,
    pub reason: Reason,
    /// For a post-sale follow-up: the purchase, its product and what it was.
    pub purchase: Option<Sold<'a>>,
}

pub struct Sold<'a> {
    pub id: &'a str,
    pub product: &'a str,
    pub mismatch: bool,
    pub cooling_off_ends_at: Option<i64>,
    /// When it must be made by.
    pub due_at: i64,
}

/// The follow-up side of a case registered in the same batch: [`insert_all`] of one.
pub fn insert(db: &D1Database, p: &Planned) -> Result<D1PreparedStatement, ApiError> {
    insert_all(db, std::slice::from_ref(p))
}

/// The follow-up side of cases registered in the same batch, written only for those that were
/// (a planned follow-up whose key existed writes no case), one statement over a JSON array of
/// them (`json_each`): its due time is the purchase's, else the case's resolution deadline; it
/// may be called from when the case was registered, and counts against that day's capacity.
pub fn insert_all(db: &D1Database, planned: &[Planned]) -> Result<D1PreparedStatement, ApiError> {
    let rows: Vec<serde_json::Value> = planned
        .iter()
        .map(|p| {
            let sold = p.purchase.as_ref();
            serde_json::json!({
                "id": p.case_id,
                "reason": p.reason.as_str(),
                "purchase_id": sold.map(|s| s.id),
                "product_code": sold.map(|s| s.product),
                "mismatch": i64::from(sold.is_some_and(|s| s.mismatch)),
                "due_at": sold.map(|s| s.due_at),
                "cooling_off_ends_at": sold.and_then(|s| s.cooling_off_ends_at),
            })
        })
        .collect();
    let rows = serde_json::to_string(&rows).map_err(|e| ApiError::Internal(format!("encode follow-ups: {e}")))?;
    // Primary key of cases.
    Ok(query!(
        db,
        "INSERT OR IGNORE INTO follow_ups (case_id, customer_id, reason, purchase_id, product_code, mismatch, due_at, cooling_off_ends_at,
           ready_at, assignee_id, created_at)
         SELECT c.id, c.customer_id, r.value ->> 'reason', r.value ->> 'purchase_id', r.value ->> 'product_code', r.value ->> 'mismatch',
           COALESCE(r.value ->> 'due_at', c.resolution_due_at), r.value ->> 'cooling_off_ends_at', c.created_at, c.assignee_id, c.created_at
         FROM json_each(?1) AS r JOIN cases c ON c.id = r.value ->> 'id'",
        rows
    )?)
}

/// The follow-ups created in [from, to) (follow_ups_by_created): what a day's capacity has
/// already been spent on.
pub fn created_between(db: &D1Database, from: i64, to: i64) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(db, "SELECT COUNT(*) AS n FROM follow_ups WHERE created_at >= ?1 AND created_at < ?2", from, to)?)
}

const COLUMNS: &str = "SELECT c.id, c.seq, c.customer_id, cu.name AS customer_name, cu.segment, f.reason, f.product_code, p.name_zh AS product_zh,
  p.name_en AS product_en, p.kind AS product_kind, f.mismatch, f.due_at, f.cooling_off_ends_at, f.ready_at, f.callback_at, f.attempts, f.last_outcome, f.last_attempt_at,
  f.satisfaction, f.ending, f.assignee_id, u.name AS assignee_name, c.version
  FROM follow_ups f JOIN cases c ON c.id = f.case_id JOIN customers cu ON cu.id = f.customer_id LEFT JOIN users u ON u.id = f.assignee_id
  LEFT JOIN products p ON p.code = f.product_code";

#[derive(Deserialize)]
struct Row {
    id: String,
    seq: i64,
    customer_id: String,
    customer_name: String,
    segment: String,
    reason: String,
    product_code: Option<String>,
    product_zh: Option<String>,
    product_en: Option<String>,
    product_kind: Option<String>,
    mismatch: i64,
    due_at: i64,
    cooling_off_ends_at: Option<i64>,
    ready_at: i64,
    callback_at: Option<i64>,
    attempts: u32,
    last_outcome: Option<String>,
    last_attempt_at: Option<i64>,
    satisfaction: Option<u8>,
    ending: Option<String>,
    assignee_id: Option<String>,
    assignee_name: Option<String>,
    version: i64,
}

impl Row {
    fn into_follow_up(self) -> Result<FollowUp, ApiError> {
        let ending = self
            .ending
            .as_deref()
            .map(|e| Ending::parse(e).ok_or_else(|| ApiError::Internal("unknown value in column follow_ups.ending".into())))
            .transpose()?;
        Ok(FollowUp {
            id: self.id,
            reference: domain::case::reference(self.seq),
            customer_id: self.customer_id,
            customer_name: self.customer_name,
            segment: parse("customers.segment", &self.segment)?,
            reason: Reason::parse(&self.reason).ok_or_else(|| ApiError::Internal("unknown value in column follow_ups.reason".into()))?,
            product: self.product_code,
            product_name: self.product_zh.zip(self.product_en).map(|(zh, en)| Text { zh, en }),
            product_kind: self.product_kind,
            script: None,
            mismatch: self.mismatch != 0,
            due_at: time(self.due_at),
            cooling_off_ends_at: self.cooling_off_ends_at.map(time),
            ready_at: time(self.ready_at),
            callback_at: self.callback_at.map(time),
            attempts: self.attempts,
            last_outcome: self.last_outcome.as_deref().map(|o| parse("follow_ups.last_outcome", o)).transpose()?,
            last_attempt_at: self.last_attempt_at.map(time),
            satisfaction: self.satisfaction,
            ending,
            assignee_id: self.assignee_id,
            assignee_name: self.assignee_name,
            version: self.version,
        })
    }
}

/// One follow-up, open or not.
pub async fn get(db: &D1Database, id: &str) -> Result<Option<FollowUp>, ApiError> {
    // Primary key of follow_ups.
    let row: Option<Row> = query!(db, &format!("{COLUMNS} WHERE f.case_id = ?1"), id)?.first(None).await?;
    row.map(Row::into_follow_up).transpose()
}

/// The open follow-ups a list shows, by when they may be called (at most `limit`): one
/// person's (follow_ups_call_list) or everyone's (follow_ups_open_by_ready; overdue ones by
/// follow_ups_open_by_due), the rest of the filter applied to those rows. `today_ends` bounds `due=today`, `now` `due=overdue`.
pub async fn open(db: &D1Database, filter: &FollowUpFilter, me: &str, now: DateTime<Utc>, today_ends: DateTime<Utc>, limit: u32) -> Result<Vec<FollowUp>, ApiError> {
    let (mut sql, mut args): (String, Vec<wasm_bindgen::JsValue>) = (format!("{COLUMNS} WHERE f.ending IS NULL"), Vec::new());
    let mut arg = |sql: &mut String, clause: &str, value: wasm_bindgen::JsValue| {
        args.push(value);
        sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
    };
    match &filter.assignee {
        // follow_ups_call_list: (assignee_id, ready_at) of open follow-ups.
        Some(AssigneeFilter::Me) => arg(&mut sql, " AND f.assignee_id = ?", me.into()),
        Some(AssigneeFilter::User(id)) => arg(&mut sql, " AND f.assignee_id = ?", id.as_str().into()),
        Some(AssigneeFilter::Nobody) => sql.push_str(" AND f.assignee_id IS NULL"),
        // follow_ups_open_by_ready.
        None => {}
    }
    if let Some(team) = &filter.team_id {
        // Walked in follow_ups_open_by_ready's order (the `+` keeps the members' ranges of
        // follow_ups_call_list, which would need a sort), keeping the team's.
        arg(&mut sql, " AND +f.assignee_id IN (SELECT m.id FROM users m WHERE m.team_id = ?)", team.as_str().into());
    }
    match filter.due {
        Some(FollowUpDue::Today) => arg(&mut sql, " AND f.ready_at <= ?", (today_ends.timestamp_millis() as f64).into()),
        Some(FollowUpDue::Upcoming) => arg(&mut sql, " AND f.ready_at > ?", (today_ends.timestamp_millis() as f64).into()),
        Some(FollowUpDue::Overdue) => arg(&mut sql, " AND f.due_at < ?", (now.timestamp_millis() as f64).into()),
        None => {}
    }
    if let Some(reason) = filter.reason {
        arg(&mut sql, " AND f.reason = ?", reason.as_str().into());
    }
    if let Some(product) = &filter.product {
        arg(&mut sql, " AND f.product_code = ?", product.as_str().into());
    }
    if filter.mismatch {
        sql.push_str(" AND f.mismatch = 1");
    }
    // Overdue ones by their due time (follow_ups_open_by_due), the rest by when they may be called.
    let order = if filter.due == Some(FollowUpDue::Overdue) { "f.due_at" } else { "f.ready_at" };
    arg(&mut sql, &format!(" ORDER BY {order} LIMIT ?"), f64::from(limit).into());
    let rows: Vec<Row> = crate::db::prepare(db, sql, &args)?.all().await?.results()?;
    rows.into_iter().map(Row::into_follow_up).collect()
}

/// What one attempt changes: the outcome, the unanswered count, when to call next (or the
/// ending), the satisfaction of a reached call. Guarded by the statement before it in the
/// batch (the case's version-guarded update) having changed its row.
pub struct Attempted<'a> {
    pub id: &'a str,
    pub outcome: &'a str,
    pub attempts: u32,
    pub ready_at: Option<i64>,
    pub callback_at: Option<i64>,
    pub satisfaction: Option<u8>,
    pub ending: Option<Ending>,
    pub at: i64,
}

pub fn attempted(db: &D1Database, a: &Attempted) -> Result<D1PreparedStatement, ApiError> {
    // Primary key of follow_ups.
    Ok(query!(
        db,
        "UPDATE follow_ups SET last_outcome = ?2, attempts = ?3, ready_at = COALESCE(?4, ready_at), callback_at = ?5,
           satisfaction = COALESCE(?6, satisfaction), ending = ?7, last_attempt_at = ?8
         WHERE case_id = ?1 AND changes() >= 1",
        a.id,
        a.outcome,
        a.attempts,
        a.ready_at,
        a.callback_at,
        a.satisfaction,
        a.ending.map(Ending::as_str),
        a.at
    )?)
}

/// A call logged from the case's composer on a follow-up: counted like an attempt (an
/// unanswered one towards `max_attempts`), if the statement before it changed its row.
pub fn call_logged(db: &D1Database, id: &str, outcome: &str, unanswered: bool, at: i64) -> Result<D1PreparedStatement, ApiError> {
    // Primary key of follow_ups.
    Ok(query!(
        db,
        "UPDATE follow_ups SET last_outcome = ?2, attempts = attempts + ?3, last_attempt_at = ?4 WHERE case_id = ?1 AND changes() >= 1",
        id,
        outcome,
        i64::from(unanswered),
        at
    )?)
}

/// A customer's open follow-ups (follow_ups_by_customer): a handful at most.
pub async fn open_of_customer(db: &D1Database, customer_id: &str) -> Result<Vec<String>, ApiError> {
    #[derive(Deserialize)]
    struct Id {
        case_id: String,
    }
    let rows: Vec<Id> = query!(db, "SELECT case_id FROM follow_ups WHERE customer_id = ?1 AND ending IS NULL", customer_id)?.all().await?.results()?;
    Ok(rows.into_iter().map(|r| r.case_id).collect())
}

/// Ends a follow-up as `ending` (over the `done` its case's closing trigger wrote), if the
/// statement before it (that version-guarded closing) changed its row.
pub fn ended(db: &D1Database, id: &str, ending: Ending) -> Result<D1PreparedStatement, ApiError> {
    // Primary key of follow_ups.
    Ok(query!(db, "UPDATE follow_ups SET ending = ?2 WHERE case_id = ?1 AND changes() >= 1", id, ending.as_str())?)
}

/// A case raised in a follow-up call, registered earlier in the batch: each timeline names the
/// other (a note on the new case naming the call; one on the call naming the case by its
/// reference, read from the row just written).
pub fn raised(db: &D1Database, follow_up: &FollowUp, case_id: &str, by: &str, at: i64) -> Result<[D1PreparedStatement; 2], ApiError> {
    let (on_case, on_call) = (crate::ids::new_id()?, crate::ids::new_id()?);
    Ok([
        query!(
            db,
            "INSERT INTO case_events (id, case_id, type, body, author_id, created_at) VALUES (?1, ?2, 'note', ?3, ?4, ?5)",
            &on_case,
            case_id,
            format!("来自回访 {}", follow_up.reference),
            by,
            at
        )?,
        // Primary key of cases; the reference spelled as domain::case::reference spells it.
        query!(
            db,
            "INSERT INTO case_events (id, case_id, type, body, author_id, created_at)
             SELECT ?1, ?2, 'note', '回访中登记新工单 KF' || printf('%06d', c.seq) || '：' || c.subject, ?3, ?4 FROM cases c WHERE c.id = ?5",
            &on_call,
            &follow_up.id,
            by,
            at,
            case_id
        )?,
    ])
}

/// A purchase to record.
pub struct NewPurchase<'a> {
    pub id: &'a str,
    pub customer_id: &'a str,
    pub product: &'a str,
    pub purchased_at: i64,
    pub channel: &'a str,
    pub amount: Option<i64>,
    pub risk_level: Option<u8>,
    pub risk_tolerance: Option<Tolerance>,
    pub mismatch: bool,
    pub cooling_off_ends_at: Option<i64>,
    pub follow_up_id: Option<&'a str>,
    pub created_by: &'a str,
    pub now: i64,
}

/// The purchase, and the product among the customer's holdings (since its first purchase).
pub fn insert_purchase(db: &D1Database, p: &NewPurchase) -> Result<Vec<D1PreparedStatement>, ApiError> {
    Ok(vec![
        query!(
            db,
            "INSERT INTO purchases (id, customer_id, product_code, purchased_at, channel, amount, risk_level, risk_tolerance, mismatch,
               cooling_off_ends_at, follow_up_id, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            p.id,
            p.customer_id,
            p.product,
            p.purchased_at,
            p.channel,
            p.amount,
            p.risk_level,
            p.risk_tolerance.map(Tolerance::as_str),
            i64::from(p.mismatch),
            p.cooling_off_ends_at,
            p.follow_up_id,
            p.created_by,
            p.now
        )?,
        // Primary key (customer_id, product_code).
        query!(
            db,
            "INSERT INTO customer_products (customer_id, product_code, since) VALUES (?1, ?2, ?3)
             ON CONFLICT (customer_id, product_code) DO UPDATE SET since = min(since, excluded.since)",
            p.customer_id,
            p.product,
            p.purchased_at
        )?,
    ])
}

/// What a purchase needs to know of the customer.
#[derive(Deserialize)]
pub struct Buyer {
    pub segment: String,
    pub risk_tolerance: Option<String>,
    pub consent_contact: i64,
    pub erased_at: Option<i64>,
}

pub async fn buyer(db: &D1Database, customer_id: &str) -> Result<Option<Buyer>, ApiError> {
    // Primary key of customers.
    Ok(query!(db, "SELECT segment, risk_tolerance, consent_contact, erased_at FROM customers WHERE id = ?1", customer_id)?.first(None).await?)
}

/// A product's sale settings: its names, risk level and cooling-off hours.
#[derive(Deserialize)]
pub struct SaleProduct {
    pub name_zh: String,
    pub name_en: String,
    pub risk_level: Option<u8>,
    pub cooling_off_hours: Option<i64>,
}

pub async fn sale_product(db: &D1Database, code: &str) -> Result<Option<SaleProduct>, ApiError> {
    // Primary key of products.
    Ok(query!(db, "SELECT name_zh, name_en, risk_level, cooling_off_hours FROM products WHERE code = ?1", code)?.first(None).await?)
}

/// The purchase as the API answers it.
pub fn purchase(p: &NewPurchase, product_name: Text, channel: domain::Channel) -> Purchase {
    Purchase {
        id: p.id.to_string(),
        customer_id: p.customer_id.to_string(),
        product: p.product.to_string(),
        product_name,
        purchased_at: time(p.purchased_at),
        channel,
        amount: p.amount,
        risk_level: p.risk_level,
        risk_tolerance: p.risk_tolerance,
        mismatch: p.mismatch,
        cooling_off_ends_at: p.cooling_off_ends_at.map(time),
        follow_up_id: p.follow_up_id.map(str::to_string),
    }
}

#[derive(Deserialize)]
struct PurchaseRow {
    id: String,
    customer_id: String,
    product_code: String,
    name_zh: String,
    name_en: String,
    purchased_at: i64,
    channel: String,
    amount: Option<i64>,
    risk_level: Option<u8>,
    risk_tolerance: Option<String>,
    mismatch: i64,
    cooling_off_ends_at: Option<i64>,
    follow_up_id: Option<String>,
}

/// A customer's latest purchases, newest first (purchases_by_customer).
pub async fn of_customer(db: &D1Database, customer_id: &str, limit: u32) -> Result<Vec<Purchase>, ApiError> {
    let rows: Vec<PurchaseRow> = query!(
        db,
        "SELECT pu.id, pu.customer_id, pu.product_code, p.name_zh, p.name_en, pu.purchased_at, pu.channel, pu.amount, pu.risk_level,
           pu.risk_tolerance, pu.mismatch, pu.cooling_off_ends_at, pu.follow_up_id
         FROM purchases pu JOIN products p ON p.code = pu.product_code
         WHERE pu.customer_id = ?1 ORDER BY pu.purchased_at DESC LIMIT ?2",
        customer_id,
        limit
    )?
    .all()
    .await?
    .results()?;
    rows.into_iter()
        .map(|r| {
            Ok(Purchase {
                id: r.id,
                customer_id: r.customer_id,
                product: r.product_code,
                product_name: Text { zh: r.name_zh, en: r.name_en },
                purchased_at: time(r.purchased_at),
                channel: parse("purchases.channel", &r.channel)?,
                amount: r.amount,
                risk_level: r.risk_level,
                risk_tolerance: r.risk_tolerance.as_deref().and_then(Tolerance::parse),
                mismatch: r.mismatch != 0,
                cooling_off_ends_at: r.cooling_off_ends_at.map(time),
                follow_up_id: r.follow_up_id,
            })
        })
        .collect()
}

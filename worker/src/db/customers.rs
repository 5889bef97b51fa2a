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

const COLUMNS: &str = "id, name, phone, email, segment, lifecycle, created_at, left_at, leave_reason, erased_at";

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
    erased_at: Option<i64>,
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
            erased_at: r.erased_at.map(time),
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
/// Records whether the customer agrees to be contacted, if that changes it; given again, the
/// planner looks at them at once.
pub fn set_consent(db: &D1Database, id: &str, consent: bool, now: i64) -> Result<D1PreparedStatement, ApiError> {
    // Primary key of customers.
    Ok(query!(
        db,
        "UPDATE customers SET consent_contact = ?2, next_plan_at = CASE WHEN ?2 = 1 THEN ?3 ELSE next_plan_at END
         WHERE id = ?1 AND consent_contact IS NOT ?2 AND erased_at IS NULL",
        id,
        i64::from(consent),
        now
    )?)
}

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
        // customers_by_name, as a range scan for the prefix (an erased customer's name is empty).
        let sql = format!("SELECT {COLUMNS} FROM customers WHERE name >= ?1 AND name < ?2 AND name <> '' ORDER BY name LIMIT ?3");
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
    Ok(query!(db, "SELECT code, name_zh, name_en, kind, risk_level, cooling_off_hours, version FROM products ORDER BY kind, code").all().await?.results()?)
}

pub async fn holdings(db: &D1Database, customer_id: &str) -> Result<Vec<Holding>, ApiError> {
    holdings_from(&holdings_statement(db, customer_id)?.all().await?)
}

fn holdings_statement(db: &D1Database, customer_id: &str) -> Result<D1PreparedStatement, ApiError> {
    // Primary key of customer_products starts with customer_id.
    Ok(query!(
        db,
        "SELECT p.code, p.name_zh, p.name_en, cp.since FROM customer_products cp
         JOIN products p ON p.code = cp.product_code WHERE cp.customer_id = ?1 ORDER BY cp.since",
        customer_id
    )?)
}

fn holdings_from(result: &worker::D1Result) -> Result<Vec<Holding>, ApiError> {
    let rows: Vec<HoldingRow> = result.results()?;
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

/// How to reach a customer: their name and contact details in full (for a message sent to them
/// that no person reads on the way), and whether their data was erased.
#[derive(Deserialize)]
pub struct Contact {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub erased_at: Option<i64>,
}

pub async fn contact(db: &D1Database, id: &str) -> Result<Option<Contact>, ApiError> {
    Ok(query!(db, "SELECT name, phone, email, erased_at FROM customers WHERE id = ?1", id)?.first(None).await?)
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

/// Asks the follow-up planner to look at a customer at `at` or sooner, before customers without
/// a complaint (plan_urgent: a complaint of theirs just closed), if the statement before it in
/// the batch changed a row.
pub fn plan_soon(db: &D1Database, id: &str, at: i64) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(
        db,
        "UPDATE customers SET next_plan_at = MIN(COALESCE(next_plan_at, ?2), ?2), plan_urgent = plan_urgent + 1 WHERE id = ?1 AND changes() = 1",
        id,
        at
    )?)
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
    pub next_plan_at: i64,
    pub plan_urgent: i64,
}

/// The customers of one rank (domain::follow_up::rank) due a look at `now`, longest waiting
/// first: one range of customers_next_plan, in its order.
pub fn due_for_planning(db: &D1Database, rank: u8, now: i64, limit: u32) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(
        db,
        "SELECT c.id, c.segment, c.lifecycle, c.consent_contact, c.created_at, c.next_plan_at, c.plan_urgent,
           (SELECT MIN(cp.since) FROM customer_products cp WHERE cp.customer_id = c.id) AS first_product_at
         FROM customers c WHERE c.plan_rank = ?1 AND c.next_plan_at <= ?2 ORDER BY c.next_plan_at LIMIT ?3",
        rank,
        now,
        limit
    )?)
}

/// When the planner looks at customers next, as it decided: a JSON array of `{id, next,
/// urgent}`, `urgent` being the plan_urgent it read. A customer whose complaint closed since
/// (plan_urgent counted up) keeps their due look and rank, so the next round plans its follow-up.
pub fn set_next_plans(db: &D1Database, looks: &str) -> Result<D1PreparedStatement, ApiError> {
    // Primary key.
    Ok(query!(
        db,
        "UPDATE customers SET next_plan_at = r.value ->> 'next', plan_urgent = 0 FROM json_each(?1) AS r
         WHERE customers.id = r.value ->> 'id' AND customers.plan_urgent = r.value ->> 'urgent'",
        looks
    )?)
}

/// What stands in for a message's text once its customer's data is erased.
const ERASED_TEXT: &str = "（已删除）/ (erased)";

/// The statements that erase a customer's personal data at `now`, for one batch: first the
/// customer's own row — changed only while nothing holds it (no open case, no complaint closed
/// after `cutoff`: domain::privacy) — then, only if that happened, everything that names them:
/// their holdings, their cases' subjects, descriptions and timelines (kept as shells: kind,
/// channel, category, dates, SLA, outcome), their survey comments and free-text answers (scores
/// stay, so results stay), the messages about them, and their unanswered survey links.
/// `audit` goes second so its guard sees the customer's change.
pub fn erase(db: &D1Database, id: &str, now: i64, cutoff: i64, audit: D1PreparedStatement) -> Result<Vec<D1PreparedStatement>, ApiError> {
    // Each statement after the first runs only if the customer is now erased (primary key).
    const ERASED: &str = "EXISTS (SELECT 1 FROM customers WHERE id = ?1 AND erased_at IS NOT NULL)";
    Ok(vec![
        // cases_by_customer for both holds.
        query!(
            db,
            "UPDATE customers SET name = '', phone = NULL, phone_last4 = NULL, email = NULL, gender = NULL, birth_year = NULL,
               occupation = NULL, income_band = NULL, risk_tolerance = NULL, id_number = NULL, consent_contact = 0,
               next_plan_at = NULL, erased_at = ?2
             WHERE id = ?1 AND erased_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM cases WHERE customer_id = ?1 AND is_open = 1)
               AND NOT EXISTS (SELECT 1 FROM cases WHERE customer_id = ?1 AND kind = 'complaint' AND COALESCE(closed_at, resolved_at) > ?3)",
            id,
            now,
            cutoff
        )?,
        audit,
        // customer_products' primary key.
        query!(db, &format!("DELETE FROM customer_products WHERE customer_id = ?1 AND {ERASED}"), id)?,
        // cases_by_customer.
        query!(db, &format!("UPDATE cases SET subject = '', description = '', prevention = NULL WHERE customer_id = ?1 AND {ERASED}"), id)?,
        // case_events_by_case, for each of cases_by_customer's cases.
        query!(
            db,
            &format!("UPDATE case_events SET body = '' WHERE case_id IN (SELECT id FROM cases WHERE customer_id = ?1) AND body <> '' AND {ERASED}"),
            id
        )?,
        // survey_answers_by_customer.
        query!(
            db,
            &format!(
                "UPDATE survey_answers SET comment = NULL,
                   answers = (SELECT json_group_array(json_remove(a.value, '$.text')) FROM json_each(survey_answers.answers) AS a)
                 WHERE customer_id = ?1 AND {ERASED}"
            ),
            id
        )?,
        // Messages not yet sent are not sent at all (outbox_by_invitation, outbox_by_case) ...
        query!(
            db,
            &format!("DELETE FROM outbox WHERE invitation_id IN (SELECT id FROM survey_invitations WHERE customer_id = ?1) AND status = 'pending' AND {ERASED}"),
            id
        )?,
        query!(
            db,
            &format!("DELETE FROM outbox WHERE case_id IN (SELECT id FROM cases WHERE customer_id = ?1) AND status = 'pending' AND {ERASED}"),
            id
        )?,
        // ... and those sent keep their place (the bell, delivery counts) without their text.
        query!(
            db,
            &format!(
                "UPDATE outbox SET address = NULL, subject = ?2, body = ?2
                 WHERE invitation_id IN (SELECT id FROM survey_invitations WHERE customer_id = ?1) AND {ERASED}"
            ),
            id,
            ERASED_TEXT
        )?,
        query!(
            db,
            &format!("UPDATE outbox SET address = NULL, subject = ?2, body = ?2 WHERE case_id IN (SELECT id FROM cases WHERE customer_id = ?1) AND {ERASED}"),
            id,
            ERASED_TEXT
        )?,
        // appointments_by_customer: their messages not yet sent are not sent (outbox_by_appointment) ...
        query!(
            db,
            &format!("DELETE FROM outbox WHERE appointment_id IN (SELECT id FROM appointments WHERE customer_id = ?1) AND status = 'pending' AND {ERASED}"),
            id
        )?,
        // ... those sent keep their place without their text ...
        query!(
            db,
            &format!("UPDATE outbox SET address = NULL, subject = ?2, body = ?2 WHERE appointment_id IN (SELECT id FROM appointments WHERE customer_id = ?1) AND {ERASED}"),
            id,
            ERASED_TEXT
        )?,
        // ... and the appointments keep their place in the branches' history without the name
        // and contact details; one still to come is cancelled (no one could be checked in
        // against it), its place freed and its reminder dropped.
        query!(
            db,
            &format!(
                "UPDATE appointments SET name = '', phone = NULL, email = NULL, remind_at = NULL,
                   status = CASE WHEN status = 'booked' AND start_at > ?2 THEN 'cancelled' ELSE status END, updated_at = ?2, version = version + 1
                 WHERE customer_id = ?1 AND {ERASED}"
            ),
            id,
            now
        )?,
        // survey_invitations_by_customer: a link not yet answered stops working.
        query!(
            db,
            &format!("UPDATE survey_invitations SET expires_at = ?2 WHERE customer_id = ?1 AND answered_at IS NULL AND expires_at > ?2 AND {ERASED}"),
            id,
            now
        )?,
    ])
}

#[derive(Deserialize)]
struct HoldRow {
    erased_at: Option<i64>,
    open_cases: u32,
    last_complaint_closed: Option<i64>,
}

/// What decides whether a customer's data may be erased (cases_by_customer), for explaining a
/// refused erasure; `None` for an unknown customer.
pub async fn erasure_facts(db: &D1Database, id: &str) -> Result<Option<domain::privacy::ErasureFacts>, ApiError> {
    let row: Option<HoldRow> = query!(
        db,
        "SELECT c.erased_at,
           (SELECT COUNT(*) FROM cases WHERE customer_id = ?1 AND is_open = 1) AS open_cases,
           (SELECT MAX(COALESCE(closed_at, resolved_at)) FROM cases WHERE customer_id = ?1 AND kind = 'complaint' AND is_open = 0) AS last_complaint_closed
         FROM customers c WHERE c.id = ?1",
        id
    )?
    .first(None)
    .await?;
    Ok(row.map(|r| domain::privacy::ErasureFacts {
        erased: r.erased_at.is_some(),
        open_cases: r.open_cases,
        last_complaint_closed: r.last_complaint_closed.map(time),
    }))
}

#[derive(Deserialize)]
struct RecordRow {
    id: String,
    name: String,
    phone: Option<String>,
    email: Option<String>,
    id_number: Option<String>,
    gender: Option<String>,
    birth_year: Option<i64>,
    occupation: Option<String>,
    income_band: Option<String>,
    segment: String,
    lifecycle: String,
    risk_tolerance: Option<String>,
    consent_contact: i64,
    language: String,
    created_at: i64,
    left_at: Option<i64>,
    leave_reason: Option<String>,
    erased_at: Option<i64>,
}

#[derive(Deserialize)]
struct ExportCaseRow {
    id: String,
    seq: i64,
    kind: String,
    channel: String,
    category: String,
    status: String,
    subject: String,
    description: String,
    created_at: i64,
    resolved_at: Option<i64>,
    closed_at: Option<i64>,
}

#[derive(Deserialize)]
struct ExportEventRow {
    id: String,
    case_id: String,
    #[serde(rename = "type")]
    kind: String,
    body: String,
    created_at: i64,
}

#[derive(Deserialize)]
struct ExportSurveyRow {
    created_at: i64,
    csat: Option<u8>,
    nps: Option<u8>,
    comment: Option<String>,
    answers: String,
}

#[derive(Deserialize)]
struct ExportMessageRow {
    channel: String,
    address: Option<String>,
    subject: String,
    body: String,
    created_at: i64,
    sent_at: Option<i64>,
}

#[derive(Deserialize)]
struct ExportAppointmentRow {
    reference: String,
    branch_zh: String,
    branch_en: String,
    service_zh: String,
    service_en: String,
    start_at: i64,
    end_at: i64,
    status: String,
    name: String,
    phone: Option<String>,
    email: Option<String>,
    created_at: i64,
    checked_in_at: Option<i64>,
}

/// Everything Kefu holds about a customer, read in one batch with `audit` (so no export goes
/// unrecorded); `None` for an unknown customer.
pub async fn export(db: &D1Database, id: &str, now: i64, audit: D1PreparedStatement) -> Result<Option<domain::api::CustomerExport>, ApiError> {
    use domain::api::{CustomerExport, ExportedAppointment, ExportedCase, ExportedEvent, ExportedMessage, ExportedSurvey, PersonalRecord};
    use domain::questionnaire::Text;
    let results = db
        .batch(vec![
            audit,
            // Primary key.
            query!(
                db,
                "SELECT id, name, phone, email, id_number, gender, birth_year, occupation, income_band, segment, lifecycle,
                   risk_tolerance, consent_contact, language, created_at, left_at, leave_reason, erased_at
                 FROM customers WHERE id = ?1",
                id
            )?,
            holdings_statement(db, id)?,
            // cases_by_customer, then case_events_by_case for each (a customer's cases are few:
            // they are put in order below, not by a sort in the query).
            query!(
                db,
                "SELECT id, seq, kind, channel, category, status, subject, description, created_at, resolved_at, closed_at
                 FROM cases WHERE customer_id = ?1",
                id
            )?,
            query!(db, "SELECT e.id, e.case_id, e.type, e.body, e.created_at FROM cases c JOIN case_events e ON e.case_id = c.id WHERE c.customer_id = ?1", id)?,
            // survey_answers_by_customer.
            query!(db, "SELECT created_at, csat, nps, comment, answers FROM survey_answers WHERE customer_id = ?1 ORDER BY created_at", id)?,
            // survey_invitations_by_customer, then outbox_by_invitation (ordered below).
            query!(
                db,
                "SELECT o.channel, o.address, o.subject, o.body, o.created_at, o.sent_at
                 FROM survey_invitations i JOIN outbox o ON o.invitation_id = i.id WHERE i.customer_id = ?1",
                id
            )?,
            // appointments_by_customer (put in order below), then outbox_by_appointment.
            query!(
                db,
                "SELECT a.reference, b.name_zh AS branch_zh, b.name_en AS branch_en, s.name_zh AS service_zh, s.name_en AS service_en, a.start_at,
                   a.end_at, a.status, a.name, a.phone, a.email, a.created_at, a.checked_in_at
                 FROM appointments a JOIN branches b ON b.id = a.branch_id JOIN services s ON s.code = a.service WHERE a.customer_id = ?1",
                id
            )?,
            query!(
                db,
                "SELECT o.channel, o.address, o.subject, o.body, o.created_at, o.sent_at
                 FROM appointments a JOIN outbox o ON o.appointment_id = a.id WHERE a.customer_id = ?1",
                id
            )?,
        ])
        .await?;
    let part = |i: usize| results.get(i).ok_or(ApiError::Internal("export batch answered short".into()));
    let Some(r) = part(1)?.results::<RecordRow>()?.into_iter().next() else {
        return Ok(None);
    };
    let mut rows: Vec<ExportEventRow> = part(4)?.results()?;
    rows.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    let mut events: std::collections::HashMap<String, Vec<ExportedEvent>> = std::collections::HashMap::new();
    for e in rows {
        events.entry(e.case_id).or_default().push(ExportedEvent { kind: e.kind, body: e.body, created_at: time(e.created_at) });
    }
    let mut case_rows: Vec<ExportCaseRow> = part(3)?.results()?;
    case_rows.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    let cases = case_rows
        .into_iter()
        .map(|c| ExportedCase {
            events: events.remove(&c.id).unwrap_or_default(),
            reference: domain::case::reference(c.seq),
            kind: c.kind,
            channel: c.channel,
            category: c.category,
            status: c.status,
            subject: c.subject,
            description: c.description,
            created_at: time(c.created_at),
            resolved_at: c.resolved_at.map(time),
            closed_at: c.closed_at.map(time),
        })
        .collect();
    let surveys = part(5)?
        .results::<ExportSurveyRow>()?
        .into_iter()
        .map(|s| {
            let answers = serde_json::from_str(&s.answers).map_err(|_| ApiError::Internal("unreadable survey_answers.answers".into()))?;
            Ok(ExportedSurvey { answered_at: time(s.created_at), csat: s.csat, nps: s.nps, comment: s.comment, answers })
        })
        .collect::<Result<_, ApiError>>()?;
    let mut appointment_rows: Vec<ExportAppointmentRow> = part(7)?.results()?;
    appointment_rows.sort_by_key(|a| a.start_at);
    let appointments = appointment_rows
        .into_iter()
        .map(|a| ExportedAppointment {
            reference: a.reference,
            branch: Text { zh: a.branch_zh, en: a.branch_en },
            service: Text { zh: a.service_zh, en: a.service_en },
            start: time(a.start_at),
            end: time(a.end_at),
            status: a.status,
            name: a.name,
            phone: a.phone,
            email: a.email,
            booked_at: time(a.created_at),
            checked_in_at: a.checked_in_at.map(time),
        })
        .collect();
    let mut message_rows: Vec<ExportMessageRow> = part(6)?.results()?;
    message_rows.extend(part(8)?.results::<ExportMessageRow>()?);
    message_rows.sort_by_key(|m| m.created_at);
    let messages = message_rows
        .into_iter()
        .map(|m| ExportedMessage {
            channel: m.channel,
            address: m.address,
            subject: m.subject,
            body: m.body,
            created_at: time(m.created_at),
            sent_at: m.sent_at.map(time),
        })
        .collect();
    Ok(Some(CustomerExport {
        exported_at: time(now),
        customer: PersonalRecord {
            id: r.id,
            name: r.name,
            phone: r.phone,
            email: r.email,
            id_number: r.id_number,
            gender: r.gender,
            birth_year: r.birth_year,
            occupation: r.occupation,
            income_band: r.income_band,
            segment: r.segment,
            lifecycle: r.lifecycle,
            risk_tolerance: r.risk_tolerance,
            consent_contact: r.consent_contact != 0,
            language: r.language,
            created_at: time(r.created_at),
            left_at: r.left_at.map(time),
            leave_reason: r.leave_reason,
            erased_at: r.erased_at.map(time),
        },
        products: holdings_from(part(2)?)?,
        cases,
        surveys,
        appointments,
        messages,
    }))
}

//! Branches, the services booked at them, and appointments (0026_appointments.sql).

use domain::api::{Appointment, AppointmentStatus, Branch, BranchService, PublicAppointment};
use domain::questionnaire::Text;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use super::{parse, time};
use crate::db::query;
use crate::error::ApiError;

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
}

#[derive(Deserialize)]
struct OfferRow {
    branch_id: String,
    code: String,
    name_zh: String,
    name_en: String,
    minutes: i64,
    capacity: i64,
    bring_zh: String,
    bring_en: String,
}

/// The active branches with their active services, by id (branches, branch_services and
/// services are configuration: tens of rows).
pub async fn branches(db: &D1Database) -> Result<Vec<Branch>, ApiError> {
    let results = db
        .batch(vec![
            query!(db, "SELECT id, name_zh, name_en, address_zh, address_en, phone, opens, closes FROM branches WHERE active = 1 ORDER BY id LIMIT ?1", 500)?,
            query!(
                db,
                "SELECT o.branch_id, s.code, s.name_zh, s.name_en, s.minutes, s.capacity, s.bring_zh, s.bring_en
                 FROM branch_services o JOIN services s ON s.code = o.service WHERE s.active = 1 LIMIT ?1",
                5000
            )?,
        ])
        .await?;
    let rows: Vec<BranchRow> = results.first().map(|r| r.results()).transpose()?.unwrap_or_default();
    let offers: Vec<OfferRow> = results.get(1).map(|r| r.results()).transpose()?.unwrap_or_default();
    Ok(rows
        .into_iter()
        .map(|b| Branch {
            services: offers
                .iter()
                .filter(|o| o.branch_id == b.id)
                .map(|o| BranchService {
                    code: o.code.clone(),
                    name: Text::new(&o.name_zh, &o.name_en),
                    minutes: o.minutes,
                    capacity: o.capacity,
                    bring: Text::new(&o.bring_zh, &o.bring_en),
                })
                .collect(),
            id: b.id,
            name: Text { zh: b.name_zh, en: b.name_en },
            address: Text { zh: b.address_zh, en: b.address_en },
            phone: b.phone,
            opens: b.opens,
            closes: b.closes,
        })
        .collect())
}

#[derive(Deserialize)]
struct Taken {
    start_at: i64,
    n: i64,
}

/// How many places each slot of a service at a branch from `from` to `to` holds, by start
/// (appointments_by_slot, in its order).
pub async fn taken(db: &D1Database, branch: &str, service: &str, from: i64, to: i64) -> Result<Vec<(i64, i64)>, ApiError> {
    let rows: Vec<Taken> = query!(
        db,
        "SELECT start_at, COUNT(*) AS n FROM appointments
         WHERE branch_id = ?1 AND start_at >= ?2 AND start_at < ?3 AND service = ?4 AND status <> 'cancelled' GROUP BY start_at",
        branch,
        from,
        to,
        service
    )?
    .all()
    .await?
    .results()?;
    Ok(rows.into_iter().map(|t| (t.start_at, t.n)).collect())
}

/// A new appointment, as the insert writes it.
pub struct New<'a> {
    pub id: &'a str,
    pub reference: &'a str,
    pub token_hash: &'a str,
    pub branch_id: &'a str,
    pub service: &'a str,
    pub start: i64,
    pub end: i64,
    pub customer_id: Option<&'a str>,
    pub name: &'a str,
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub case_id: Option<&'a str>,
    pub booked_by: Option<&'a str>,
    pub remind_at: Option<i64>,
}

/// The SQL condition that the slot (?b, ?s, ?t) has a place left, leaving out appointment ?me
/// (appointments_by_slot; services by primary key). Checked inside the statement that takes the
/// place, so two bookings of the last place cannot both pass: D1 runs statements one at a time.
const HAS_ROOM: &str = "(SELECT COUNT(*) FROM appointments WHERE branch_id = ?b AND start_at = ?t AND service = ?s AND status <> 'cancelled' AND id <> ?me)
   < (SELECT capacity FROM services WHERE code = ?s)";

/// The insert of an appointment, only if its slot has a place left.
pub fn insert(db: &D1Database, a: &New, now: i64) -> Result<D1PreparedStatement, ApiError> {
    let room = HAS_ROOM.replace("?b", "?3").replace("?t", "?5").replace("?s", "?4").replace("?me", "?1");
    Ok(query!(
        db,
        format!(
            "INSERT INTO appointments (id, reference, token_hash, branch_id, service, start_at, end_at, status, customer_id, name, phone, email,
               case_id, booked_by, remind_at, created_at, updated_at, version)
             SELECT ?1, ?2, ?15, ?3, ?4, ?5, ?6, 'booked', ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, 1 WHERE {room}"
        ),
        a.id,
        a.reference,
        a.branch_id,
        a.service,
        a.start,
        a.end,
        a.customer_id,
        a.name,
        a.phone,
        a.email,
        a.case_id,
        a.booked_by,
        a.remind_at,
        now,
        a.token_hash
    )?)
}

/// The move of a booked appointment (not yet started) to another slot of its service and branch,
/// only if that slot has a place left.
pub fn reschedule(db: &D1Database, id: &str, start: i64, end: i64, remind_at: Option<i64>, now: i64) -> Result<D1PreparedStatement, ApiError> {
    let room = HAS_ROOM
        .replace("?b", "(SELECT branch_id FROM appointments WHERE id = ?1)")
        .replace("?s", "(SELECT service FROM appointments WHERE id = ?1)")
        .replace("?t", "?2")
        .replace("?me", "?1");
    Ok(query!(
        db,
        format!(
            "UPDATE appointments SET start_at = ?2, end_at = ?3, remind_at = ?4, updated_at = ?5, version = version + 1
             WHERE id = ?1 AND status = 'booked' AND start_at > ?5 AND {room}"
        ),
        id,
        start,
        end,
        remind_at,
        now
    )?)
}

/// The cancellation of a booked appointment that has not started.
pub fn cancel(db: &D1Database, id: &str, now: i64) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(
        db,
        "UPDATE appointments SET status = 'cancelled', remind_at = NULL, updated_at = ?2, version = version + 1 WHERE id = ?1 AND status = 'booked' AND start_at > ?2",
        id,
        now
    )?)
}

/// The check-in of a booked appointment still at `version`: the customer came and their ID
/// document was checked by `user`.
pub fn check_in(db: &D1Database, id: &str, version: i64, user: &str, now: i64) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(
        db,
        "UPDATE appointments SET status = 'checked_in', checked_in_at = ?3, checked_in_by = ?4, remind_at = NULL, updated_at = ?3, version = version + 1
         WHERE id = ?1 AND version = ?2 AND status = 'booked'",
        id,
        version,
        now,
        user
    )?)
}

/// Records that the customer of a booked appointment still at `version` did not come (once it
/// has started).
pub fn no_show(db: &D1Database, id: &str, version: i64, now: i64) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(
        db,
        "UPDATE appointments SET status = 'no_show', remind_at = NULL, updated_at = ?3, version = version + 1
         WHERE id = ?1 AND version = ?2 AND status = 'booked' AND start_at <= ?3",
        id,
        version,
        now
    )?)
}

const SELECT: &str = "SELECT a.id, a.reference, a.status, a.branch_id, b.name_zh AS branch_zh, b.name_en AS branch_en, b.address_zh, b.address_en,
    a.service, s.name_zh AS service_zh, s.name_en AS service_en, s.bring_zh, s.bring_en, a.start_at, a.end_at, a.customer_id, a.name, a.phone,
    a.email, a.case_id, a.checked_in_at, u.name AS checked_in_by, a.version
  FROM appointments a JOIN branches b ON b.id = a.branch_id JOIN services s ON s.code = a.service LEFT JOIN users u ON u.id = a.checked_in_by";

#[derive(Deserialize)]
struct Row {
    id: String,
    reference: String,
    status: String,
    branch_id: String,
    branch_zh: String,
    branch_en: String,
    address_zh: String,
    address_en: String,
    service: String,
    service_zh: String,
    service_en: String,
    bring_zh: String,
    bring_en: String,
    start_at: i64,
    end_at: i64,
    customer_id: Option<String>,
    name: String,
    phone: Option<String>,
    email: Option<String>,
    case_id: Option<String>,
    checked_in_at: Option<i64>,
    checked_in_by: Option<String>,
    version: i64,
}

/// An appointment with its contact details in full (for messages to the customer).
pub struct Stored {
    pub appointment: Appointment,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl TryFrom<Row> for Stored {
    type Error = ApiError;
    fn try_from(r: Row) -> Result<Self, ApiError> {
        let public = PublicAppointment {
            reference: r.reference,
            status: parse::<AppointmentStatus>("appointments.status", &r.status)?,
            branch_id: r.branch_id,
            branch: Text { zh: r.branch_zh, en: r.branch_en },
            address: Text { zh: r.address_zh, en: r.address_en },
            service: r.service,
            service_name: Text { zh: r.service_zh, en: r.service_en },
            bring: Text { zh: r.bring_zh, en: r.bring_en },
            start: time(r.start_at),
            end: time(r.end_at),
        };
        Ok(Stored {
            appointment: Appointment {
                id: r.id,
                public,
                customer_id: r.customer_id,
                name: r.name,
                phone: r.phone.as_deref().map(domain::customer::mask_phone),
                case_id: r.case_id,
                checked_in_at: r.checked_in_at.map(time),
                checked_in_by: r.checked_in_by,
                version: r.version,
            },
            phone: r.phone,
            email: r.email,
        })
    }
}

async fn one(db: &D1Database, condition: &str, value: &str) -> Result<Option<Stored>, ApiError> {
    let row: Option<Row> = query!(db, format!("{SELECT} WHERE {condition} = ?1"), value)?.first(None).await?;
    row.map(Stored::try_from).transpose()
}

pub async fn by_id(db: &D1Database, id: &str) -> Result<Option<Stored>, ApiError> {
    one(db, "a.id", id).await
}

/// The appointment a manage link opens (by the link's hash, unique).
pub async fn by_token_hash(db: &D1Database, hash: &str) -> Result<Option<Stored>, ApiError> {
    one(db, "a.token_hash", hash).await
}

/// The appointment a customer quotes at the counter (unique).
pub async fn by_reference(db: &D1Database, reference: &str) -> Result<Option<Stored>, ApiError> {
    one(db, "a.reference", reference).await
}

/// A branch's appointments from `from` to `to` that hold a place, in time order
/// (appointments_by_slot).
pub async fn day(db: &D1Database, branch: &str, from: i64, to: i64) -> Result<Vec<Appointment>, ApiError> {
    let rows: Vec<Row> = query!(
        db,
        format!("{SELECT} WHERE a.branch_id = ?1 AND a.start_at >= ?2 AND a.start_at < ?3 AND a.status <> 'cancelled' ORDER BY a.start_at LIMIT 1000"),
        branch,
        from,
        to
    )?
    .all()
    .await?
    .results()?;
    rows.into_iter().map(|r| Stored::try_from(r).map(|s| s.appointment)).collect()
}

/// A customer's appointments (appointments_by_customer), in no particular order.
pub async fn of_customer(db: &D1Database, customer: &str) -> Result<Vec<Appointment>, ApiError> {
    let rows: Vec<Row> = query!(db, format!("{SELECT} WHERE a.customer_id = ?1 LIMIT 500"), customer)?.all().await?.results()?;
    rows.into_iter().map(|r| Stored::try_from(r).map(|s| s.appointment)).collect()
}

/// Booked appointments whose reminder is due, oldest first (appointments_to_remind), with
/// what the reminder says.
pub async fn due_reminders(db: &D1Database, now: i64, limit: u32) -> Result<Vec<Stored>, ApiError> {
    let rows: Vec<Row> = query!(db, format!("{SELECT} WHERE a.remind_at IS NOT NULL AND a.remind_at <= ?1 ORDER BY a.remind_at LIMIT ?2"), now, limit)?
        .all()
        .await?
        .results()?;
    rows.into_iter().map(Stored::try_from).collect()
}

/// Takes an appointment's due reminder for this run: empties its reminder time if it is still
/// set and the appointment still booked. Changed a row when taken; an overlapping run finds it
/// empty and leaves it.
pub fn take_reminder(db: &D1Database, id: &str) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(db, "UPDATE appointments SET remind_at = NULL WHERE id = ?1 AND remind_at IS NOT NULL AND status = 'booked'", id)?)
}

/// A message to the customer of an appointment, through the outbox (delivered by the
/// five-minute cron), written only if the statement before it changed a row.
pub struct Message<'a> {
    pub id: &'a str,
    pub appointment_id: &'a str,
    pub dedupe_key: &'a str,
    pub channel: &'static str,
    pub address: &'a str,
    pub kind: &'static str,
    pub subject: &'a str,
    pub body: &'a str,
}

pub fn insert_message(db: &D1Database, m: &Message, now: i64) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(
        db,
        "INSERT INTO outbox (id, dedupe_key, channel, address, kind, subject, body, status, attempts, next_attempt_at, created_at, appointment_id)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', 0, ?8, ?8, ?9 WHERE changes() = 1",
        m.id,
        m.dedupe_key,
        m.channel,
        m.address,
        m.kind,
        m.subject,
        m.body,
        now,
        m.appointment_id
    )?)
}

//! Cases: the insert of a new one, the queue's keyset-paginated lists, and version-guarded updates.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use domain::api::{AssigneeFilter, Case, CaseFilter, ComplaintRecord, CsatFilter, DateField, Met, Page, RootCauseFilter, SlaFilter, StatusFilter, COUNT_CAP};
use domain::export::ExportCase;
use domain::stats::day_span;
use domain::sla::{Pause, PauseReason};
use domain::case::reference;
use domain::sla::CaseDeadlines;
use domain::{CaseKind, Channel, Complexity, Segment, Status, Step};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use crate::db::query;
use super::{parse, time};
use crate::error::ApiError;

const COLUMNS: &str = "SELECT c.id, c.seq, c.kind, c.channel, c.category, c.complexity, c.status,
  c.customer_id, cu.name AS customer_name, cu.segment AS customer_segment, c.assignee_id, u.name AS assignee_name, c.subject,
  c.created_at, c.first_response_due_at, c.first_responded_at, c.resolution_due_at, c.resolved_at,
  c.sla_due_at, c.sla_due_soon_at, c.step, c.step_due_at, c.regulatory_due_at, c.sensitive, c.identity, c.version";
const JOINS: &str = "JOIN customers cu ON cu.id = c.customer_id LEFT JOIN users u ON u.id = c.assignee_id";

#[derive(Deserialize)]
struct CaseRow {
    id: String,
    seq: i64,
    kind: String,
    channel: String,
    category: String,
    complexity: String,
    status: String,
    customer_id: String,
    customer_name: String,
    customer_segment: String,
    assignee_id: Option<String>,
    assignee_name: Option<String>,
    subject: String,
    created_at: i64,
    first_response_due_at: i64,
    first_responded_at: Option<i64>,
    resolution_due_at: i64,
    resolved_at: Option<i64>,
    sla_due_at: i64,
    sla_due_soon_at: i64,
    step: Option<String>,
    step_due_at: Option<i64>,
    regulatory_due_at: Option<i64>,
    sensitive: i64,
    identity: String,
    version: i64,
    /// The list order's key (`sort_key` of [`page_rows`]); absent where one case is read.
    #[serde(default)]
    sort_key: i64,
}

impl CaseRow {
    fn into_case(self, now: DateTime<Utc>) -> Result<(Case, Segment), ApiError> {
        let segment = parse("customers.segment", &self.customer_segment)?;
        let mut case = Case {
            reference: reference(self.seq),
            kind: parse("cases.kind", &self.kind)?,
            channel: parse("cases.channel", &self.channel)?,
            complexity: parse("cases.complexity", &self.complexity)?,
            status: parse("cases.status", &self.status)?,
            step: self.step.as_deref().map(|s| parse("cases.step", s)).transpose()?,
            created_at: time(self.created_at),
            first_response_due_at: time(self.first_response_due_at),
            first_responded_at: self.first_responded_at.map(time),
            resolution_due_at: time(self.resolution_due_at),
            resolved_at: self.resolved_at.map(time),
            // Replaced below by the state the deadlines give at `now`.
            sla_state: domain::SlaState::OnTrack,
            sla_due_at: time(self.sla_due_at),
            sla_due_soon_at: time(self.sla_due_soon_at),
            step_due_at: self.step_due_at.map(time),
            regulatory_due_at: self.regulatory_due_at.map(time),
            sensitive: self.sensitive != 0,
            identity: parse("cases.identity", &self.identity)?,
            id: self.id,
            category: self.category,
            customer_id: self.customer_id,
            customer_name: self.customer_name,
            assignee_id: self.assignee_id,
            assignee_name: self.assignee_name,
            subject: self.subject,
            version: self.version,
        };
        case.sla_state = case.deadlines().state(now);
        Ok((case, segment))
    }
}

/// Everything stored about a case when it is received.
pub struct NewCaseRecord<'a> {
    pub id: &'a str,
    pub kind: CaseKind,
    pub channel: Channel,
    pub category: &'a str,
    pub complexity: Complexity,
    pub status: Status,
    pub customer_id: &'a str,
    pub assignee_id: Option<&'a str>,
    pub subject: &'a str,
    pub description: &'a str,
    pub created_by: Option<&'a str>,
    pub created_at: DateTime<Utc>,
    pub deadlines: CaseDeadlines,
    pub step: Option<(Step, DateTime<Utc>)>,
    pub regulatory_due_at: Option<DateTime<Utc>>,
    pub sensitive: bool,
    /// For a planned follow-up: its unique key.
    pub follow_up_key: Option<&'a str>,
}

/// The clock-derived columns the queue sorts and filters on.
fn queue_columns(d: &CaseDeadlines) -> (i64, i64) {
    (d.current_due.timestamp_millis(), d.current_due_soon_at.timestamp_millis())
}

/// The insert of a new case: [`insert_all`] of one.
pub fn insert(db: &D1Database, c: &NewCaseRecord) -> Result<D1PreparedStatement, ApiError> {
    insert_all(db, std::slice::from_ref(c))
}

/// The insert of new cases, one statement over a JSON array of their rows (`json_each`). Their
/// sequence numbers follow the highest, in the array's order (MAX alone in its subquery, so the
/// UNIQUE index on seq makes it one lookup, not a walk of the index; SQLite reads it once); D1
/// runs writes one at a time, so two never collide. A follow-up whose key is taken is not
/// inserted. Its routing weight feeds its agent's load (triggers in 0014_scale.sql).
pub fn insert_all(db: &D1Database, records: &[NewCaseRecord]) -> Result<D1PreparedStatement, ApiError> {
    let ms = |t: DateTime<Utc>| t.timestamp_millis();
    let rows: Vec<serde_json::Value> = records
        .iter()
        .map(|c| {
            let (sla_due_at, sla_due_soon_at) = queue_columns(&c.deadlines);
            serde_json::json!({
                "id": c.id,
                "kind": c.kind.as_str(),
                "channel": c.channel.as_str(),
                "category": c.category,
                "complexity": c.complexity.as_str(),
                "status": c.status.as_str(),
                "customer_id": c.customer_id,
                "assignee_id": c.assignee_id,
                "subject": c.subject,
                "description": c.description,
                "created_by": c.created_by,
                "created_at": ms(c.created_at),
                "first_response_due_at": ms(c.deadlines.first_response_due),
                "resolution_due_at": ms(c.deadlines.resolution_due),
                "is_open": i64::from(c.status.is_open()),
                "sla_due_at": sla_due_at,
                "sla_due_soon_at": sla_due_soon_at,
                "step": c.step.map(|(s, _)| s.as_str()),
                "step_due_at": c.step.map(|(_, due)| ms(due)),
                "regulatory_due_at": c.regulatory_due_at.map(ms),
                "sensitive": i64::from(c.sensitive),
                "follow_up_key": c.follow_up_key,
                "load_weight": domain::routing::weight(c.kind == CaseKind::Complaint, c.complexity == Complexity::Complex),
            })
        })
        .collect();
    let rows = serde_json::to_string(&rows).map_err(|e| ApiError::Internal(format!("encode cases: {e}")))?;
    Ok(query!(
        db,
        "INSERT INTO cases (id, seq, kind, channel, category, complexity, status, customer_id,
           assignee_id, subject, description, created_by, created_at, updated_at,
           first_response_due_at, resolution_due_at, is_open, sla_due_at, sla_due_soon_at,
           step, step_due_at, regulatory_due_at, sensitive, next_check_at, follow_up_key, version, load_weight)
         SELECT r.value ->> 'id', (SELECT COALESCE(MAX(seq), 0) FROM cases) + ROW_NUMBER() OVER (ORDER BY r.key),
           r.value ->> 'kind', r.value ->> 'channel', r.value ->> 'category', r.value ->> 'complexity', r.value ->> 'status',
           r.value ->> 'customer_id', r.value ->> 'assignee_id', r.value ->> 'subject', r.value ->> 'description',
           r.value ->> 'created_by', r.value ->> 'created_at', r.value ->> 'created_at',
           r.value ->> 'first_response_due_at', r.value ->> 'resolution_due_at', r.value ->> 'is_open',
           r.value ->> 'sla_due_at', r.value ->> 'sla_due_soon_at', r.value ->> 'step', r.value ->> 'step_due_at',
           r.value ->> 'regulatory_due_at', r.value ->> 'sensitive', r.value ->> 'created_at', r.value ->> 'follow_up_key', 1,
           r.value ->> 'load_weight'
         FROM json_each(?1) AS r
         WHERE r.value ->> 'follow_up_key' IS NULL OR NOT EXISTS (SELECT 1 FROM cases WHERE follow_up_key = r.value ->> 'follow_up_key')",
        rows
    )?)
}

/// Records how identity was verified, if the case is still at `version`.
pub fn set_identity(db: &D1Database, id: &str, version: i64, identity: domain::Identity, now: i64) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(
        db,
        "UPDATE cases SET identity = ?1, updated_at = ?2, version = version + 1 WHERE id = ?3 AND version = ?4",
        identity.as_str(),
        now,
        id,
        version
    )?)
}

/// The columns only a case's own page and the complaint register need: its description and its
/// complaint record.
#[derive(Deserialize)]
struct DetailRow {
    id: String,
    description: String,
    step_started_at: Option<i64>,
    paused: i64,
    extension: String,
    outcome: Option<String>,
    root_cause: Option<String>,
    prevention: Option<String>,
    redress_type: Option<String>,
    redress_amount: Option<i64>,
    customer_informed: i64,
    customer_opinion: Option<String>,
    closed_at: Option<i64>,
    merged_into: Option<String>,
}

const DETAIL: &str = "SELECT id, description, step_started_at, paused, extension, outcome, root_cause, prevention,
  redress_type, redress_amount, customer_informed, customer_opinion, closed_at, merged_into FROM cases";

#[derive(Deserialize)]
struct PauseRow {
    case_id: String,
    from_at: i64,
    to_at: Option<i64>,
    reason: String,
}

/// A case with everything its page shows.
pub struct Loaded {
    pub case: Case,
    pub segment: Segment,
    pub description: String,
    pub record: ComplaintRecord,
}

/// The two statements that read the description and complaint record of the cases in `list`
/// (a JSON array of ids): primary keys of cases and case_pauses.
fn record_statements(db: &D1Database, list: &str) -> Result<[D1PreparedStatement; 2], ApiError> {
    let sql = format!("{DETAIL} WHERE id IN (SELECT value FROM json_each(?1))");
    Ok([
        query!(db, &sql, list)?,
        query!(
            db,
            "SELECT case_id, from_at, to_at, reason FROM case_pauses WHERE case_id IN (SELECT value FROM json_each(?1)) ORDER BY case_id, from_at",
            list
        )?,
    ])
}

/// Each case's (id, description, complaint record) from the results of [`record_statements`].
fn records_from(details: &worker::D1Result, pauses: &worker::D1Result) -> Result<Vec<(String, String, ComplaintRecord)>, ApiError> {
    let details: Vec<DetailRow> = details.results()?;
    let pauses: Vec<PauseRow> = pauses.results()?;
    details
        .into_iter()
        .map(|d| {
            let record = ComplaintRecord {
                paused: d.paused != 0,
                pauses: pauses
                    .iter()
                    .filter(|p| p.case_id == d.id)
                    .map(|p| Ok(Pause { from: time(p.from_at), to: p.to_at.map(time), reason: parse_pause(&p.reason)? }))
                    .collect::<Result<_, ApiError>>()?,
                extension: parse("cases.extension", &d.extension)?,
                outcome: opt("cases.outcome", &d.outcome)?,
                root_cause: d.root_cause,
                prevention: d.prevention,
                redress_type: opt("cases.redress_type", &d.redress_type)?,
                redress_amount: d.redress_amount,
                customer_informed: d.customer_informed != 0,
                customer_opinion: opt("cases.customer_opinion", &d.customer_opinion)?,
                closed_at: d.closed_at.map(time),
                merged_into: d.merged_into,
                step_started_at: d.step_started_at.map(time),
            };
            Ok((d.id, d.description, record))
        })
        .collect()
}

/// The description and complaint record of each case in `ids`, in one round trip.
async fn records(db: &D1Database, ids: &[&str]) -> Result<Vec<(String, String, ComplaintRecord)>, ApiError> {
    let list = serde_json::to_string(ids).map_err(|e| ApiError::Internal(format!("encode ids: {e}")))?;
    let results = db.batch(record_statements(db, &list)?.into()).await?;
    match results.as_slice() {
        [details, pauses] => records_from(details, pauses),
        _ => Err(ApiError::Internal("a batch of two answered otherwise".into())),
    }
}

/// A case with everything its page shows, in one round trip.
pub async fn get(db: &D1Database, id: &str, now: DateTime<Utc>) -> Result<Option<Loaded>, ApiError> {
    Ok(fetch(db, id, now, false).await?.map(|(loaded, _)| loaded))
}

/// A case with everything its page shows and its timeline, in one round trip.
pub async fn page(db: &D1Database, id: &str, now: DateTime<Utc>) -> Result<Option<(Loaded, Vec<domain::api::CaseEvent>)>, ApiError> {
    fetch(db, id, now, true).await
}

/// The case row, its record and (with `timeline`) its events as one D1 batch: one round trip
/// instead of one per statement.
async fn fetch(db: &D1Database, id: &str, now: DateTime<Utc>, timeline: bool) -> Result<Option<(Loaded, Vec<domain::api::CaseEvent>)>, ApiError> {
    let results = db.batch(page_statements(db, id, timeline)?).await?;
    page_from(&results, now)
}

/// The statements of a case's page: its row, its record and (with `timeline`) its events. A
/// caller may batch them after its writes to read the page in the same round trip.
pub fn page_statements(db: &D1Database, id: &str, timeline: bool) -> Result<Vec<D1PreparedStatement>, ApiError> {
    let list = serde_json::to_string(&[id]).map_err(|e| ApiError::Internal(format!("encode ids: {e}")))?;
    let sql = format!("{COLUMNS} FROM cases c {JOINS} WHERE c.id = ?1");
    let mut statements = vec![query!(db, &sql, id)?];
    statements.extend(record_statements(db, &list)?);
    if timeline {
        statements.push(super::events::timeline(db, id)?);
    }
    Ok(statements)
}

/// The case of [`page_statements`]' results (the events empty without the timeline), if there
/// is one.
pub fn page_from(results: &[worker::D1Result], now: DateTime<Utc>) -> Result<Option<(Loaded, Vec<domain::api::CaseEvent>)>, ApiError> {
    let (Some(row), Some(details), Some(pauses)) = (results.first(), results.get(1), results.get(2)) else {
        return Err(ApiError::Internal("a case batch answered short".into()));
    };
    let Some(row) = row.results::<CaseRow>()?.into_iter().next() else {
        return Ok(None);
    };
    let (_, description, record) = records_from(details, pauses)?.into_iter().next().ok_or(ApiError::NotFound)?;
    let events = match results.get(3) {
        Some(events) => super::events::timeline_from(events)?,
        None => Vec::new(),
    };
    let (case, segment) = row.into_case(now)?;
    Ok(Some((Loaded { case, segment, description, record }, events)))
}

/// The complaint register: complaints newest first, keyset-paginated on (created_at, id) over
/// cases_by_kind_created; the received-date range narrows that index's range, the other
/// filters are checked on its rows.
pub async fn complaint_register(
    db: &D1Database,
    filter: &domain::api::ComplaintFilter,
    cursor: Option<&str>,
    limit: u32,
    now: DateTime<Utc>,
) -> Result<Page<domain::api::ComplaintEntry>, ApiError> {
    let mut sql = format!("{COLUMNS} FROM cases c {JOINS} WHERE c.kind = 'complaint'");
    let mut args: Vec<JsValue> = Vec::new();
    let mut arg = |sql: &mut String, clause: &str, value: JsValue| {
        args.push(value);
        sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
    };
    let ms = |t: DateTime<Utc>| JsValue::from_f64(t.timestamp_millis() as f64);
    if let Some(open) = filter.open {
        arg(&mut sql, " AND c.is_open = ?", JsValue::from(i32::from(open)));
    }
    if let Some(category) = &filter.category {
        arg(&mut sql, " AND c.category = ?", category.as_str().into());
    }
    if let Some(outcome) = filter.outcome {
        arg(&mut sql, " AND c.outcome = ?", outcome.as_str().into());
    }
    if let Some(from) = filter.from {
        arg(&mut sql, " AND c.created_at >= ?", ms(from));
    }
    if let Some(to) = filter.to {
        arg(&mut sql, " AND c.created_at < ?", ms(to));
    }
    if let Some(cursor) = cursor {
        let (at, id) = decode_cursor(cursor)?;
        arg(&mut sql, " AND (c.created_at, c.id) < (?", JsValue::from_f64(at as f64));
        arg(&mut sql, ", ?)", id.into());
    }
    arg(&mut sql, " ORDER BY c.created_at DESC, c.id DESC LIMIT ?", JsValue::from(limit + 1));
    let rows: Vec<CaseRow> = crate::db::prepare(db, sql, &args)?.all().await?.results()?;
    let more = rows.len() > limit as usize;
    let cases = rows.into_iter().take(limit as usize).map(|r| r.into_case(now).map(|(c, _)| c)).collect::<Result<Vec<_>, _>>()?;
    let ids: Vec<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    let mut found = records(db, &ids).await?;
    let items = cases
        .into_iter()
        .map(|case| {
            let at = found.iter().position(|(id, _, _)| *id == case.id).ok_or(ApiError::Internal("complaint record missing".into()))?;
            Ok(domain::api::ComplaintEntry { complaint: found.swap_remove(at).2, case })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let next_cursor = if more { items.last().map(|e| encode_cursor(e.case.created_at.timestamp_millis(), &e.case.id)) } else { None };
    Ok(Page { items, next_cursor })
}

fn opt<T: std::str::FromStr>(column: &str, v: &Option<String>) -> Result<Option<T>, ApiError> {
    v.as_deref().map(|x| parse(column, x)).transpose()
}

fn parse_pause(text: &str) -> Result<PauseReason, ApiError> {
    match text {
        "waiting_on_customer" => Ok(PauseReason::WaitingOnCustomer),
        "external_appraisal" => Ok(PauseReason::ExternalAppraisal),
        _ => Err(ApiError::Internal("unknown value in column case_pauses.reason".into())),
    }
}

pub fn pause_text(reason: PauseReason) -> &'static str {
    match reason {
        PauseReason::WaitingOnCustomer => "waiting_on_customer",
        PauseReason::ExternalAppraisal => "external_appraisal",
    }
}

/// Everything a complaint move may change, written at once under the version guard.
pub struct ComplaintUpdate<'a> {
    pub id: &'a str,
    pub version: i64,
    pub status: Status,
    pub deadlines: CaseDeadlines,
    pub step: Option<Step>,
    pub step_started_at: Option<DateTime<Utc>>,
    pub step_due_at: Option<DateTime<Utc>>,
    pub regulatory_due_at: Option<DateTime<Utc>>,
    pub record: &'a ComplaintRecord,
    pub now: DateTime<Utc>,
}

/// Keeps the step a complaint has just left (0018) for the dashboard's step figures: written
/// only if the statement before it in the batch (the move's event, itself written only with
/// the move) was.
pub fn step_left(db: &D1Database, id: &str, step: Step, started: DateTime<Utc>, due: Option<DateTime<Utc>>, ended: DateTime<Utc>) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(
        db,
        "INSERT OR IGNORE INTO complaint_steps (case_id, step, started_at, due_at, ended_at) SELECT ?1, ?2, ?3, ?4, ?5 WHERE changes() = 1",
        id,
        step.as_str(),
        started.timestamp_millis(),
        due.map(|d| d.timestamp_millis()),
        ended.timestamp_millis()
    )?)
}

pub fn update_complaint(db: &D1Database, u: &ComplaintUpdate) -> Result<D1PreparedStatement, ApiError> {
    let (sla_due_at, sla_due_soon_at) = queue_columns(&u.deadlines);
    let ms = |t: Option<DateTime<Utc>>| t.map(|t| t.timestamp_millis());
    let r = u.record;
    Ok(query!(
        db,
        "UPDATE cases SET status = ?1, is_open = ?2, first_responded_at = ?3, resolution_due_at = ?4, resolved_at = ?5,
           sla_due_at = ?6, sla_due_soon_at = ?7, step = ?8, step_started_at = ?9, step_due_at = ?10,
           regulatory_due_at = ?11, paused = ?12, extension = ?13, outcome = ?14, root_cause = ?15,
           prevention = ?16, redress_type = ?17, redress_amount = ?18, customer_informed = ?19,
           customer_opinion = ?20, closed_at = ?21, merged_into = ?22, updated_at = ?23, next_check_at = ?23,
           version = version + 1
         WHERE id = ?24 AND version = ?25",
        u.status.as_str(),
        i64::from(u.status.is_open()),
        ms(u.deadlines.first_responded_at),
        u.deadlines.resolution_due.timestamp_millis(),
        ms(u.deadlines.resolved_at),
        sla_due_at,
        sla_due_soon_at,
        u.step.map(|s| s.as_str()),
        ms(u.step_started_at),
        ms(u.step_due_at),
        ms(u.regulatory_due_at),
        i64::from(r.paused),
        r.extension.as_str(),
        r.outcome.map(|o| o.as_str()),
        r.root_cause.as_deref(),
        r.prevention.as_deref(),
        r.redress_type.map(|x| x.as_str()),
        r.redress_amount,
        i64::from(r.customer_informed),
        r.customer_opinion.map(|o| o.as_str()),
        ms(r.closed_at),
        r.merged_into.as_deref(),
        u.now.timestamp_millis(),
        u.id,
        u.version
    )?)
}

/// Opens a pause, if the statement before it in the batch changed a row.
pub fn open_pause(db: &D1Database, case_id: &str, at: i64, reason: PauseReason) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(
        db,
        "INSERT INTO case_pauses (case_id, from_at, to_at, reason) SELECT ?1, ?2, NULL, ?3 WHERE changes() = 1",
        case_id,
        at,
        pause_text(reason)
    )?)
}

/// Closes the open pause, if the statement before it in the batch changed a row.
pub fn close_pause(db: &D1Database, case_id: &str, at: i64) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(
        db,
        "UPDATE case_pauses SET to_at = ?2 WHERE case_id = ?1 AND to_at IS NULL AND changes() = 1",
        case_id,
        at
    )?)
}

/// What a queue filter reads: one or two parts, each a range of one index with conditions
/// (after `WHERE 1 = 1`), and the arguments they share.
///
/// Each filter is served by one of the cases_*_by_due indexes (0001, 0007 and 0014): an
/// equality prefix (assignee_id / kind / status / channel / category, is_open) followed by
/// (sla_due_at, id). "My team" and a team by id scan the members' assignee ranges (users_by_team).
///
/// "Due soon" (the warning instant passed, the deadline not) is two parts (0015_due_soon.sql),
/// both checking both instants so the answer is exact: the cases the sweep found warned, in
/// deadline order from now on (cases_warned_by_due), and those whose warning came since the
/// sweep last looked (cases_warning_unswept, a few minutes' worth, sorted). Both name their
/// index: the planner would otherwise walk every future deadline to avoid that small sort.
///
/// A drill-down range (`date=`) names the index of its date instead (cases_by_created and the
/// others of 0017_drill_down.sql, each (date, id)), and the list is in that date's order: the
/// range bounds what it reads, the other conditions filter within it. Complaint steps' deadlines
/// are two parts: the steps complaints have left (complaint_steps_by_due) and their current
/// ones (cases_by_step_due), both (deadline, case id) since 0022.
struct Selection {
    parts: Vec<Part>,
    args: Vec<JsValue>,
}

/// One range of one index, and what filters within it.
struct Part {
    /// After FROM: `cases c` with the index it names, or a table joined to it.
    from: String,
    /// The conditions, after `WHERE 1 = 1`.
    clause: String,
    /// The column the list is ordered (and its cursor keyed) by, before the case's id.
    order: &'static str,
    /// The case's id as the index holds it after `order` (c.id, or the joined table's), so the
    /// index's order is the list's with no sort.
    id: &'static str,
}

impl Part {
    fn cases(index: &str, clause: String, order: &'static str) -> Part {
        Part { from: format!("cases c{index}"), clause, order, id: "c.id" }
    }
}

/// In the text [`Selection::compound`] is given: each part's order column, and its case id.
const ORDER: &str = "{order}";
const ORDER_ID: &str = "{order_id}";

/// The column of a drill-down date, the index that serves it, and how its clock is met.
fn date_column(field: DateField) -> (&'static str, &'static str, Option<&'static str>) {
    match field {
        DateField::Received => ("c.created_at", " INDEXED BY cases_by_created", None),
        DateField::FirstResponseDue => ("c.first_response_due_at", " INDEXED BY cases_by_first_response_due", Some("c.first_responded_at")),
        // As domain::stats::tally_day meets it: a follow-up by closing, others by resolving.
        DateField::ResolutionDue => (
            "c.resolution_due_at",
            " INDEXED BY cases_by_resolution_due",
            Some("(CASE WHEN c.kind = 'follow_up' THEN COALESCE(c.closed_at, c.resolved_at) ELSE COALESCE(c.resolved_at, c.closed_at) END)"),
        ),
        DateField::RegulatoryDue => ("c.regulatory_due_at", " INDEXED BY cases_by_regulatory_due", Some("c.closed_at")),
        DateField::ComplaintClosed => ("c.closed_at", " INDEXED BY cases_by_kind_closed", None),
        DateField::Answered => ("c.answered_at", " INDEXED BY cases_by_answered", None),
        // The complaint's current step: met by nothing yet (a step is met by being left).
        DateField::StepDue => ("c.step_due_at", " INDEXED BY cases_by_step_due", None),
    }
}

impl Selection {
    /// `zone` is the institution's, which a drill-down range's local days need; `members` the
    /// team's, when the list reads them one by one (see [`by_members`]).
    fn of(filter: &CaseFilter, user_id: &str, now: DateTime<Utc>, zone: Option<Tz>, members: Option<&[String]>) -> Result<Selection, ApiError> {
        let mut sql = String::new();
        let mut args: Vec<JsValue> = Vec::new();
        let mut arg = |sql: &mut String, clause: &str, value: JsValue| {
            args.push(value);
            sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
        };
        match &filter.assignee {
            Some(AssigneeFilter::Me) => arg(&mut sql, " AND c.assignee_id = ?", user_id.into()),
            Some(AssigneeFilter::User(id)) => arg(&mut sql, " AND c.assignee_id = ?", id.as_str().into()),
            Some(AssigneeFilter::Nobody) => sql.push_str(" AND c.assignee_id IS NULL"),
            None => {}
        }
        if filter.my_team && members.is_none() {
            arg(
                &mut sql,
                " AND c.assignee_id IN (SELECT m.id FROM users m WHERE m.team_id = (SELECT u.team_id FROM users u WHERE u.id = ?))",
                user_id.into(),
            );
        }
        if let Some(team) = filter.team_id.as_ref().filter(|_| members.is_none()) {
            arg(&mut sql, " AND c.assignee_id IN (SELECT m.id FROM users m WHERE m.team_id = ?)", team.as_str().into());
        }
        if let Some(kind) = filter.kind {
            arg(&mut sql, " AND c.kind = ?", kind.as_str().into());
        }
        if let Some(channel) = filter.channel {
            arg(&mut sql, " AND c.channel = ?", channel.as_str().into());
        }
        if let Some(category) = &filter.category {
            arg(&mut sql, " AND c.category = ?", category.as_str().into());
        }
        match filter.status {
            Some(StatusFilter::Open) => sql.push_str(" AND c.is_open = 1"),
            Some(StatusFilter::Is(s)) => arg(&mut sql, " AND c.status = ?", s.as_str().into()),
            None => {}
        }
        if let Some(customer) = &filter.customer_id {
            arg(&mut sql, " AND c.customer_id = ?", customer.as_str().into());
        }
        // The follow-up figures' drill-down: each case's follow-up by its primary key, its
        // product's by products' (a filter on the rows the date's index selects).
        if let Some(reason) = filter.reason {
            arg(&mut sql, " AND EXISTS (SELECT 1 FROM follow_ups f WHERE f.case_id = c.id AND f.reason = ?)", reason.as_str().into());
        }
        if let Some(kind) = &filter.product_kind {
            arg(
                &mut sql,
                " AND EXISTS (SELECT 1 FROM follow_ups f JOIN products pr ON pr.code = f.product_code WHERE f.case_id = c.id AND pr.kind = ?)",
                kind.as_str().into(),
            );
        }
        if filter.mismatch {
            sql.push_str(" AND EXISTS (SELECT 1 FROM follow_ups f WHERE f.case_id = c.id AND f.mismatch = 1)");
        }
        let now_ms = JsValue::from_f64(now.timestamp_millis() as f64);
        if let Some(range) = filter.date {
            let zone = zone.ok_or_else(|| ApiError::Internal("a date range without the institution's zone".into()))?;
            let (column, index, met_at) = date_column(range.field);
            let (start, end) = (day_span(range.from, zone).0, day_span(range.to, zone).1);
            let ms = |t: DateTime<Utc>| JsValue::from_f64(t.timestamp_millis() as f64);
            sql.push_str(" AND c.merged_into IS NULL");
            if range.field == DateField::StepDue {
                return Ok(Selection::steps(sql, args, (ms(start), ms(end)), filter, now_ms));
            }
            arg(&mut sql, &format!(" AND {column} >= ?"), ms(start));
            arg(&mut sql, &format!(" AND {column} < ?"), ms(end));
            if range.field == DateField::ComplaintClosed {
                sql.push_str(" AND c.kind = 'complaint'");
            }
            match (filter.met, met_at) {
                (Some(Met::OnTime), Some(met)) => sql.push_str(&format!(" AND {met} <= {column}")),
                (Some(Met::Late), Some(met)) => arg(&mut sql, &format!(" AND ({met} > {column} OR ({met} IS NULL AND {column} <= ?))"), now_ms),
                _ => {}
            }
            match &filter.root_cause {
                Some(RootCauseFilter::Is(cause)) => arg(&mut sql, " AND c.root_cause = ?", cause.as_str().into()),
                Some(RootCauseFilter::NotRecorded) => sql.push_str(" AND c.root_cause IS NULL"),
                None => {}
            }
            // As domain::metrics rates a CSAT score (1–5): 4 and 5 are satisfied.
            match filter.csat {
                Some(CsatFilter::Satisfied) => sql.push_str(" AND c.answer_csat BETWEEN 4 AND 5"),
                Some(CsatFilter::Unsatisfied) => sql.push_str(" AND c.answer_csat BETWEEN 1 AND 3"),
                None => {}
            }
            return Ok(Selection { parts: vec![Part::cases(index, sql, column)], args });
        }
        let parts = match (filter.sla, members) {
            // A team's cases whatever their state: each member's range of cases_assignee_by_due,
            // merged in deadline order (the members' ranges under one IN would need a sort).
            (None, Some(ids)) => {
                let ids = if ids.is_empty() { &[String::new()][..] } else { ids };
                ids.iter()
                    .map(|id| {
                        args.push(id.as_str().into());
                        Part::cases(" INDEXED BY cases_assignee_by_due", format!(" AND c.assignee_id = ?{}{sql}", args.len()), "c.sla_due_at")
                    })
                    .collect()
            }
            (None, None) => vec![Part::cases("", sql, "c.sla_due_at")],
            (Some(SlaFilter::Breached), _) => {
                arg(&mut sql, " AND c.is_open = 1 AND c.sla_due_at <= ?", now_ms);
                vec![Part::cases("", sql, "c.sla_due_at")]
            }
            (Some(SlaFilter::DueSoon), _) => {
                args.push(now_ms);
                let now = args.len();
                vec![
                    Part::cases(
                        " INDEXED BY cases_warned_by_due",
                        format!(" AND c.is_open = 1 AND c.sla_warned = 1 AND c.sla_due_at > ?{now} AND c.sla_due_soon_at <= ?{now}{sql}"),
                        "c.sla_due_at",
                    ),
                    Part::cases(
                        " INDEXED BY cases_warning_unswept",
                        format!(" AND c.is_open = 1 AND c.sla_warned = 0 AND c.sla_due_soon_at <= ?{now} AND c.sla_due_at > ?{now}{sql}"),
                        "c.sla_due_at",
                    ),
                ]
            }
        };
        Ok(Selection { parts, args })
    }

    /// Complaint steps due in [start, end) (`sql` holds the filter's other conditions, `args`
    /// theirs), as domain::stats counts them: a step left is met if left by its deadline; a
    /// current step is late once its deadline passed, and never met.
    fn steps(sql: String, mut args: Vec<JsValue>, (start, end): (JsValue, JsValue), filter: &CaseFilter, now: JsValue) -> Selection {
        args.extend([start, end]);
        let (start, end) = (args.len() - 1, args.len());
        let mut step = String::new();
        if let Some(s) = filter.step {
            args.push(s.as_str().into());
            step = format!(" = ?{}", args.len());
        }
        let left_met = match filter.met {
            Some(Met::OnTime) => " AND s.ended_at <= s.due_at",
            Some(Met::Late) => " AND s.ended_at > s.due_at",
            None => "",
        };
        let left = Part {
            from: "complaint_steps s INDEXED BY complaint_steps_by_due JOIN cases c ON c.id = s.case_id".into(),
            clause: format!(
                " AND s.due_at >= ?{start} AND s.due_at < ?{end}{}{left_met}{sql}",
                if step.is_empty() { String::new() } else { format!(" AND s.step{step}") }
            ),
            order: "s.due_at",
            id: "s.case_id",
        };
        let mut current_met = String::new();
        if filter.met == Some(Met::Late) {
            args.push(now);
            current_met = format!(" AND c.step_due_at <= ?{}", args.len());
        }
        let current = Part::cases(
            " INDEXED BY cases_by_step_due",
            format!(
                " AND c.step_due_at >= ?{start} AND c.step_due_at < ?{end} AND c.step IS NOT NULL{}{current_met}{sql}",
                if step.is_empty() { String::new() } else { format!(" AND c.step{step}") }
            ),
            "c.step_due_at",
        );
        let parts = if filter.met == Some(Met::OnTime) { vec![left] } else { vec![left, current] };
        Selection { parts, args }
    }

    /// Each part as `SELECT {columns} FROM ... WHERE 1 = 1...{more}`, joined by UNION ALL;
    /// [`ORDER`] and [`ORDER_ID`] in `columns` or `more` name the part's order columns.
    fn compound(&self, columns: &str, joins: &str, more: &str) -> String {
        let named = |text: &str, p: &Part| text.replace(ORDER, p.order).replace(ORDER_ID, p.id);
        let parts: Vec<String> =
            self.parts.iter().map(|p| format!("{} FROM {} {joins} WHERE 1 = 1{}{}", named(columns, p), p.from, p.clause, named(more, p))).collect();
        parts.join(" UNION ALL ")
    }
}

/// Who asks and when: a queue filter's "me", "my team", "now", and the institution's zone for
/// a drill-down range (read from the settings only by callers whose filter has one).
pub struct Viewer<'a> {
    pub user_id: &'a str,
    pub now: DateTime<Utc>,
    pub zone: Option<Tz>,
}

/// Whether a list of a team's cases names nothing else that picks an index (no state, kind,
/// channel, category, assignee, customer, SLA state or date range): then it reads each member's
/// cases in deadline order and merges them.
fn by_members(filter: &CaseFilter) -> bool {
    (filter.my_team || filter.team_id.is_some())
        && filter.status.is_none()
        && filter.kind.is_none()
        && filter.channel.is_none()
        && filter.category.is_none()
        && filter.assignee.is_none()
        && filter.customer_id.is_none()
        && filter.sla.is_none()
        && filter.date.is_none()
}

/// The most members whose ranges one statement merges (each is a part of its text, and D1
/// takes statements up to 100 KB); a larger team's list is one IN, sorted.
const MERGED_MEMBERS: usize = 40;

#[derive(Deserialize)]
struct Member {
    id: String,
}

/// The members of the filter's team (`team=<id>`, or the viewer's own), by users_by_team.
async fn team_members(db: &D1Database, filter: &CaseFilter, user_id: &str) -> Result<Vec<String>, ApiError> {
    let statement = match &filter.team_id {
        Some(team) => query!(db, "SELECT id FROM users WHERE team_id = ?1 LIMIT 500", team)?,
        None => query!(db, "SELECT m.id FROM users m WHERE m.team_id = (SELECT u.team_id FROM users u WHERE u.id = ?1) LIMIT 500", user_id)?,
    };
    Ok(statement.all().await?.results::<Member>()?.into_iter().map(|m| m.id).collect())
}

/// One page of rows a filter selects, in its order (soonest deadline first, or a drill-down
/// date's), as `columns` (after SELECT, with `joins`) plus the order's key as `sort_key`; one
/// row more than `limit` says there is a next page.
async fn page_rows(
    db: &D1Database,
    filter: &CaseFilter,
    viewer: &Viewer<'_>,
    columns: &str,
    joins: &str,
    cursor: Option<&str>,
    limit: u32,
) -> Result<worker::D1Result, ApiError> {
    let members = if by_members(filter) { Some(team_members(db, filter, viewer.user_id).await?).filter(|m| m.len() <= MERGED_MEMBERS) } else { None };
    let mut selection = Selection::of(filter, viewer.user_id, viewer.now, viewer.zone, members.as_deref())?;
    let mut after = String::new();
    if let Some(cursor) = cursor {
        let (key, id) = decode_cursor(cursor)?;
        selection.args.push(JsValue::from_f64(key as f64));
        selection.args.push(id.into());
        after = format!(" AND ({ORDER}, {ORDER_ID}) > (?{}, ?{})", selection.args.len() - 1, selection.args.len());
    }
    let mut sql = selection.compound(&format!("{columns}, {ORDER} AS sort_key, {ORDER_ID} AS sort_id"), joins, &after);
    selection.args.push(JsValue::from(limit + 1));
    sql.push_str(&format!(" ORDER BY sort_key, sort_id LIMIT ?{}", selection.args.len()));
    Ok(crate::db::prepare(db, sql, &selection.args)?.all().await?)
}

/// A row's place in its list (the order's key, then the id), for the cursor after it.
trait Sorted {
    fn place(&self) -> (i64, &str);
}

impl Sorted for CaseRow {
    fn place(&self) -> (i64, &str) {
        (self.sort_key, &self.id)
    }
}

/// The cursor after the last of `limit` rows, when there was one more.
fn next_cursor(rows: &[impl Sorted], limit: u32) -> Option<String> {
    (rows.len() > limit as usize).then(|| rows.get(limit as usize - 1)).flatten().map(|r| {
        let (key, id) = r.place();
        encode_cursor(key, id)
    })
}

/// The cases a filter selects, soonest deadline first (or in a drill-down date's order), one
/// page at a time.
pub async fn list(db: &D1Database, filter: &CaseFilter, viewer: &Viewer<'_>, cursor: Option<&str>, limit: u32) -> Result<Page<Case>, ApiError> {
    let rows: Vec<CaseRow> = page_rows(db, filter, viewer, COLUMNS, JOINS, cursor, limit).await?.results()?;
    let next_cursor = next_cursor(&rows, limit);
    let items = rows.into_iter().take(limit as usize).map(|r| r.into_case(viewer.now).map(|(c, _)| c)).collect::<Result<Vec<_>, _>>()?;
    Ok(Page { items, next_cursor })
}

/// What an export row reads beyond the case as lists show it.
#[derive(Deserialize)]
struct ExportExtra {
    team_name: Option<String>,
    extension: String,
    paused: i64,
    closed_at: Option<i64>,
    outcome: Option<String>,
    root_cause: Option<String>,
    redress_type: Option<String>,
    redress_amount: Option<i64>,
    customer_informed: i64,
}

/// One page of the export: the cases a filter selects with every clock and regulatory field
/// (the same indexes and order as [`list`]), and the cursor of the next page.
pub async fn export_page(
    db: &D1Database,
    filter: &CaseFilter,
    viewer: &Viewer<'_>,
    cursor: Option<&str>,
    limit: u32,
) -> Result<(Vec<ExportCase>, Option<String>), ApiError> {
    let columns = format!(
        "{COLUMNS}, t.name AS team_name, c.extension, c.paused, c.closed_at, c.outcome, c.root_cause, c.redress_type,
         c.redress_amount, c.customer_informed"
    );
    let joins = format!("{JOINS} LEFT JOIN teams t ON t.id = u.team_id");
    let result = page_rows(db, filter, viewer, &columns, &joins, cursor, limit).await?;
    // The same rows read twice: as the case lists show, and for the fields only the export has.
    let rows: Vec<CaseRow> = result.results()?;
    let extras: Vec<ExportExtra> = result.results()?;
    let next_cursor = next_cursor(&rows, limit);
    let cases = rows
        .into_iter()
        .zip(extras)
        .take(limit as usize)
        .map(|(row, x)| {
            Ok(ExportCase {
                case: row.into_case(viewer.now)?.0,
                team: x.team_name,
                extension: parse("cases.extension", &x.extension)?,
                paused: x.paused != 0,
                closed_at: x.closed_at.map(time),
                outcome: opt("cases.outcome", &x.outcome)?,
                root_cause: x.root_cause,
                redress_type: opt("cases.redress_type", &x.redress_type)?,
                redress_amount: x.redress_amount,
                customer_informed: x.customer_informed != 0,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok((cases, next_cursor))
}

/// How many cases each filter selects, up to COUNT_CAP, in one round trip: each count reads at
/// most that many entries of the filter's index, whatever the size of the view.
pub async fn counts(db: &D1Database, filters: &[CaseFilter], viewer: &Viewer<'_>) -> Result<Vec<u32>, ApiError> {
    let results = db.batch(count_statements(db, filters, viewer)?).await?;
    results.iter().map(count_from).collect()
}

/// The statements of [`counts`], for a caller that batches them with its other reads.
pub fn count_statements(db: &D1Database, filters: &[CaseFilter], viewer: &Viewer<'_>) -> Result<Vec<D1PreparedStatement>, ApiError> {
    filters
        .iter()
        .map(|f| {
            // A count has no order: a team's is one IN over the members' ranges.
            let selection = Selection::of(f, viewer.user_id, viewer.now, viewer.zone, None)?;
            let rows = selection.compound("SELECT 1", "", "");
            crate::db::prepare(db, format!("SELECT COUNT(*) AS n FROM ({rows} LIMIT {COUNT_CAP})"), &selection.args)
        })
        .collect()
}

/// One count of [`count_statements`]' results.
pub fn count_from(result: &worker::D1Result) -> Result<u32, ApiError> {
    #[derive(Deserialize)]
    struct Count {
        n: u32,
    }
    Ok(result.results::<Count>()?.first().map_or(0, |c| c.n))
}

pub(crate) fn encode_cursor(due: i64, id: &str) -> String {
    format!("{due}.{id}")
}

pub(crate) fn decode_cursor(cursor: &str) -> Result<(i64, String), ApiError> {
    let bad = || domain::api::FieldError::invalid("cursor", "cursor is not one this list gave out");
    let (due, id) = cursor.split_once('.').ok_or_else(bad)?;
    let due = due.parse().map_err(|_| bad())?;
    if !domain::api::is_id(id) {
        return Err(bad().into());
    }
    Ok((due, id.to_string()))
}

/// What an event changes on its case, guarded by the version the client last saw.
pub struct CaseUpdate<'a> {
    pub id: &'a str,
    pub version: i64,
    pub status: Status,
    pub assignee_id: Option<&'a str>,
    pub deadlines: CaseDeadlines,
    pub now: DateTime<Utc>,
}

/// The update of a case's status and clocks; it changes no row when `version` is stale, and
/// statements batched after it can test `changes() = 1`. Like every write to a case, it asks
/// the next SLA sweep to look at it again (next_check_at).
pub fn update(db: &D1Database, u: &CaseUpdate) -> Result<D1PreparedStatement, ApiError> {
    update_where(db, u, None)
}

/// [`update`], and only while the customer does not consent to be contacted (the closing of
/// their follow-ups when they withdraw it, batched after the withdrawal).
pub fn update_without_consent(db: &D1Database, u: &CaseUpdate, customer_id: &str) -> Result<D1PreparedStatement, ApiError> {
    update_where(db, u, Some(customer_id))
}

fn update_where(db: &D1Database, u: &CaseUpdate, without_consent_of: Option<&str>) -> Result<D1PreparedStatement, ApiError> {
    let (sla_due_at, sla_due_soon_at) = queue_columns(&u.deadlines);
    // Primary keys of cases and customers.
    Ok(query!(
        db,
        "UPDATE cases SET status = ?1, first_responded_at = ?2, is_open = ?3, sla_due_at = ?4,
           sla_due_soon_at = ?5, updated_at = ?6, next_check_at = ?6, resolved_at = ?9, assignee_id = ?10,
           version = version + 1
         WHERE id = ?7 AND version = ?8
           AND (?11 IS NULL OR NOT EXISTS (SELECT 1 FROM customers cu WHERE cu.id = ?11 AND cu.consent_contact = 1))",
        u.status.as_str(),
        u.deadlines.first_responded_at.map(|t| t.timestamp_millis()),
        i64::from(u.status.is_open()),
        sla_due_at,
        sla_due_soon_at,
        u.now.timestamp_millis(),
        u.id,
        u.version,
        u.deadlines.resolved_at.map(|t| t.timestamp_millis()),
        u.assignee_id,
        without_consent_of
    )?)
}

/// Marks a follow-up closed as unreachable, if the statement before it in the batch changed a row.
pub fn mark_unreachable(db: &D1Database, id: &str) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(db, "UPDATE cases SET unreachable = 1 WHERE id = ?1 AND changes() = 1", id)?)
}

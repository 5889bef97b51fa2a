//! The benchmark's dataset, written straight into the local D1 SQLite file in bulk: indexes are
//! dropped, rows inserted in key order inside one transaction, indexes rebuilt. A fixed seed
//! gives every machine the same data.
//!
//! Besides the bulk of closed history and open work, it holds three sets of open inquiries that
//! each turn breached at one known instant (`Size::sets`), so the SLA sweep can be measured on
//! exactly that many newly breached cases. Every other open case's next sweep check lies beyond
//! the last of those instants.

use std::path::Path;

use anyhow::Result;
use chrono::{DateTime, Duration, Utc};
use domain::calendar::BusinessCalendar;
use domain::sla::{CaseDeadlines, PolicySet};
use domain::{CaseKind, Channel, Complexity, LeaveReason, Segment, Status, Step};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::{params, Connection};

use crate::seed::{self, pick, weighted};

const SEED: u64 = 7;

/// How big a dataset is.
#[derive(Clone, Copy)]
pub struct Size {
    pub name: &'static str,
    pub customers: usize,
    pub cases: usize,
    pub events: usize,
    pub agents: usize,
    /// Open cases, the breach sets included.
    pub open: usize,
    /// Newly breached cases per scenario instant: (cases, instant offset from `now` in days).
    pub sets: [(usize, i64); 3],
    /// Customers the survey dispatch is measured on (the first one in ten of them, and then
    /// all, are invited).
    pub audience: usize,
}

pub const FULL: Size = Size {
    name: "full",
    customers: 200_000,
    cases: 1_000_000,
    events: 5_000_000,
    agents: 200,
    open: 100_000,
    sets: [(5_000, 0), (500, 1), (5_000, 2)],
    audience: 1_000_000,
};

pub const QUICK: Size = Size {
    name: "quick",
    customers: 20_000,
    cases: 100_000,
    events: 500_000,
    agents: 50,
    open: 10_000,
    sets: [(500, 0), (50, 1), (500, 2)],
    audience: 100_000,
};

/// Other open cases are checked next no sooner than this many days after `now`.
const QUIET_DAYS: i64 = 3;

pub fn case_id(seq: usize) -> String {
    format!("bc{seq:07}")
}

/// The seq of the first generated case (the demo data's own cases come first).
pub const FIRST_SEQ: usize = 1_001;

/// Writes the dataset into the migrated (and demo-seeded) database at `file`, as of `now`.
pub fn generate(file: &Path, size: Size, now: DateTime<Utc>) -> Result<()> {
    let mut db = Connection::open(file)?;
    // The demo data's open cases would be swept too; the sweep is measured on ours alone.
    db.execute("UPDATE cases SET next_check_at = NULL", [])?;
    in_bulk(&mut db, &["cases", "case_events", "customers", "customer_products", "users"], |tx| {
        let mut rng = ChaCha8Rng::seed_from_u64(SEED);
        let agents = staff(tx, &mut rng, size, now)?;
        let customers = customers(tx, &mut rng, 1..=size.customers, now)?;
        cases(tx, &mut rng, size, now, &agents, &customers)
    })
}

/// Adds customers (with no cases) until there are `total`, for the survey audience.
pub fn more_customers(file: &Path, total: usize, now: DateTime<Utc>) -> Result<()> {
    let mut db = Connection::open(file)?;
    let have: usize = db.query_row("SELECT count(*) FROM customers", [], |r| r.get(0))?;
    let generated: usize = db.query_row("SELECT count(*) FROM customers WHERE id LIKE 'bcu%'", [], |r| r.get(0))?;
    in_bulk(&mut db, &["customers", "customer_products"], |tx| {
        let mut rng = ChaCha8Rng::seed_from_u64(SEED + 1);
        customers(tx, &mut rng, generated + 1..=generated + total.saturating_sub(have), now).map(drop)
    })
}

/// Runs `write` in one transaction with the tables' indexes dropped, then rebuilds them.
fn in_bulk(db: &mut Connection, tables: &[&str], write: impl FnOnce(&Connection) -> Result<()>) -> Result<()> {
    db.execute_batch("PRAGMA journal_mode = DELETE; PRAGMA synchronous = OFF;")?;
    let list = tables.iter().map(|t| format!("'{t}'")).collect::<Vec<_>>().join(", ");
    let indexes: Vec<(String, String)> = {
        let mut stmt = db.prepare(&format!("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({list})"))?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (name, _) in &indexes {
        db.execute_batch(&format!("DROP INDEX {name}"))?;
    }
    let tx = db.transaction()?;
    write(&tx)?;
    tx.commit()?;
    for (_, sql) in &indexes {
        db.execute_batch(sql)?;
    }
    db.execute_batch("PRAGMA journal_mode = WAL;")?;
    Ok(())
}

/// The demo staff plus generated agents up to `size.agents`, in the demo teams. Returns every
/// agent's id.
fn staff(db: &Connection, rng: &mut ChaCha8Rng, size: Size, now: DateTime<Utc>) -> Result<Vec<String>> {
    let hash: String = db.query_row("SELECT password_hash FROM users WHERE id = 'user-agent'", [], |r| r.get(0))?;
    let mut agents: Vec<String> = seed::STAFF.iter().filter(|s| s.3 == "agent").map(|s| s.0.to_string()).collect();
    let mut insert = db.prepare(
        "INSERT INTO users (id, email, name, role, team_id, skills, password_hash, active, created_at) VALUES (?1, ?2, ?3, 'agent', ?4, ?5, ?6, 1, ?7)",
    )?;
    let mut n = 0;
    while agents.len() < size.agents {
        n += 1;
        let team = &seed::TEAMS[n % seed::TEAMS.len()];
        let id = format!("bench-agent-{n:03}");
        let name = format!("{}{}", pick(rng, seed::SURNAMES), pick(rng, seed::GIVEN));
        insert.execute(params![id, format!("agent{n:03}@bench.kefu"), name, team.id, team.skills, hash, (now - Duration::days(400)).timestamp_millis()])?;
        agents.push(id);
    }
    Ok(agents)
}

/// Customers, with the products they hold. Returns (id, segment) of each.
fn customers(db: &Connection, rng: &mut ChaCha8Rng, numbers: std::ops::RangeInclusive<usize>, now: DateTime<Utc>) -> Result<Vec<(String, Segment)>> {
    let mut insert = db.prepare(
        "INSERT INTO customers (id, name, phone, phone_last4, email, gender, birth_year, occupation, income_band, segment, lifecycle,
           risk_tolerance, consent_contact, created_at, id_number, left_at, leave_reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )?;
    let mut holds = db.prepare("INSERT INTO customer_products (customer_id, product_code, since) VALUES (?1, ?2, ?3)")?;
    let mut out = Vec::with_capacity(numbers.clone().count());
    for n in numbers {
        let id = format!("bcu{n:07}");
        let name = format!("{}{}", pick(rng, seed::SURNAMES), pick(rng, seed::GIVEN));
        let phone = format!("{}{:08}", pick(rng, seed::PHONE_PREFIXES), rng.random_range(0..100_000_000u32));
        let email = rng.random_bool(0.6).then(|| format!("c{n:07}@example.cn"));
        let segment = weighted(rng, &[(Segment::Mass, 75), (Segment::Affluent, 20), (Segment::Private, 5)]);
        let created = now - Duration::days(rng.random_range(1..3650));
        let birth_year: i32 = rng.random_range(1950..2004);
        let id_number = format!("110105{birth_year}{:02}{:02}{:03}{}", 1 + n % 12, 1 + n % 28, n % 1000, "0123456789X".as_bytes()[n % 11] as char);
        // Churn: about one customer in 97 has left over the last half-year (~11 a day), spread
        // by their number so the rest of the dataset stays as it was.
        let left = (n % 97 == 5)
            .then(|| now - Duration::minutes((n as i64 * 7919) % (180 * 24 * 60)))
            .filter(|at| *at > created)
            .map(|at| (at.timestamp_millis(), LeaveReason::ALL[n % LeaveReason::ALL.len()].as_str()));
        insert.execute(params![
            id,
            name,
            phone,
            &phone[phone.len() - 4..],
            email,
            if rng.random_bool(0.5) { "female" } else { "male" },
            birth_year,
            pick(rng, seed::OCCUPATIONS),
            pick(rng, seed::INCOME_BANDS),
            segment.as_str(),
            if now - created < Duration::days(60) { "new" } else { "existing" },
            pick(rng, seed::RISK),
            rng.random_bool(0.9),
            created.timestamp_millis(),
            id_number,
            left.map(|(at, _)| at),
            left.map(|(_, reason)| reason)
        ])?;
        // The first product when the relationship began; any others bought over the three
        // years after it (or until now).
        let first = rng.random_range(0..seed::PRODUCTS.len());
        let span = (now - created).num_days().min(3 * 365).max(1);
        for k in 0..rng.random_range(1..=3usize) {
            let code = seed::PRODUCTS[(first + k * 3) % seed::PRODUCTS.len()].0;
            let since = if k == 0 { created } else { created + Duration::days(rng.random_range(0..span)) };
            holds.execute(params![id, code, since.timestamp_millis()])?;
        }
        out.push((id, segment));
    }
    Ok(out)
}

/// What a generated case is, for the sweep.
#[derive(Clone, Copy, PartialEq)]
enum Role {
    Closed,
    /// Open, next checked after the quiet days.
    Open,
    /// Open and long breached (already escalated): nothing more for the sweep to do.
    Breached,
    /// Open, due soon, and breached at `now` + this many days.
    BreachesOn(i64),
}

fn cases(db: &Connection, rng: &mut ChaCha8Rng, size: Size, now: DateTime<Utc>, agents: &[String], customers: &[(String, Segment)]) -> Result<()> {
    let policies = PolicySet::standard();
    let calendar = BusinessCalendar::china_default();
    let mut insert = db.prepare(
        "INSERT INTO cases (id, seq, kind, channel, category, complexity, status, customer_id, assignee_id, subject, description,
           created_by, created_at, updated_at, first_response_due_at, first_responded_at, resolution_due_at, resolved_at, is_open,
           sla_due_at, sla_due_soon_at, step, step_due_at, regulatory_due_at, closed_at, alerted, alerted_due, next_check_at, version,
           load_weight, sla_warned)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25,
           ?26, ?27, ?28, ?29, ?30, ?31)",
    )?;
    let mut event = db.prepare("INSERT INTO case_events (id, case_id, type, body, author_id, created_at, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")?;
    let mut step_left = db.prepare("INSERT INTO complaint_steps (case_id, step, started_at, due_at, ended_at) VALUES (?1, ?2, ?3, ?4, ?5)")?;

    // Which cases are open: the breach sets are the newest, the rest of the open work is spread
    // over the last half-year; everything else is closed history over three years.
    let breaching: usize = size.sets.iter().map(|s| s.0).sum();
    let recent = size.open * 3 / 2;
    let mut roles = vec![Role::Closed; size.cases];
    let mut k = size.cases;
    for &(count, day) in &size.sets {
        for _ in 0..count {
            k -= 1;
            roles[k] = Role::BreachesOn(day);
        }
    }
    let mut open = breaching;
    while open < size.open {
        let i = size.cases - breaching - 1 - rng.random_range(0..recent);
        if roles[i] == Role::Closed {
            roles[i] = if rng.random_bool(0.1) { Role::Breached } else { Role::Open };
            open += 1;
        }
    }
    let span_ms = Duration::days(3 * 365).num_milliseconds();
    let per_case = span_ms / size.cases as i64;
    let mut events_left = size.events;
    for (i, role) in roles.into_iter().enumerate() {
        let seq = FIRST_SEQ + i;
        let id = case_id(seq);
        let created = match role {
            Role::BreachesOn(day) => now + Duration::days(day) - Duration::hours(30),
            Role::Open | Role::Breached => now - Duration::days(rng.random_range(1..180)),
            Role::Closed => now - Duration::milliseconds(span_ms - per_case * i as i64) - Duration::days(2),
        };
        let kind = match role {
            Role::BreachesOn(_) => CaseKind::Inquiry,
            _ => weighted(rng, &[(CaseKind::Inquiry, 60), (CaseKind::Complaint, 15), (CaseKind::FollowUp, 25)]),
        };
        let (subject, description) = *match kind {
            CaseKind::Inquiry => pick(rng, seed::INQUIRIES),
            CaseKind::Complaint => pick(rng, seed::COMPLAINTS),
            CaseKind::FollowUp => pick(rng, seed::FOLLOW_UPS),
        };
        let channel = match kind {
            CaseKind::FollowUp => Channel::Phone,
            _ => weighted(rng, &[(Channel::Phone, 40), (Channel::OnlineChat, 25), (Channel::MobileApp, 20), (Channel::Email, 8), (Channel::Branch, 7)]),
        };
        let category = domain::classify::classify(subject, description).category;
        let complexity = if rng.random_bool(0.1) { Complexity::Complex } else { Complexity::Ordinary };
        let (customer, segment) = &customers[rng.random_range(0..customers.len())];
        let status = match role {
            Role::Closed => Status::Closed,
            _ => weighted(rng, &[(Status::New, 10), (Status::Assigned, 50), (Status::Responded, 40)]),
        };
        let assignee = (status != Status::New).then(|| agents[rng.random_range(0..agents.len())].as_str());
        let policy = policies.for_case(kind, complexity, *segment, channel);
        let deadlines = CaseDeadlines::start(&policy, &calendar, created);
        let responded = matches!(status, Status::Responded | Status::Closed);
        let responded_at = responded.then(|| created + Duration::minutes(rng.random_range(5..600)));
        let closed_at = (status == Status::Closed).then(|| responded_at.unwrap_or(created) + Duration::hours(rng.random_range(1..40)));
        // The clock the case is judged by now, and what the sweep last made of it.
        let (due, alerted, next_check) = match role {
            Role::Closed => (deadlines.current_due, "none", None),
            Role::Open => {
                let due = now + Duration::days(QUIET_DAYS) + Duration::minutes(rng.random_range(0..60 * 24 * 30));
                (due, "none", Some(due - Duration::hours(4)))
            }
            Role::Breached => (now - Duration::hours(rng.random_range(8..2000)), "escalated", None),
            Role::BreachesOn(day) => {
                let due = now + Duration::days(day) - Duration::seconds(rng.random_range(0..240));
                (due, "due_soon", Some(due))
            }
        };
        let open = role != Role::Closed;
        let complaint_open = open && kind == CaseKind::Complaint;
        insert.execute(params![
            id,
            seq,
            kind.as_str(),
            channel.as_str(),
            category,
            complexity.as_str(),
            status.as_str(),
            customer,
            assignee,
            subject,
            description,
            assignee,
            created.timestamp_millis(),
            closed_at.or(responded_at).unwrap_or(created).timestamp_millis(),
            deadlines.first_response_due.timestamp_millis(),
            responded_at.map(|t| t.timestamp_millis()),
            deadlines.resolution_due.timestamp_millis(),
            closed_at.map(|t| t.timestamp_millis()),
            open,
            due.timestamp_millis(),
            (due - Duration::hours(4)).timestamp_millis(),
            complaint_open.then_some("investigation"),
            complaint_open.then(|| due.timestamp_millis()),
            (kind == CaseKind::Complaint).then(|| (created + Duration::days(15)).timestamp_millis()),
            closed_at.map(|t| t.timestamp_millis()),
            alerted,
            (alerted != "none").then(|| due.timestamp_millis()),
            next_check.map(|t| t.timestamp_millis()),
            1 + i64::from(responded) + i64::from(closed_at.is_some()),
            domain::routing::weight(kind == CaseKind::Complaint, complexity == Complexity::Complex),
            // As the sweep leaves it when it has run up to now: warned once the warning passed.
            open && due - Duration::hours(4) <= now
        ])?;

        // The steps a complaint has left (0018): a closed one its three, each a third of its
        // time to closing; an open one (in investigation) its review, left after 20 hours. Each
        // falls due its step's time after it started (calendar time, as the regulatory due
        // above).
        if let (CaseKind::Complaint, Some(times)) = (kind, policy.steps) {
            let (end, left): (DateTime<Utc>, &[Step]) = match closed_at {
                Some(closed) => (closed, Step::ALL),
                None => (created + Duration::hours(20), &[Step::Review]),
            };
            let third = (end - created) / left.len() as i32;
            for (n, step) in left.iter().enumerate() {
                let started = created + third * n as i32;
                let ended = if n + 1 == left.len() { end } else { started + third };
                let due = started + times.for_step(*step);
                step_left.execute(params![id, step.as_str(), started.timestamp_millis(), due.timestamp_millis(), ended.timestamp_millis()])?;
            }
        }

        // Four to six events a case (five on average, as `size` has it): created, replies and
        // notes, closed.
        let n = if i + 1 == size.cases { events_left } else { (4 + i % 3).min(events_left) };
        events_left -= n;
        for e in 0..n {
            let at = (created + Duration::minutes(e as i64 * 90)).timestamp_millis();
            let (kind, body, status) = match e {
                0 => ("created", "", None),
                _ if e + 1 == n && closed_at.is_some() => ("status_changed", "", Some("closed")),
                _ if e % 2 == 1 => ("reply", "您好，您反映的问题我们已收到，正在为您处理。", None),
                _ => ("note", "已与客户电话确认相关信息，继续跟进。", None),
            };
            event.execute(params![format!("{id}-e{e}"), id, kind, body, assignee, at, status])?;
        }
    }
    Ok(())
}

//! Branch appointments: customers book, reschedule and cancel from the public page and their
//! link; agents book for a customer from the case page; branch staff look a booking up, check
//! the customer in against their ID document, or record that they did not come.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use domain::api::{
    Appointment, AppointmentStatus, BookingReceipt, BookingRequest, Branch, BranchService, CheckInRequest, DaySlots, FieldError, NoShowRequest,
    Page, PublicAppointment, RescheduleRequest, Slot, StaffBookingRequest, parse_hhmm, params,
};
use domain::appointment::{address, bookable, message, normalize_reference, reference, remind_at, slots, Hours, NotBookable, HORIZON_DAYS};
use domain::calendar::BusinessCalendar;
use worker::Response;

use crate::ctx::{json, Ctx};
use crate::db::appointments::{self as db, Message, Stored};
use crate::db::events::Guard;
use crate::db::{audit, customers, first_changed, limits};
use crate::error::ApiError;
use crate::ids::{new_id, new_long_token, random_bytes, token_hash};

/// Bookings one client address may make per hour, and one phone number or e-mail address.
const PER_ADDRESS_PER_HOUR: u32 = 20;
const PER_CONTACT_PER_HOUR: u32 = 5;
const HOUR_MS: i64 = 3_600_000;

fn hours(branch: &Branch) -> Result<Hours, ApiError> {
    let t = |s: &str| parse_hhmm("opens", s).map_err(|e| ApiError::Internal(format!("branch {}'s stored hours: {e}", branch.id)));
    Ok(Hours { opens: t(&branch.opens)?, closes: t(&branch.closes)? })
}

/// The instants a local day starts and ends at (the date is a client's, bounded by
/// `params::date`; the day after it is checked all the same).
fn day_span(calendar: &BusinessCalendar, date: NaiveDate) -> Result<(DateTime<Utc>, DateTime<Utc>), ApiError> {
    let next = date.succ_opt().ok_or_else(|| FieldError::invalid("date", "date has no day after it"))?;
    Ok((calendar.at(date, NaiveTime::MIN), calendar.at(next, NaiveTime::MIN)))
}

/// The branch and the service named, checked: 422 naming `branch_id`/`branch` or `service`.
async fn offer(ctx: &Ctx, branch_field: &'static str, branch_id: &str, service: &str) -> Result<(Branch, BranchService), ApiError> {
    let branch = db::branches(&ctx.db).await?.into_iter().find(|b| b.id == branch_id).ok_or_else(|| FieldError::invalid(branch_field, "no branch takes appointments with this id"))?;
    let offered = branch.services.iter().find(|s| s.code == service).cloned().ok_or_else(|| FieldError::invalid("service", "the branch does not offer this service by appointment"))?;
    Ok((branch, offered))
}

/// `start` checked as a slot of the service at the branch that can be booked now (422 `start`).
fn check_start(calendar: &BusinessCalendar, branch: &Branch, service: &BranchService, start: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), ApiError> {
    bookable(calendar, hours(branch)?, service.minutes, start, now).map_err(|why| {
        let message = match why {
            NotBookable::NotASlot => "start is not one of the service's slots at this branch (closed that day, or not a slot's start)",
            NotBookable::TooSoon => "start is less than 30 minutes from now",
            NotBookable::TooFar => "start is more than 30 days ahead",
        };
        FieldError::invalid("start", message).into()
    })
}

/// `GET /api/public/branches`.
pub async fn branches(ctx: Ctx) -> Result<Response, ApiError> {
    json(200, &Page { items: db::branches(&ctx.db).await?, next_cursor: None })
}

/// `GET /api/public/slots?branch=&service=&date=`.
pub async fn day_slots(ctx: Ctx) -> Result<Response, ApiError> {
    let query = ctx.query()?;
    let get = |key: &str| query.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default();
    let (branch, service) = offer(&ctx, "branch", &get("branch"), &get("service")).await?;
    let date = params::date("date", &get("date"))?;
    let calendar = crate::rules::load(&ctx.db).await?.calendar;
    let today = calendar.local_date(ctx.now);
    if date < today || date > today + Duration::days(HORIZON_DAYS) {
        return Err(FieldError::invalid("date", "date must be from today to 30 days ahead").into());
    }
    let starts = slots(&calendar, hours(&branch)?, service.minutes, date);
    let (from, to) = day_span(&calendar, date)?;
    let taken = db::taken(&ctx.db, &branch.id, &service.code, from.timestamp_millis(), to.timestamp_millis()).await?;
    let length = Duration::minutes(service.minutes);
    let open = hours(&branch)?;
    let items = starts
        .iter()
        .filter(|s| bookable(&calendar, open, service.minutes, **s, ctx.now).is_ok())
        .map(|s| {
            let used = taken.iter().find(|(t, _)| *t == s.timestamp_millis()).map_or(0, |(_, n)| *n);
            Slot { start: *s, end: *s + length, left: (service.capacity - used).max(0) }
        })
        .collect();
    json(200, &DaySlots { branch_id: branch.id, service: service.code, date, open: !starts.is_empty(), slots: items })
}

/// Who books, and for whom; `start` already checked against the `calendar`.
struct Booking<'a> {
    calendar: &'a BusinessCalendar,
    branch: &'a Branch,
    service: &'a BranchService,
    start: DateTime<Utc>,
    customer_id: Option<&'a str>,
    name: &'a str,
    phone: Option<&'a str>,
    email: Option<&'a str>,
    case_id: Option<&'a str>,
    booked_by: Option<&'a str>,
}

/// Books a slot: the appointment (only if the slot has a place left: 409 slot_full), the
/// confirmation with the manage link to the customer, and the audit event, in one batch.
async fn book(ctx: &Ctx, b: Booking<'_>) -> Result<(Stored, String), ApiError> {
    let calendar = b.calendar;
    let id = new_id()?;
    let token = new_long_token()?;
    let reference = reference(random_bytes::<8>()?);
    let now = ctx.now_ms();
    let end = b.start + Duration::minutes(b.service.minutes);
    let new = db::New {
        id: &id,
        reference: &reference,
        token_hash: &token_hash(&token),
        branch_id: &b.branch.id,
        service: &b.service.code,
        start: b.start.timestamp_millis(),
        end: end.timestamp_millis(),
        customer_id: b.customer_id,
        name: b.name.trim(),
        phone: b.phone,
        email: b.email,
        case_id: b.case_id,
        booked_by: b.booked_by,
        remind_at: remind_at(calendar, b.start, ctx.now).map(|t| t.timestamp_millis()),
    };
    let manage_path = format!("/appointments/{token}");
    let mut batch = vec![db::insert(&ctx.db, &new, now)?];
    // The confirmation is written only with the appointment; the audit event follows whichever
    // statement came last (both change a row exactly when the appointment was written).
    if let Some((channel, to)) = address(b.phone, b.email) {
        let public = PublicAppointment {
            reference: reference.clone(),
            status: AppointmentStatus::Booked,
            branch_id: b.branch.id.clone(),
            branch: b.branch.name.clone(),
            address: b.branch.address.clone(),
            service: b.service.code.clone(),
            service_name: b.service.name.clone(),
            bring: b.service.bring.clone(),
            start: b.start,
            end,
        };
        let link = format!("{}{manage_path}", crate::config::public_url(&ctx.env));
        let (subject, body) = message("appointment_confirmed", &public, calendar, &crate::config::institution(&ctx.env).zh, Some(&link));
        let message = Message { id: &new_id()?, appointment_id: &id, dedupe_key: &format!("appointment:{id}:confirmed:1"), channel, address: &to, kind: "appointment_confirmed", subject: &subject, body: &body };
        batch.push(db::insert_message(&ctx.db, &message, now)?);
    }
    batch.push(audit::record(&ctx.db, now, b.booked_by, "appointment_booked", "appointment", Some(&id), Guard::PreviousChanged)?);
    let results = ctx.db.batch(batch).await?;
    if !first_changed(&results) {
        return Err(ApiError::SlotFull);
    }
    let stored = db::by_id(&ctx.db, &id).await?.ok_or(ApiError::Internal("appointment vanished after insert".into()))?;
    Ok((stored, manage_path))
}

/// `POST /api/public/appointments`: the customer is found by their contact details or created.
pub async fn public_book(mut ctx: Ctx) -> Result<Response, ApiError> {
    let form: BookingRequest = ctx.body().await?;
    let phone = form.phone.as_deref().map(str::trim).filter(|p| !p.is_empty());
    let email = form.email.as_deref().map(str::trim).filter(|e| !e.is_empty());
    let (branch, service) = offer(&ctx, "branch_id", &form.branch_id, &form.service).await?;
    let calendar = crate::rules::load(&ctx.db).await?.calendar;
    check_start(&calendar, &branch, &service, form.start, ctx.now)?;

    let address_key = limits::address_key("appointment", &ctx.client_address()?);
    let contact_key = limits::contact_key("appointment", phone, email);
    limits::check(&ctx.db, &[(&address_key, PER_ADDRESS_PER_HOUR), (&contact_key, PER_CONTACT_PER_HOUR)], HOUR_MS, ctx.now_ms()).await?;

    let customer = customers::find_contact(&ctx.db, &form.name, phone, email).await?.map(|c| c.id);
    let booking = Booking { calendar: &calendar, branch: &branch, service: &service, start: form.start, customer_id: customer.as_deref(), name: &form.name, phone, email, case_id: None, booked_by: None };
    let (stored, manage_path) = book(&ctx, booking).await?;
    json(201, &BookingReceipt { appointment: stored.appointment.public, manage_path })
}

/// `POST /api/appointments`: an agent books for a customer on file; the confirmation goes to
/// the customer's contact details.
pub async fn staff_book(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: StaffBookingRequest = ctx.body().await?;
    let customer = customers::contact(&ctx.db, &body.customer_id).await?.filter(|c| c.erased_at.is_none()).ok_or_else(|| FieldError::invalid("customer_id", "no customer has this id"))?;
    if let Some(case_id) = &body.case_id {
        let case = crate::db::cases::get(&ctx.db, case_id, ctx.now).await?.ok_or_else(|| FieldError::invalid("case_id", "no case has this id"))?;
        if case.case.customer_id != body.customer_id {
            return Err(FieldError::invalid("case_id", "the case is another customer's").into());
        }
    }
    let (branch, service) = offer(&ctx, "branch_id", &body.branch_id, &body.service).await?;
    let calendar = crate::rules::load(&ctx.db).await?.calendar;
    check_start(&calendar, &branch, &service, body.start, ctx.now)?;
    let user = ctx.user()?.id.clone();
    let booking = Booking {
        calendar: &calendar,
        branch: &branch,
        service: &service,
        start: body.start,
        customer_id: Some(&body.customer_id),
        name: &customer.name,
        phone: customer.phone.as_deref(),
        email: customer.email.as_deref(),
        case_id: body.case_id.as_deref(),
        booked_by: Some(&user),
    };
    let (stored, _) = book(&ctx, booking).await?;
    json(201, &stored.appointment)
}

/// The appointment a manage link opens: 404 for an unknown link.
async fn by_link(ctx: &Ctx) -> Result<Stored, ApiError> {
    db::by_token_hash(&ctx.db, &token_hash(ctx.param(0))).await?.ok_or(ApiError::NotFound)
}

/// `GET /api/public/appointments/{token}`: 410 once the link is dead (cancelled, checked in,
/// missed or started), so a forwarded or leaked link no longer shows the booking.
pub async fn public_get(ctx: Ctx) -> Result<Response, ApiError> {
    let appointment = by_link(&ctx).await?.appointment.public;
    changeable(&appointment, ctx.now)?;
    json(200, &appointment)
}

/// Whether a customer's link still opens and changes the appointment: 410 once it is
/// cancelled, checked in, missed or started.
fn changeable(a: &PublicAppointment, now: DateTime<Utc>) -> Result<(), ApiError> {
    if a.status != AppointmentStatus::Booked || a.start <= now {
        return Err(ApiError::Gone);
    }
    Ok(())
}

/// `POST /api/public/appointments/{token}/reschedule`: another slot of the same service at the
/// same branch; a new confirmation goes out.
pub async fn public_reschedule(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: RescheduleRequest = ctx.body().await?;
    let stored = by_link(&ctx).await?;
    let current = &stored.appointment.public;
    changeable(current, ctx.now)?;
    let (branch, service) = offer(&ctx, "branch_id", &current.branch_id, &current.service).await?;
    let calendar = crate::rules::load(&ctx.db).await?.calendar;
    check_start(&calendar, &branch, &service, body.start, ctx.now)?;
    let id = stored.appointment.id.clone();
    let now = ctx.now_ms();
    let end = body.start + Duration::minutes(service.minutes);
    let mut batch = vec![db::reschedule(&ctx.db, &id, body.start.timestamp_millis(), end.timestamp_millis(), remind_at(&calendar, body.start, ctx.now).map(|t| t.timestamp_millis()), now)?];
    if let Some((channel, to)) = address(stored.phone.as_deref(), stored.email.as_deref()) {
        let moved = PublicAppointment { start: body.start, end, ..current.clone() };
        let link = format!("{}/appointments/{}", crate::config::public_url(&ctx.env), ctx.param(0));
        let (subject, body_text) = message("appointment_confirmed", &moved, &calendar, &crate::config::institution(&ctx.env).zh, Some(&link));
        let key = format!("appointment:{id}:confirmed:{}", stored.appointment.version + 1);
        let message = Message { id: &new_id()?, appointment_id: &id, dedupe_key: &key, channel, address: &to, kind: "appointment_confirmed", subject: &subject, body: &body_text };
        batch.push(db::insert_message(&ctx.db, &message, now)?);
    }
    batch.push(audit::record(&ctx.db, now, None, "appointment_rescheduled", "appointment", Some(&id), Guard::PreviousChanged)?);
    let results = ctx.db.batch(batch).await?;
    if !first_changed(&results) {
        // Cancelled or started meanwhile, or the new slot is full.
        let again = db::by_id(&ctx.db, &id).await?.ok_or(ApiError::NotFound)?;
        changeable(&again.appointment.public, ctx.now)?;
        return Err(ApiError::SlotFull);
    }
    json(200, &db::by_id(&ctx.db, &id).await?.ok_or(ApiError::NotFound)?.appointment.public)
}

/// `POST /api/public/appointments/{token}/cancel`: the place is freed; a confirmation of the
/// cancellation goes out.
pub async fn public_cancel(ctx: Ctx) -> Result<Response, ApiError> {
    let stored = by_link(&ctx).await?;
    changeable(&stored.appointment.public, ctx.now)?;
    let calendar = crate::rules::load(&ctx.db).await?.calendar;
    let id = stored.appointment.id.clone();
    let now = ctx.now_ms();
    let mut batch = vec![db::cancel(&ctx.db, &id, now)?];
    if let Some((channel, to)) = address(stored.phone.as_deref(), stored.email.as_deref()) {
        let (subject, body) = message("appointment_cancelled", &stored.appointment.public, &calendar, &crate::config::institution(&ctx.env).zh, None);
        let message = Message { id: &new_id()?, appointment_id: &id, dedupe_key: &format!("appointment:{id}:cancelled"), channel, address: &to, kind: "appointment_cancelled", subject: &subject, body: &body };
        batch.push(db::insert_message(&ctx.db, &message, now)?);
    }
    batch.push(audit::record(&ctx.db, now, None, "appointment_cancelled", "appointment", Some(&id), Guard::PreviousChanged)?);
    let results = ctx.db.batch(batch).await?;
    if !first_changed(&results) {
        return Err(ApiError::Gone);
    }
    json(200, &db::by_id(&ctx.db, &id).await?.ok_or(ApiError::NotFound)?.appointment.public)
}

/// `GET /api/appointments`: `?reference=` (the counter's look-up), `?branch=&date=` (a branch's
/// day), or `?customer_id=` (a customer's appointments, soonest first).
pub async fn list(ctx: Ctx) -> Result<Response, ApiError> {
    let query = ctx.query()?;
    let get = |key: &str| query.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim().to_string()).filter(|v| !v.is_empty());
    let items: Vec<Appointment> = if let Some(typed) = get("reference") {
        let reference = normalize_reference(&typed);
        if reference.chars().count() > 20 {
            return Err(FieldError::invalid("reference", "reference is longer than 20 characters").into());
        }
        db::by_reference(&ctx.db, &reference).await?.map(|s| s.appointment).into_iter().collect()
    } else if let Some(customer) = get("customer_id") {
        let mut found = db::of_customer(&ctx.db, &customer).await?;
        found.sort_by_key(|a| std::cmp::Reverse(a.public.start));
        found
    } else {
        let branch = get("branch").ok_or_else(|| FieldError::missing("branch"))?;
        let date = params::date("date", &get("date").unwrap_or_default())?;
        let calendar = crate::rules::load(&ctx.db).await?.calendar;
        let (from, to) = day_span(&calendar, date)?;
        db::day(&ctx.db, &branch, from.timestamp_millis(), to.timestamp_millis()).await?
    };
    json(200, &Page { items, next_cursor: None })
}

/// The appointment an action names, and whether the version sent is still current.
async fn for_action(ctx: &Ctx, version: i64) -> Result<Stored, ApiError> {
    let stored = db::by_id(&ctx.db, ctx.param(0)).await?.ok_or(ApiError::NotFound)?;
    if stored.appointment.version != version {
        return Err(ApiError::VersionConflict);
    }
    if stored.appointment.public.status != AppointmentStatus::Booked {
        return Err(ApiError::Conflict("the appointment is no longer booked"));
    }
    Ok(stored)
}

/// `POST /api/appointments/{id}/check-in`: the customer is at the counter and their ID document
/// matched the booking.
pub async fn check_in(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: CheckInRequest = ctx.body().await?;
    let stored = for_action(&ctx, body.version).await?;
    let user = ctx.user()?.id.clone();
    let now = ctx.now_ms();
    let id = stored.appointment.id;
    let results = ctx
        .db
        .batch(vec![
            db::check_in(&ctx.db, &id, body.version, &user, now)?,
            audit::record(&ctx.db, now, Some(&user), "appointment_checked_in", "appointment", Some(&id), Guard::PreviousChanged)?,
        ])
        .await?;
    if !first_changed(&results) {
        return Err(ApiError::VersionConflict);
    }
    json(200, &db::by_id(&ctx.db, &id).await?.ok_or(ApiError::NotFound)?.appointment)
}

/// `POST /api/appointments/{id}/no-show`: once its time has come, the customer did not.
pub async fn no_show(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: NoShowRequest = ctx.body().await?;
    let stored = for_action(&ctx, body.version).await?;
    if stored.appointment.public.start > ctx.now {
        return Err(ApiError::Conflict("the appointment has not started yet"));
    }
    let user = ctx.user()?.id.clone();
    let now = ctx.now_ms();
    let id = stored.appointment.id;
    let results = ctx
        .db
        .batch(vec![
            db::no_show(&ctx.db, &id, body.version, now)?,
            audit::record(&ctx.db, now, Some(&user), "appointment_no_show", "appointment", Some(&id), Guard::PreviousChanged)?,
        ])
        .await?;
    if !first_changed(&results) {
        return Err(ApiError::VersionConflict);
    }
    json(200, &db::by_id(&ctx.db, &id).await?.ok_or(ApiError::NotFound)?.appointment)
}

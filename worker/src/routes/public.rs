//! What customers use without an account: the web form for inquiries and complaints.
//! (The FAQ they search is in `knowledge`.)

use domain::api::{NewCase, NewCustomer, PublicCaseReceipt, PublicCaseRequest};
use domain::Channel;
use worker::Response;

use crate::ctx::{json, Ctx};
use crate::db::events::Guard;
use crate::db::{audit, customers, knowledge, limits};
use crate::error::ApiError;
use crate::ids::new_id;
use crate::routes::cases;

/// Forms one client address may send per hour: a branch's or an office's shared address
/// sends many, a script more.
const PER_ADDRESS_PER_HOUR: u32 = 30;
/// Forms per hour for one e-mail address or phone number.
const PER_CONTACT_PER_HOUR: u32 = 5;
const HOUR_MS: i64 = 3_600_000;

/// `POST /api/public/cases`: checks the form (nothing is stored when it is invalid), counts it
/// against the rate limits, finds or creates the customer, and registers the case with channel
/// `web_form`, routed like any other. Answers with the reference to quote.
pub async fn create_case(mut ctx: Ctx) -> Result<Response, ApiError> {
    let form: PublicCaseRequest = ctx.body().await?;
    let phone = form.phone.as_deref().map(str::trim).filter(|p| !p.is_empty());
    let email = form.email.as_deref().map(str::trim).filter(|e| !e.is_empty());

    let address_key = limits::address_key("web_form", &ctx.client_address()?);
    let contact_key = limits::contact_key("web_form", phone, email);
    limits::check(&ctx.db, &[(&address_key, PER_ADDRESS_PER_HOUR), (&contact_key, PER_CONTACT_PER_HOUR)], HOUR_MS, ctx.now_ms()).await?;

    let customer = match customers::find_contact(&ctx.db, &form.name, phone, email).await? {
        Some(c) => c,
        None => {
            let id = new_id()?;
            let new = NewCustomer { name: form.name.clone(), phone: phone.map(str::to_string), email: email.map(str::to_string), segment: None };
            let now = ctx.now_ms();
            ctx.db
                .batch(vec![customers::insert(&ctx.db, &id, &new, now)?, audit::record(&ctx.db, now, None, "customer_created_by_web_form", "customer", Some(&id), Guard::None)?])
                .await?;
            customers::get(&ctx.db, &id).await?.ok_or(ApiError::Internal("customer vanished after insert".into()))?
        }
    };
    let case = NewCase {
        kind: form.kind,
        channel: Channel::WebForm,
        customer_id: customer.id.clone(),
        subject: form.subject,
        description: form.description,
        category: None,
        complexity: None,
        assignee: None,
        follow_up_id: None,
    };
    let how = cases::Registration { segment: customer.segment, by: None, keep: None, follow_up_key: None };
    let rules = crate::rules::load(&ctx.db).await?;
    let (id, _) = cases::register(&ctx.db, ctx.now, &case, how, &rules).await?;
    if !form.suggested_articles.is_empty() {
        // The form suggested articles and the customer sent it anyway.
        knowledge::record_deflection(&ctx.db, ctx.now_ms(), "submitted", None, Some(&id), form.suggested_articles.len()).await?;
    }
    let stored = crate::db::cases::get(&ctx.db, &id, ctx.now).await?.ok_or(ApiError::Internal("case vanished after insert".into()))?.case;
    json(201, &PublicCaseReceipt { reference: stored.reference, kind: stored.kind, first_response_due_at: stored.first_response_due_at })
}

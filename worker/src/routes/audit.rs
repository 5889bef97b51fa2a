//! The audit trail search (admin).

use domain::api::{page_limit, AuditQuery};
use worker::Response;

use crate::ctx::{json, Ctx};
use crate::db::audit;
use crate::error::ApiError;
use crate::rules;

/// `GET /api/audit`: newest first, 50 a page (`limit` up to 200).
pub async fn search(ctx: Ctx) -> Result<Response, ApiError> {
    let query = ctx.query()?;
    let pairs = || query.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    let q = AuditQuery::from_query(pairs())?;
    let limit = page_limit(pairs().find(|(k, _)| *k == "limit").map(|(_, v)| v))?;
    let zone = rules::load(&ctx.db).await?.calendar.zone();
    json(200, &audit::search(&ctx.db, &q, zone, limit).await?)
}

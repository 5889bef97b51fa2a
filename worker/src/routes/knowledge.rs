//! The knowledge base: staff write FAQ articles and search them from the composer; customers
//! read and search them without an account; the web form suggests them before it is sent.

use domain::api::{
    Article, ArticleHit, ArticleInput, ArticleStatus, DeflectionRequest, FieldError, KnowledgeInsights, Page, PublicArticle, SuggestRequest,
};
use domain::knowledge::{excerpt, rank, record_text, search_terms};
use domain::questionnaire::Text;
use domain::Role;
use worker::Response;

use crate::ctx::{json, no_content, Ctx};
use crate::db::events::Guard;
use crate::db::{audit, first_changed, knowledge, limits};
use crate::error::ApiError;
use crate::ids::{new_id, token_hash};

/// Results a search answers with; suggestions show fewer.
const RESULTS: usize = 20;
const SUGGESTIONS: usize = 3;
/// Characters of an article's body a result shows.
const EXCERPT: usize = 160;
/// Missed searches one client address may add to the admins' list per hour; more are answered
/// but not recorded, so a script cannot fill the list.
const MISSES_PER_ADDRESS_PER_HOUR: u32 = 60;
/// "Answered my question" clicks one address may record per hour.
const DEFLECTIONS_PER_ADDRESS_PER_HOUR: u32 = 30;
const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;

fn hit(a: Article) -> ArticleHit {
    ArticleHit {
        excerpt: Text { zh: excerpt(&a.body.zh, EXCERPT), en: excerpt(&a.body.en, EXCERPT) },
        id: a.id,
        category: a.category,
        tags: a.tags,
        title: a.title,
        status: a.status,
        views: a.views,
        updated_at: a.updated_at,
    }
}

/// The published articles matching `text`, best first, at most `limit`.
async fn search(ctx: &Ctx, text: &str, limit: usize) -> Result<Vec<Article>, ApiError> {
    let terms = search_terms(text);
    let (postings, published) = knowledge::postings(&ctx.db, &terms).await?;
    let ranked: Vec<String> = rank(&postings, published).into_iter().take(limit).map(|(id, _)| id).collect();
    let mut found = knowledge::by_ids(&ctx.db, &ranked).await?;
    found.retain(|a| a.status == ArticleStatus::Published);
    found.sort_by_key(|a| ranked.iter().position(|id| *id == a.id));
    Ok(found)
}

/// `?q=` (at most 100 characters) and `?category=`, checked.
fn search_params(ctx: &Ctx) -> Result<(String, Option<String>), ApiError> {
    let query = ctx.query()?;
    let get = |key: &str| query.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim().to_string()).filter(|v| !v.is_empty());
    let q = get("q").unwrap_or_default();
    if q.chars().count() > 100 {
        return Err(FieldError::invalid("q", "q is longer than 100 characters").into());
    }
    let category = get("category");
    if let Some(c) = &category {
        if !domain::case::is_category(c) {
            return Err(FieldError::invalid("category", format!("category must be one of {}", domain::case::CATEGORIES.join(", "))).into());
        }
    }
    Ok((q, category))
}

/// A search's results, or the list without one; a search that found nothing is counted for
/// the admins' list when `record_miss` allows it.
async fn find(ctx: &Ctx, q: &str, category: Option<&str>, published_only: bool, record_miss: bool) -> Result<Vec<ArticleHit>, ApiError> {
    let mut found = if q.is_empty() { knowledge::list(&ctx.db, published_only).await? } else { search(ctx, q, RESULTS).await? };
    found.retain(|a| category.is_none_or(|c| a.category == c));
    let terms = search_terms(q);
    if found.is_empty() && !terms.is_empty() && record_miss {
        // Keyed by a hash of its terms in order: the same search however spaced, cased or
        // ordered, and no number typed into it kept in the clear.
        let mut key = terms.clone();
        key.sort();
        knowledge::record_miss(&ctx.db, &new_id()?, &token_hash(&key.join(" ")), &record_text(q), ctx.now_ms()).await?;
    }
    Ok(found.into_iter().map(hit).collect())
}

/// `GET /api/articles`: agents see published articles; supervisors and admins drafts too
/// (a search finds published articles only: drafts are not in the index).
pub async fn list(ctx: Ctx) -> Result<Response, ApiError> {
    let (q, category) = search_params(&ctx)?;
    let writer = ctx.user()?.role.includes(Role::Supervisor);
    let items = find(&ctx, &q, category.as_deref(), !writer, true).await?;
    json(200, &Page { items, next_cursor: None })
}

/// `GET /api/articles/{id}`: a draft is only for those who write them.
pub async fn get(ctx: Ctx) -> Result<Response, ApiError> {
    let article = knowledge::get(&ctx.db, ctx.param(0)).await?.ok_or(ApiError::NotFound)?;
    if article.status == ArticleStatus::Draft && !ctx.user()?.role.includes(Role::Supervisor) {
        return Err(ApiError::NotFound);
    }
    json(200, &article)
}

pub async fn create(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: ArticleInput = ctx.body().await?;
    if body.version.is_some() {
        return Err(FieldError::invalid("version", "a new article has no version yet").into());
    }
    let user = ctx.user()?;
    let id = new_id()?;
    let now = ctx.now_ms();
    let mut batch = knowledge::insert(&ctx.db, &id, &body, &user.id, now)?;
    batch.push(audit::record(&ctx.db, now, Some(&user.id), "article_created", "article", Some(&id), Guard::None)?);
    ctx.db.batch(batch).await?;
    json(201, &knowledge::get(&ctx.db, &id).await?.ok_or(ApiError::Internal("article vanished after insert".into()))?)
}

pub async fn update(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: ArticleInput = ctx.body().await?;
    let version = body.version.ok_or_else(|| FieldError::missing("version"))?;
    let id = ctx.param(0).to_string();
    knowledge::get(&ctx.db, &id).await?.ok_or(ApiError::NotFound)?;
    let user = ctx.user()?;
    let now = ctx.now_ms();
    let mut batch = knowledge::update(&ctx.db, &id, version, &body, now)?;
    let saved = batch.len() - 1;
    batch.push(audit::record(&ctx.db, now, Some(&user.id), "article_updated", "article", Some(&id), Guard::PreviousChanged)?);
    let results = ctx.db.batch(batch).await?;
    if !first_changed(&results[saved..]) {
        return Err(ApiError::VersionConflict);
    }
    json(200, &knowledge::get(&ctx.db, &id).await?.ok_or(ApiError::NotFound)?)
}

/// `GET /api/cases/{id}/suggested-articles`: the published articles most related to the
/// case's subject and description.
pub async fn for_case(ctx: Ctx) -> Result<Response, ApiError> {
    let loaded = crate::db::cases::get(&ctx.db, ctx.param(0), ctx.now).await?.ok_or(ApiError::NotFound)?;
    let text = format!("{}\n{}", loaded.case.subject, loaded.description);
    let items: Vec<ArticleHit> = search(&ctx, &text, SUGGESTIONS).await?.into_iter().map(hit).collect();
    json(200, &Page { items, next_cursor: None })
}

/// `GET /api/knowledge/insights`.
pub async fn insights(ctx: Ctx) -> Result<Response, ApiError> {
    let since = ctx.now_ms() - 30 * DAY_MS;
    let (answered, submitted) = knowledge::deflection_counts(&ctx.db, since).await?;
    json(
        200,
        &KnowledgeInsights {
            most_viewed: knowledge::most_viewed(&ctx.db, 10).await?.into_iter().map(hit).collect(),
            missed: knowledge::missed(&ctx.db, 200).await?,
            since: crate::db::time(since),
            answered,
            submitted,
        },
    )
}

/// `POST /api/knowledge/missed-searches/{id}/dismiss`: off the list until it is searched again.
pub async fn dismiss(ctx: Ctx) -> Result<Response, ApiError> {
    let id = ctx.param(0).to_string();
    let user = ctx.user()?;
    let now = ctx.now_ms();
    let results = ctx
        .db
        .batch(vec![
            knowledge::dismiss(&ctx.db, &id, now)?,
            audit::record(&ctx.db, now, Some(&user.id), "missed_search_dismissed", "missed_search", Some(&id), Guard::PreviousChanged)?,
        ])
        .await?;
    if !first_changed(&results) {
        return Err(ApiError::NotFound);
    }
    no_content()
}

/// `GET /api/public/articles`: the FAQ, or a search of it.
pub async fn public_list(ctx: Ctx) -> Result<Response, ApiError> {
    let (q, category) = search_params(&ctx)?;
    let record = !q.is_empty()
        && match limits::check(&ctx.db, &[(&limits::address_key("faq_miss", &ctx.client_address()?), MISSES_PER_ADDRESS_PER_HOUR)], HOUR_MS, ctx.now_ms()).await {
            Ok(()) => true,
            Err(ApiError::RateLimited(_)) => false,
            Err(e) => return Err(e),
        };
    let items = find(&ctx, &q, category.as_deref(), true, record).await?;
    json(200, &Page { items, next_cursor: None })
}

/// `GET /api/public/articles/{id}`: a published article; each read is counted as a view.
pub async fn public_get(ctx: Ctx) -> Result<Response, ApiError> {
    let id = ctx.param(0).to_string();
    if !knowledge::count_view(&ctx.db, &id).await? {
        return Err(ApiError::NotFound);
    }
    let a = knowledge::get(&ctx.db, &id).await?.ok_or(ApiError::NotFound)?;
    json(200, &PublicArticle { id: a.id, category: a.category, tags: a.tags, title: a.title, body: a.body, updated_at: a.updated_at })
}

/// `POST /api/public/articles/suggest`: the articles most related to what the customer has
/// typed into the web form; records nothing.
pub async fn suggest(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: SuggestRequest = ctx.body().await?;
    let items: Vec<ArticleHit> = search(&ctx, &body.text, SUGGESTIONS).await?.into_iter().map(hit).collect();
    json(200, &Page { items, next_cursor: None })
}

/// `POST /api/public/deflections`: a suggested article answered the customer's question.
pub async fn deflected(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: DeflectionRequest = ctx.body().await?;
    let article = knowledge::get(&ctx.db, &body.article_id).await?.filter(|a| a.status == ArticleStatus::Published);
    if article.is_none() {
        return Err(FieldError::invalid("article_id", "no published article has this id").into());
    }
    limits::check(&ctx.db, &[(&limits::address_key("deflection", &ctx.client_address()?), DEFLECTIONS_PER_ADDRESS_PER_HOUR)], HOUR_MS, ctx.now_ms()).await?;
    knowledge::record_deflection(&ctx.db, ctx.now_ms(), "answered", Some(&body.article_id), None, 1).await?;
    no_content()
}

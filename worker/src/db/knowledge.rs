//! The knowledge base's tables: articles, their search index, searches that found nothing, and
//! what the web form's suggestions did (0025_knowledge.sql).

use domain::api::{Article, ArticleInput, ArticleStatus, MissedSearch};
use domain::knowledge::Posting;
use domain::questionnaire::Text;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use super::time;
use crate::db::query;
use crate::error::ApiError;

/// Most articles a list holds; the knowledge base is written by hand, hundreds at most.
pub const MAX_ARTICLES: u32 = 500;

const COLUMNS: &str = "id, category, tags, title_zh, body_zh, title_en, body_en, status, views, helpful, updated_at, published_at, version";

#[derive(Deserialize)]
struct Row {
    id: String,
    category: String,
    tags: String,
    title_zh: String,
    body_zh: String,
    title_en: String,
    body_en: String,
    status: String,
    views: i64,
    helpful: i64,
    updated_at: i64,
    published_at: Option<i64>,
    version: i64,
}

impl TryFrom<Row> for Article {
    type Error = ApiError;
    fn try_from(r: Row) -> Result<Self, ApiError> {
        Ok(Article {
            status: ArticleStatus::parse(&r.status).ok_or_else(|| ApiError::Internal(format!("articles.status {}", r.status)))?,
            tags: serde_json::from_str(&r.tags).map_err(|e| ApiError::Internal(format!("articles.tags: {e}")))?,
            id: r.id,
            category: r.category,
            title: Text { zh: r.title_zh, en: r.title_en },
            body: Text { zh: r.body_zh, en: r.body_en },
            views: r.views,
            helpful: r.helpful,
            updated_at: time(r.updated_at),
            published_at: r.published_at.map(time),
            version: r.version,
        })
    }
}

fn articles(rows: Vec<Row>) -> Result<Vec<Article>, ApiError> {
    rows.into_iter().map(Article::try_from).collect()
}

/// Every article, newest change first (articles_by_update); only published ones when
/// `published_only` (the articles table is small: hundreds of rows).
pub async fn list(db: &D1Database, published_only: bool) -> Result<Vec<Article>, ApiError> {
    let rows: Vec<Row> = if published_only {
        query!(db, format!("SELECT {COLUMNS} FROM articles WHERE status = 'published' ORDER BY updated_at DESC LIMIT ?1"), MAX_ARTICLES)?
    } else {
        query!(db, format!("SELECT {COLUMNS} FROM articles ORDER BY updated_at DESC LIMIT ?1"), MAX_ARTICLES)?
    }
    .all()
    .await?
    .results()?;
    articles(rows)
}

/// The most read published articles (a sort of the small articles table).
pub async fn most_viewed(db: &D1Database, limit: u32) -> Result<Vec<Article>, ApiError> {
    let rows: Vec<Row> = query!(db, format!("SELECT {COLUMNS} FROM articles WHERE status = 'published' AND views > 0 ORDER BY views DESC, id LIMIT ?1"), limit)?
        .all()
        .await?
        .results()?;
    articles(rows)
}

pub async fn get(db: &D1Database, id: &str) -> Result<Option<Article>, ApiError> {
    let row: Option<Row> = query!(db, format!("SELECT {COLUMNS} FROM articles WHERE id = ?1"), id)?.first(None).await?;
    row.map(Article::try_from).transpose()
}

/// The articles with these ids (by primary key), in no particular order.
pub async fn by_ids(db: &D1Database, ids: &[String]) -> Result<Vec<Article>, ApiError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = serde_json::to_string(ids).map_err(|e| ApiError::Internal(e.to_string()))?;
    let rows: Vec<Row> = query!(db, format!("SELECT {COLUMNS} FROM articles WHERE id IN (SELECT value FROM json_each(?1))"), list)?
        .all()
        .await?
        .results()?;
    articles(rows)
}

#[derive(Deserialize)]
struct PostingRow {
    term: String,
    article_id: String,
    weight: i64,
}

#[derive(Deserialize)]
struct Count {
    n: i64,
}

/// The index rows of `terms` (article_terms' primary key, term first), and how many articles
/// are published: what [`domain::knowledge::rank`] ranks.
pub async fn postings(db: &D1Database, terms: &[String]) -> Result<(Vec<Posting>, usize), ApiError> {
    if terms.is_empty() {
        return Ok((Vec::new(), 0));
    }
    let list = serde_json::to_string(terms).map_err(|e| ApiError::Internal(e.to_string()))?;
    let results = db
        .batch(vec![
            query!(db, "SELECT term, article_id, weight FROM article_terms WHERE term IN (SELECT value FROM json_each(?1))", list)?,
            crate::db::prepare(db, "SELECT COUNT(*) AS n FROM articles WHERE status = 'published'".into(), &[])?,
        ])
        .await?;
    let rows: Vec<PostingRow> = results.first().map(|r| r.results()).transpose()?.unwrap_or_default();
    let published = results.get(1).map(|r| r.results::<Count>()).transpose()?.and_then(|c| c.first().map(|c| c.n)).unwrap_or(0);
    let postings = rows.into_iter().map(|r| Posting { term: r.term, article: r.article_id, weight: r.weight }).collect();
    Ok((postings, published.max(0) as usize))
}

/// The index rows of an article, as the JSON list the statements below read.
fn terms_json(a: &ArticleInput) -> Result<String, ApiError> {
    serde_json::to_string(&a.index_terms()).map_err(|e| ApiError::Internal(e.to_string()))
}

fn tags_json(a: &ArticleInput) -> Result<String, ApiError> {
    let tags: Vec<&str> = a.tags.iter().map(|t| t.trim()).collect();
    serde_json::to_string(&tags).map_err(|e| ApiError::Internal(e.to_string()))
}

/// The statements that write a new article and its index rows.
pub fn insert(db: &D1Database, id: &str, a: &ArticleInput, author: &str, now: i64) -> Result<Vec<D1PreparedStatement>, ApiError> {
    let published_at = (a.status == ArticleStatus::Published).then_some(now);
    let (tags, terms) = (tags_json(a)?, terms_json(a)?);
    Ok(vec![
        query!(
            db,
            "INSERT INTO articles (id, category, tags, title_zh, body_zh, title_en, body_en, status, author_id, created_at, updated_at, published_at, version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, 1)",
            id,
            &a.category,
            tags,
            a.title.zh.trim(),
            a.body.zh.trim(),
            a.title.en.trim(),
            a.body.en.trim(),
            a.status.as_str(),
            author,
            now,
            published_at
        )?,
        // The article was just written at version 1.
        index(db, id, 1, &terms)?,
    ])
}

/// The insert of an article's index rows (`terms`, a JSON list of [term, weight]), only while
/// the article is at `version`.
fn index(db: &D1Database, id: &str, version: i64, terms: &str) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(
        db,
        "INSERT INTO article_terms (term, article_id, weight) SELECT json_extract(value, '$[0]'), ?1, json_extract(value, '$[1]') FROM json_each(?3)
         WHERE EXISTS (SELECT 1 FROM articles WHERE id = ?1 AND version = ?2)",
        id,
        version,
        terms
    )?)
}

/// The statements that save an article still at `version` and replace its index rows; the
/// update comes last, so the caller's audit event can follow it with `Guard::PreviousChanged`.
/// Every statement checks the version, so a save that lost a race changes nothing.
pub fn update(db: &D1Database, id: &str, version: i64, a: &ArticleInput, now: i64) -> Result<Vec<D1PreparedStatement>, ApiError> {
    let (tags, terms) = (tags_json(a)?, terms_json(a)?);
    Ok(vec![
        // article_terms_by_article; the version check is a primary-key lookup.
        query!(
            db,
            "DELETE FROM article_terms WHERE article_id = ?1 AND EXISTS (SELECT 1 FROM articles WHERE id = ?1 AND version = ?2)",
            id,
            version
        )?,
        index(db, id, version, &terms)?,
        query!(
            db,
            "UPDATE articles SET category = ?3, tags = ?4, title_zh = ?5, body_zh = ?6, title_en = ?7, body_en = ?8, status = ?9, updated_at = ?10,
               published_at = CASE WHEN ?9 = 'published' THEN COALESCE(published_at, ?10) END, version = version + 1
             WHERE id = ?1 AND version = ?2",
            id,
            version,
            &a.category,
            tags,
            a.title.zh.trim(),
            a.body.zh.trim(),
            a.title.en.trim(),
            a.body.en.trim(),
            a.status.as_str(),
            now
        )?,
    ])
}

/// Counts one view of a published article; false when there is none with this id.
pub async fn count_view(db: &D1Database, id: &str) -> Result<bool, ApiError> {
    let result = query!(db, "UPDATE articles SET views = views + 1 WHERE id = ?1 AND status = 'published'", id)?.run().await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
}

/// Counts a search that found nothing under its terms (`key`); one dismissed comes back.
pub async fn record_miss(db: &D1Database, id: &str, key: &str, query_text: &str, now: i64) -> Result<(), ApiError> {
    query!(
        db,
        "INSERT INTO missed_searches (id, key, query, count, first_at, last_at) VALUES (?1, ?2, ?3, 1, ?4, ?4)
         ON CONFLICT (key) DO UPDATE SET count = count + 1, last_at = ?4, query = ?3, dismissed_at = NULL",
        id,
        key,
        query_text,
        now
    )?
    .run()
    .await?;
    Ok(())
}

#[derive(Deserialize)]
struct MissRow {
    id: String,
    query: String,
    count: i64,
    first_at: i64,
    last_at: i64,
}

/// The searches that found nothing and were not dismissed, most recent first (missed_searches_open).
pub async fn missed(db: &D1Database, limit: u32) -> Result<Vec<MissedSearch>, ApiError> {
    let rows: Vec<MissRow> = query!(
        db,
        "SELECT id, query, count, first_at, last_at FROM missed_searches WHERE dismissed_at IS NULL ORDER BY last_at DESC LIMIT ?1",
        limit
    )?
    .all()
    .await?
    .results()?;
    Ok(rows.into_iter().map(|r| MissedSearch { id: r.id, query: r.query, count: r.count, first_at: time(r.first_at), last_at: time(r.last_at) }).collect())
}

/// The dismissal of a missed search still on the list.
pub fn dismiss(db: &D1Database, id: &str, now: i64) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(db, "UPDATE missed_searches SET dismissed_at = ?2 WHERE id = ?1 AND dismissed_at IS NULL", id, now)?)
}

/// Records what a customer did after the web form suggested articles: `answered` (by
/// `article_id`, which is counted as helpful) or `submitted` (as `case_id`).
pub async fn record_deflection(db: &D1Database, now: i64, outcome: &str, article_id: Option<&str>, case_id: Option<&str>, shown: usize) -> Result<(), ApiError> {
    let mut batch = vec![query!(
        db,
        "INSERT INTO deflections (at, outcome, article_id, case_id, shown) VALUES (?1, ?2, ?3, ?4, ?5)",
        now,
        outcome,
        article_id,
        case_id,
        shown as i64
    )?];
    if let (Some(article), "answered") = (article_id, outcome) {
        batch.push(query!(db, "UPDATE articles SET helpful = helpful + 1 WHERE id = ?1", article)?);
    }
    db.batch(batch).await?;
    Ok(())
}

/// How many customers the suggestions answered, and how many sent the form anyway, since
/// `since` (deflections_by_outcome).
pub async fn deflection_counts(db: &D1Database, since: i64) -> Result<(i64, i64), ApiError> {
    let count = |outcome: &'static str| query!(db, "SELECT COUNT(*) AS n FROM deflections WHERE outcome = ?1 AND at >= ?2", outcome, since);
    let results = db.batch(vec![count("answered")?, count("submitted")?]).await?;
    let n = |i: usize| -> Result<i64, ApiError> { Ok(results.get(i).map(|r| r.results::<Count>()).transpose()?.and_then(|c| c.first().map(|c| c.n)).unwrap_or(0)) };
    Ok((n(0)?, n(1)?))
}

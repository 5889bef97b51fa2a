//! How many case records each member of staff reads in an hour, and the alert when it is
//! unusual (`domain::privacy::BULK_READS_PER_HOUR`): the export is supervisor-only, masked and
//! audited, so copying the case list page by page must not go unnoticed either.

use domain::api::User;
use domain::privacy::BULK_READS_PER_HOUR;
use serde::Deserialize;
use worker::D1Database;

use crate::db::audit;
use crate::db::events::Guard;
use crate::db::query;
use crate::error::ApiError;
use crate::ids::token_hash;

const HOUR_MS: i64 = 3_600_000;

/// Counts `records` read by `user` in the hour containing `now` (a fixed window of
/// rate_limits, keyed by a hash). The request that takes the count past the threshold writes,
/// in one batch, an audit event about the reader and an in-app message to every active
/// supervisor and admin, once an hour (the message's dedupe key names the hour).
pub async fn note(db: &D1Database, user: &User, records: u32, now: i64) -> Result<(), ApiError> {
    if records == 0 {
        return Ok(());
    }
    let window = now - now.rem_euclid(HOUR_MS);
    let key = token_hash(&format!("case_reads:user:{}", user.id));
    #[derive(Deserialize)]
    struct Count {
        count: u32,
    }
    // Primary key (key, window_start); the hour before is deleted as the next begins.
    let counted = db
        .batch(vec![
            query!(db, "DELETE FROM rate_limits WHERE key = ?1 AND window_start < ?2", &key, window)?,
            query!(
                db,
                "INSERT INTO rate_limits (key, window_start, count) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key, window_start) DO UPDATE SET count = count + ?3 RETURNING count",
                &key,
                window,
                records
            )?,
        ])
        .await?;
    let after = counted.get(1).map(|r| r.results::<Count>()).transpose()?.and_then(|c| c.first().map(|c| c.count)).unwrap_or(0);
    let before = after.saturating_sub(records);
    if !(before < BULK_READS_PER_HOUR && after >= BULK_READS_PER_HOUR) {
        return Ok(());
    }
    let subject = "批量读取提醒 / Unusual reading volume";
    let body = format!(
        "{name} 在一小时内已读取 {after} 条工单记录（提醒阈值 {BULK_READS_PER_HOUR}），请核实是否为工作需要。见审计日志。\n{name} has read {after} case records within an hour (alert threshold {BULK_READS_PER_HOUR}); please check it was needed for their work. See the audit trail.",
        name = user.name
    );
    db.batch(vec![
        audit::record(db, now, Some(&user.id), "bulk_reading", "user", Some(&user.id), Guard::None)?,
        // Staff, not customers: the users table is read whole (as the roster is).
        query!(
            db,
            "INSERT OR IGNORE INTO outbox (id, dedupe_key, channel, recipient_id, kind, subject, body, status, attempts, next_attempt_at, created_at, sent_at)
             SELECT lower(hex(randomblob(10))), 'bulk_reading:' || ?1 || ':' || ?2 || ':' || u.id, 'in_app', u.id, 'bulk_reading', ?3, ?4, 'sent', 0, ?5, ?5, ?5
               FROM users u WHERE u.active = 1 AND u.role IN ('supervisor', 'admin')",
            &user.id,
            window,
            subject,
            &body,
            now
        )?,
    ])
    .await?;
    Ok(())
}

//! Admin-edited settings, one JSON value per key, each with a version.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use worker::{D1Database, D1PreparedStatement};

use crate::db::query;
use crate::error::ApiError;

#[derive(Deserialize)]
struct SettingRow {
    key: String,
    value: String,
    version: i64,
}

/// Every stored setting: key, JSON text and version. The table holds a handful of rows.
pub async fn all(db: &D1Database) -> Result<Vec<(String, String, i64)>, ApiError> {
    all_from(&all_statement(db)?.all().await?)
}

/// The statement of [`all`], for a caller that batches it with other reads.
pub fn all_statement(db: &D1Database) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(db, "SELECT key, value, version FROM settings"))
}

/// The settings of [`all_statement`]'s result.
pub fn all_from(result: &worker::D1Result) -> Result<Vec<(String, String, i64)>, ApiError> {
    let rows: Vec<SettingRow> = result.results()?;
    Ok(rows.into_iter().map(|r| (r.key, r.value, r.version)).collect())
}

/// A stored value as its domain type, if stored and readable.
pub fn decode<T: DeserializeOwned>(rows: &[(String, String, i64)], key: &str) -> Option<(T, i64)> {
    let (_, value, version) = rows.iter().find(|(k, _, _)| k == key)?;
    match serde_json::from_str(value) {
        Ok(v) => Some((v, *version)),
        Err(_) => {
            worker::console_error!("setting {key} could not be read; using the default");
            None
        }
    }
}

/// Writes a setting if it is still at `version` (0: never saved); batched statements after it
/// can test `changes() = 1`.
pub fn save<T: Serialize>(
    db: &D1Database,
    key: &str,
    value: &T,
    version: i64,
    now: i64,
    user_id: &str,
) -> Result<D1PreparedStatement, ApiError> {
    let json = serde_json::to_string(value).map_err(|e| ApiError::Internal(format!("encode setting: {e}")))?;
    Ok(query!(
        db,
        "INSERT INTO settings (key, value, version, updated_at, updated_by) VALUES (?1, ?2, 1, ?3, ?4)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = settings.version + 1,
           updated_at = excluded.updated_at, updated_by = excluded.updated_by
         WHERE settings.version = ?5",
        key,
        json,
        now,
        user_id,
        version
    )?)
}

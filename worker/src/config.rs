//! The worker's vars (`wrangler.toml` `[vars]`, or `--var` locally), read with their defaults.

use domain::questionnaire::Text;
use worker::Env;

/// A var's value, `None` when unset or blank.
pub fn var(env: &Env, name: &str) -> Option<String> {
    env.var(name).ok().map(|v| v.to_string()).filter(|v| !v.trim().is_empty())
}

/// The institution's name as customers see it, in Chinese and English.
pub fn institution(env: &Env) -> Text {
    let zh = var(env, "INSTITUTION_NAME").unwrap_or_else(|| "示例银行".into());
    let en = var(env, "INSTITUTION_NAME_EN").unwrap_or_else(|| zh.clone());
    Text { zh, en }
}

/// Where customers open links Kefu sends them (survey links): the app's public address.
pub fn public_url(env: &Env) -> String {
    var(env, "PUBLIC_URL").unwrap_or_else(|| "http://127.0.0.1:8787".into())
}

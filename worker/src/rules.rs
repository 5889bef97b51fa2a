//! The rules the worker applies, as admins last saved them (the institution's defaults where
//! they never did): business calendar, SLA policies, regulatory regime, classifier phrases,
//! follow-up rules and call scripts. Read per request, so a saved change applies to the next
//! clock at once.

use domain::api::{RegimeSetting, SettingVersions, Settings};
use domain::calendar::BusinessCalendar;
use domain::classify;
use domain::follow_up;
use domain::regulatory::Regime;
use domain::sla::PolicySet;
use worker::D1Database;

use crate::db::settings;
use crate::error::ApiError;

pub struct Rules {
    pub calendar: BusinessCalendar,
    pub policies: PolicySet,
    pub regime: Regime,
    pub classifier: classify::Rules,
    pub follow_up: follow_up::Rules,
    pub scripts: follow_up::script::Scripts,
}

/// The settings as stored, each falling back to its default.
pub async fn settings(db: &D1Database) -> Result<Settings, ApiError> {
    Ok(settings_from(&settings::all(db).await?))
}

/// The settings of the stored rows ([`settings::all`]), each falling back to its default.
pub fn settings_from(rows: &[(String, String, i64)]) -> Settings {
    let mut s = Settings::default();
    let mut v = SettingVersions::default();
    if let Some((x, n)) = settings::decode(rows, "calendar") {
        (s.calendar, v.calendar) = (x, n);
    }
    if let Some((x, n)) = settings::decode(rows, "sla_policies") {
        (s.sla_policies, v.sla_policies) = (x, n);
    }
    if let Some((x, n)) = settings::decode::<RegimeSetting>(rows, "regime") {
        (s.regime, v.regime) = (x, n);
    }
    if let Some((x, n)) = settings::decode(rows, "classifier") {
        (s.classifier, v.classifier) = (x, n);
    }
    if let Some((x, n)) = settings::decode(rows, "follow_up") {
        (s.follow_up, v.follow_up) = (x, n);
    }
    if let Some((x, n)) = settings::decode(rows, "follow_up_scripts") {
        (s.follow_up_scripts, v.follow_up_scripts) = (x, n);
    }
    s.versions = v;
    s
}

pub async fn load(db: &D1Database) -> Result<Rules, ApiError> {
    Ok(from_settings(settings(db).await?))
}

/// The rules of the stored settings.
pub fn from_settings(s: Settings) -> Rules {
    // A stored calendar was checked when saved; should it ever fail, the default still answers.
    let calendar = BusinessCalendar::new(&s.calendar).unwrap_or_else(|_| BusinessCalendar::china_default());
    Rules {
        calendar,
        policies: s.sla_policies,
        regime: s.regime.regime,
        classifier: s.classifier,
        follow_up: s.follow_up,
        scripts: s.follow_up_scripts,
    }
}

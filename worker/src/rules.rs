//! The rules the worker applies: the SLA policies, the business calendar and the regulatory
//! regime. Today these are the institution's defaults; admin-edited versions stored in D1 take
//! their place with the settings screens.

use domain::calendar::BusinessCalendar;
use domain::regulatory::Regime;
use domain::sla::PolicySet;

pub fn current() -> (PolicySet, BusinessCalendar, Regime) {
    (PolicySet::standard(), BusinessCalendar::china_default(), Regime::China2020)
}

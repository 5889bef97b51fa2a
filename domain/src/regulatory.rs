//! Regulators' clocks, run beside the institution's own SLA for every complaint: the regime the
//! institution selects sets what must happen by when, and each complaint shows its next
//! obligation and when it is due.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::BusinessCalendar;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Regime {
    /// 银行业保险业消费投诉处理管理办法 (2020).
    China2020,
    /// FCA DISP 1.
    UkDisp,
    /// FCA DISP 1 for payment services (PSRs 2017).
    UkDispPayments,
    /// PSD2 article 101.
    EuPsd2,
    /// CFPB complaint process.
    UsCfpb,
}

/// Something the institution owes the customer by a deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Obligation {
    /// China: the decision on the complaint.
    Decision,
    /// UK: a summary resolution communication, or else the complaint runs to a final response.
    SummaryResolution,
    /// A holding reply explaining the delay and when the final response will come.
    HoldingReply,
    /// The first response (CFPB).
    Response,
    FinalResponse,
}

/// What a regulatory clock needs to know about a complaint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintFacts {
    pub received_at: DateTime<Utc>,
    pub complex: bool,
    /// China: an extension to 60 days approved by senior management (customer told).
    pub extension_approved: bool,
    /// China: time spent on external appraisal, which does not count.
    pub excluded: Duration,
    /// Obligations already met.
    pub done: Vec<Obligation>,
}

/// One obligation and its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    pub obligation: Obligation,
    pub due_at: DateTime<Utc>,
}

/// The end of the day `t` falls on, in the institution's zone: the latest "close of business"
/// can mean, so a reply sent after the last shift still counts for that day.
fn close_of_business(cal: &BusinessCalendar, t: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::TimeZone;
    let day = cal.local_date(t);
    let midnight = day.succ_opt().unwrap_or(day).and_hms_opt(0, 0, 0).expect("midnight");
    cal.zone().from_local_datetime(&midnight).earliest().map_or(t, |m| m.with_timezone(&Utc))
}

/// The end of the `n`-th business day after the day `t` falls on.
pub fn business_days_after(cal: &BusinessCalendar, t: DateTime<Utc>, n: u32) -> DateTime<Utc> {
    let mut day_end = close_of_business(cal, t);
    let mut counted = 0;
    while counted < n {
        // The next day that has any opening hours is a business day.
        let Some(open) = cal.next_opening(day_end) else { break };
        day_end = close_of_business(cal, open);
        counted += 1;
    }
    day_end
}

impl Regime {
    /// Every obligation of a complaint under this regime, in order of deadline.
    pub fn obligations(self, cal: &BusinessCalendar, c: &ComplaintFacts) -> Vec<Due> {
        let at = c.received_at;
        let days = |n: i64| at + Duration::days(n);
        let due = |obligation, due_at| Due { obligation, due_at };
        let mut list = match self {
            Regime::China2020 => {
                let limit = match (c.complex, c.extension_approved) {
                    (_, true) => 60,
                    (true, false) => 30,
                    (false, false) => 15,
                };
                vec![due(Obligation::Decision, days(limit) + c.excluded)]
            }
            Regime::UkDisp => vec![
                due(Obligation::SummaryResolution, business_days_after(cal, at, 3)),
                due(Obligation::FinalResponse, days(56)),
            ],
            Regime::UkDispPayments | Regime::EuPsd2 => vec![
                due(Obligation::HoldingReply, business_days_after(cal, at, 15)),
                due(Obligation::FinalResponse, business_days_after(cal, at, 35)),
            ],
            Regime::UsCfpb => vec![due(Obligation::Response, days(15)), due(Obligation::FinalResponse, days(60))],
        };
        list.sort_by_key(|d| d.due_at);
        list
    }

    /// The next obligation not yet met, and its deadline.
    pub fn next(self, cal: &BusinessCalendar, c: &ComplaintFacts) -> Option<Due> {
        self.obligations(cal, c).into_iter().find(|d| !c.done.contains(&d.obligation))
    }

    /// The final deadline, which the complaint register reports as the regulatory due date.
    pub fn final_due(self, cal: &BusinessCalendar, c: &ComplaintFacts) -> DateTime<Utc> {
        self.obligations(cal, c).last().map(|d| d.due_at).unwrap_or(c.received_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::bj;

    fn cal() -> BusinessCalendar {
        BusinessCalendar::china_default()
    }


    fn facts(received_at: DateTime<Utc>) -> ComplaintFacts {
        ComplaintFacts { received_at, complex: false, extension_approved: false, excluded: Duration::zero(), done: vec![] }
    }

    #[test]
    fn china_allows_15_days_30_when_complex_and_60_with_approval_excluding_appraisal() {
        let t = bj(2026, 11, 20, 10, 0);
        let table = [
            (facts(t), 15),
            (ComplaintFacts { complex: true, ..facts(t) }, 30),
            (ComplaintFacts { complex: true, extension_approved: true, ..facts(t) }, 60),
        ];
        for (c, days) in table {
            assert_eq!(Regime::China2020.final_due(&cal(), &c), t + Duration::days(days));
        }
        let appraised = ComplaintFacts { excluded: Duration::days(4), ..facts(t) };
        assert_eq!(Regime::China2020.final_due(&cal(), &appraised), t + Duration::days(19));
        assert_eq!(Regime::China2020.next(&cal(), &facts(t)).unwrap().obligation, Obligation::Decision);
    }

    #[test]
    fn uk_summary_resolution_by_close_of_the_third_business_day_then_eight_weeks() {
        // Received Friday 20 November: business days Mon 23, Tue 24, Wed 25 → close of Wednesday.
        let t = bj(2026, 11, 20, 16, 0);
        let list = Regime::UkDisp.obligations(&cal(), &facts(t));
        assert_eq!(list[0], Due { obligation: Obligation::SummaryResolution, due_at: bj(2026, 11, 26, 0, 0) });
        assert_eq!(list[1], Due { obligation: Obligation::FinalResponse, due_at: t + Duration::weeks(8) });
        let done = ComplaintFacts { done: vec![Obligation::SummaryResolution], ..facts(t) };
        assert_eq!(Regime::UkDisp.next(&cal(), &done).unwrap().obligation, Obligation::FinalResponse);
    }

    #[test]
    fn payment_services_and_psd2_count_15_and_35_business_days() {
        // Received Monday 21 September 2026: Mid-Autumn (25–27 September) and National Day
        // (1–7 October) do not count; the make-up Saturday 10 October does.
        let t = bj(2026, 9, 21, 10, 0);
        for regime in [Regime::UkDispPayments, Regime::EuPsd2] {
            let list = regime.obligations(&cal(), &facts(t));
            assert_eq!(list[0].obligation, Obligation::HoldingReply);
            // Sep 22, 23, 24, 28, 29, 30 (6); Oct 8, 9, 10, 12, 13, 14, 15, 16, 19 → the 15th is Oct 19.
            assert_eq!(list[0].due_at, bj(2026, 10, 20, 0, 0));
            assert_eq!(list[1].obligation, Obligation::FinalResponse);
        }
    }

    #[test]
    fn cfpb_counts_calendar_days() {
        let t = bj(2026, 11, 20, 10, 0);
        let list = Regime::UsCfpb.obligations(&cal(), &facts(t));
        assert_eq!(list, vec![
            Due { obligation: Obligation::Response, due_at: t + Duration::days(15) },
            Due { obligation: Obligation::FinalResponse, due_at: t + Duration::days(60) },
        ]);
        let all_done = ComplaintFacts { done: vec![Obligation::Response, Obligation::FinalResponse], ..facts(t) };
        assert_eq!(Regime::UsCfpb.next(&cal(), &all_done), None);
    }
}

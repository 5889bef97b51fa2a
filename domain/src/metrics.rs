//! The numbers supervisors watch, as pure functions over records: SLA attainment, response time
//! percentiles, complaint step durations, the follow-up rate, CSAT, NPS and churn.

use chrono::{DateTime, Duration, Utc};

/// One clock's outcome for attainment: when it was due and when (if ever) it was met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockRecord {
    pub due: DateTime<Utc>,
    pub met_at: Option<DateTime<Utc>>,
}

/// The share (0–1) of decided clocks met on time, at `now`. A clock is decided once met or once
/// its deadline has passed; clocks still running and not yet due are left out. `None` when no
/// clock is decided.
pub fn sla_attainment(records: &[ClockRecord], now: DateTime<Utc>) -> Option<f64> {
    let (mut decided, mut on_time) = (0u32, 0u32);
    for r in records {
        match r.met_at {
            Some(m) => {
                decided += 1;
                on_time += u32::from(m <= r.due);
            }
            None if now >= r.due => decided += 1,
            None => {}
        }
    }
    (decided > 0).then(|| f64::from(on_time) / f64::from(decided))
}

/// The `p`-th percentile (0–100) of durations by the nearest-rank method; `None` when empty.
pub fn percentile(durations: &[Duration], p: u8) -> Option<Duration> {
    if durations.is_empty() {
        return None;
    }
    let mut sorted = durations.to_vec();
    sorted.sort();
    let rank = (f64::from(p.min(100)) / 100.0 * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

pub fn median(durations: &[Duration]) -> Option<Duration> {
    percentile(durations, 50)
}

/// The mean of durations; `None` when empty.
pub fn mean(durations: &[Duration]) -> Option<Duration> {
    let n = i32::try_from(durations.len()).ok().filter(|n| *n > 0)?;
    Some(durations.iter().fold(Duration::zero(), |a, d| a + *d) / n)
}

/// The follow-up rate: finished over due (0–1), and whether it meets `target_percent`.
pub fn follow_up_rate(due: u32, finished: u32, target_percent: u8) -> Option<(f64, bool)> {
    (due > 0).then(|| {
        let rate = f64::from(finished.min(due)) / f64::from(due);
        (rate, rate * 100.0 >= f64::from(target_percent))
    })
}

/// A CSAT answer: `Some(true)` satisfied (4 or 5), `Some(false)` (1 to 3), `None` out of range.
pub fn csat_satisfied(score: u8) -> Option<bool> {
    (1..=5).contains(&score).then_some(score >= 4)
}

/// An NPS answer: `Some(1)` a promoter (9–10), `Some(-1)` a detractor (0–6), `Some(0)` passive;
/// `None` out of range.
pub fn nps_class(score: u8) -> Option<i8> {
    (score <= 10).then_some(match score {
        9..=10 => 1,
        0..=6 => -1,
        _ => 0,
    })
}

/// CSAT from counts: satisfied answers over all (0–1).
pub fn csat_share(satisfied: u32, answers: u32) -> Option<f64> {
    (answers > 0).then(|| f64::from(satisfied.min(answers)) / f64::from(answers))
}

/// NPS from counts: percent promoters minus percent detractors, from −100 to 100.
pub fn nps_score(promoters: u32, detractors: u32, answers: u32) -> Option<f64> {
    (answers > 0).then(|| (f64::from(promoters) - f64::from(detractors)) * 100.0 / f64::from(answers))
}

/// CSAT: the share of 1–5 answers that are 4 or 5. Out-of-range answers are ignored.
pub fn csat(scores: &[u8]) -> Option<f64> {
    let valid: Vec<bool> = scores.iter().filter_map(|s| csat_satisfied(*s)).collect();
    csat_share(valid.iter().filter(|s| **s).count() as u32, valid.len() as u32)
}

/// NPS: percent promoters (9–10) minus percent detractors (0–6), from −100 to 100.
pub fn nps(scores: &[u8]) -> Option<f64> {
    let valid: Vec<i8> = scores.iter().filter_map(|s| nps_class(*s)).collect();
    let count = |class: i8| valid.iter().filter(|c| **c == class).count() as u32;
    nps_score(count(1), count(-1), valid.len() as u32)
}

/// Churn over a period: customers lost over customers at its start (0–1).
pub fn churn(at_start: u32, lost: u32) -> Option<f64> {
    (at_start > 0).then(|| f64::from(lost.min(at_start)) / f64::from(at_start))
}

/// A change against the previous period, in percent of the previous value.
pub fn change(previous: f64, current: f64) -> Option<f64> {
    (previous != 0.0).then(|| (current - previous) * 100.0 / previous.abs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap() + Duration::hours(h)
    }

    #[test]
    fn attainment_counts_met_on_time_over_decided() {
        let records = [
            ClockRecord { due: t(24), met_at: Some(t(2)) },  // on time
            ClockRecord { due: t(24), met_at: Some(t(30)) }, // late
            ClockRecord { due: t(10), met_at: None },        // breached, still open
            ClockRecord { due: t(48), met_at: None },        // running: not decided
        ];
        assert_eq!(sla_attainment(&records, t(20)), Some(1.0 / 3.0));
        assert_eq!(sla_attainment(&records, t(50)), Some(1.0 / 4.0));
        assert_eq!(sla_attainment(&records[3..], t(20)), None);
        let exactly = [ClockRecord { due: t(24), met_at: Some(t(24)) }];
        assert_eq!(sla_attainment(&exactly, t(30)), Some(1.0), "met at the deadline is on time");
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let minutes: Vec<Duration> = [30, 10, 50, 20, 40, 60, 70, 80, 90, 100].iter().map(|m| Duration::minutes(*m)).collect();
        assert_eq!(median(&minutes), Some(Duration::minutes(50)));
        assert_eq!(percentile(&minutes, 90), Some(Duration::minutes(90)));
        assert_eq!(percentile(&minutes, 100), Some(Duration::minutes(100)));
        assert_eq!(percentile(&minutes, 0), Some(Duration::minutes(10)));
        assert_eq!(median(&[]), None);
        assert_eq!(mean(&minutes), Some(Duration::minutes(55)));
        assert_eq!(mean(&[]), None);
    }

    #[test]
    fn follow_up_rate_against_the_target() {
        assert_eq!(follow_up_rate(10, 8, 80), Some((0.8, true)));
        assert_eq!(follow_up_rate(10, 7, 80), Some((0.7, false)));
        assert_eq!(follow_up_rate(0, 0, 80), None);
        assert_eq!(follow_up_rate(5, 9, 80), Some((1.0, true)), "never above 100%");
    }

    #[test]
    fn csat_nps_and_churn() {
        assert_eq!(csat(&[5, 4, 3, 1]), Some(0.5));
        assert_eq!(csat(&[0, 9]), None, "out-of-range answers are ignored");
        assert_eq!(nps(&[10, 9, 8, 7, 6, 0]), Some((2.0 - 2.0) * 100.0 / 6.0));
        assert_eq!(nps(&[10, 10, 10, 3]), Some(50.0));
        assert_eq!(nps(&[]), None);
        assert_eq!(churn(200, 10), Some(0.05));
        assert_eq!(churn(0, 1), None);
        assert_eq!(change(0.5, 0.55).map(|c| (c * 10.0).round() / 10.0), Some(10.0));
        assert_eq!(change(0.0, 1.0), None);
    }
}

//! Sessions: a new one on every sign-in (the one held before ends), expiry after 12 hours and
//! after 30 minutes unused, signing out everywhere, and sign-in lockouts per account and per
//! client address (429 with Retry-After). Later times are the test clock's (X-Kefu-Test-Now).
//! Signing out everywhere ends a demo user's every session, so `cargo xtask test` runs that
//! test after the rest of the suite.

use chrono::{DateTime, Duration, Utc};
use kefu_tests::cron::bj;
use kefu_tests::{unique, Api, Reply, AGENT, SUPERVISOR};
use serde_json::json;

/// A sign-in as the app sends it, from `address` (Cloudflare's CF-Connecting-IP), with the
/// session cookie `cookie` if given; the reply and the new session's cookie.
async fn sign_in(email: &str, password: &str, address: &str, cookie: Option<&str>) -> (Reply, Option<String>, Option<String>) {
    sign_in_at(email, password, address, cookie, None).await
}

/// [`sign_in`] as if at `at` (None: now).
async fn sign_in_at(email: &str, password: &str, address: &str, cookie: Option<&str>, at: Option<DateTime<Utc>>) -> (Reply, Option<String>, Option<String>) {
    let api = Api::anonymous();
    let mut request = api
        .http
        .post(api.url("/api/auth/login"))
        .header("X-Requested-With", "kefu")
        .header("CF-Connecting-IP", address)
        .json(&json!({"email": email, "password": password}));
    if let Some(cookie) = cookie {
        request = request.header("Cookie", cookie);
    }
    if let Some(at) = at {
        request = request.header("X-Kefu-Test-Now", at.timestamp_millis().to_string());
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let retry_after = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_string());
    let cookie = response.headers().get("set-cookie").map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string());
    let body = response.json().await.unwrap_or_default();
    (Reply { status, body }, cookie, retry_after)
}

/// `/api/me` with a session cookie, as if at `at` (None: now).
async fn me(cookie: &str, at: Option<DateTime<Utc>>) -> u16 {
    let api = Api::anonymous();
    let mut request = api.http.get(api.url("/api/me")).header("Cookie", cookie);
    if let Some(at) = at {
        request = request.header("X-Kefu-Test-Now", at.timestamp_millis().to_string());
    }
    request.send().await.expect("the server answers").status().as_u16()
}

/// An address of the documentation range, this test's own.
fn address() -> String {
    let n: u32 = unique("").chars().filter(char::is_ascii_digit).collect::<String>().parse::<u64>().unwrap_or(0) as u32;
    format!("198.51.{}.{}", n / 256 % 256, n % 256)
}

#[tokio::test]
async fn each_sign_in_is_a_new_session_and_the_one_held_before_ends() {
    let here = address();
    let (first, before, _) = sign_in(AGENT, kefu_tests::DEMO_PASSWORD, &here, None).await;
    assert_eq!(first.status, 200);
    let before = before.expect("a session cookie");
    assert_eq!(me(&before, None).await, 200);
    let (again, after, _) = sign_in(AGENT, kefu_tests::DEMO_PASSWORD, &here, Some(&before)).await;
    assert_eq!(again.status, 200);
    let after = after.expect("a new session cookie");
    assert_ne!(after, before, "a new token");
    assert_eq!(me(&before, None).await, 401, "the session held before signing in ended");
    assert_eq!(me(&after, None).await, 200);
}

#[tokio::test]
async fn a_session_ends_after_thirty_minutes_unused_or_twelve_hours() {
    // Signed in at a time of the test's own: the worker's clock and this process's may differ.
    let here = address();
    let signed_in = bj(2026, 3, 2, 9, 0);
    let (_, cookie, _) = sign_in_at(SUPERVISOR, kefu_tests::DEMO_PASSWORD, &here, None, Some(signed_in)).await;
    let cookie = cookie.expect("a session cookie");
    // In use every 29 minutes, it lasts; each use restarts the idle clock.
    assert_eq!(me(&cookie, Some(signed_in + Duration::minutes(29))).await, 200);
    assert_eq!(me(&cookie, Some(signed_in + Duration::minutes(58))).await, 200, "29 minutes after it was last used");
    assert_eq!(me(&cookie, Some(signed_in + Duration::minutes(89))).await, 401, "31 minutes unused");

    let signed_in = bj(2026, 3, 3, 9, 0);
    let (_, cookie, _) = sign_in_at(SUPERVISOR, kefu_tests::DEMO_PASSWORD, &here, None, Some(signed_in)).await;
    let cookie = cookie.expect("a session cookie");
    let mut at = signed_in;
    while at < signed_in + Duration::hours(12) - Duration::minutes(20) {
        at += Duration::minutes(20);
        assert_eq!(me(&cookie, Some(at)).await, 200, "in use at {at}");
    }
    assert_eq!(me(&cookie, Some(signed_in + Duration::hours(12) + Duration::minutes(1))).await, 401, "past twelve hours, though in use");
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session_of_the_user() {
    let (phone, desk) = (Api::signed_in(SUPERVISOR).await, Api::signed_in(SUPERVISOR).await);
    let agent = Api::signed_in(AGENT).await;
    let out = phone.send(phone.http.post(phone.url("/api/auth/logout-everywhere")).header("X-Requested-With", "kefu")).await;
    assert_eq!(out.status, 204);
    assert_eq!(phone.get("/api/me").await.status, 401);
    assert_eq!(desk.get("/api/me").await.status, 401, "the other browser too");
    assert_eq!(agent.get("/api/me").await.status, 200, "another user's session stays");
}

#[tokio::test]
async fn repeated_failures_lock_the_account_then_the_address_for_a_while() {
    // An account (unknown or not, alike) from one client: five failures, then 429 even with any
    // password.
    let here = address();
    let someone = format!("{}@demo.kefu", unique("nobody"));
    for n in 1..=5 {
        let (reply, _, _) = sign_in(&someone, "wrong-password", &here, None).await;
        assert_eq!(reply.status, 401, "failure {n}");
    }
    let (locked, _, retry) = sign_in(&someone, "wrong-password", &here, None).await;
    assert_eq!((locked.status, locked.code()), (429, Some("rate_limited")), "{:?}", locked.body);
    let retry: u32 = retry.expect("Retry-After").parse().unwrap();
    assert!((1..=180).contains(&retry), "until one attempt has leaked away (3 minutes): {retry}");
    // The same address still signs others in.
    let (other, _, _) = sign_in(AGENT, kefu_tests::DEMO_PASSWORD, &here, None).await;
    assert_eq!(other.status, 200, "{:?}", other.body);

    // An address: twenty failures across accounts, then 429 for any account from it, while
    // other addresses sign in.
    let guesser = address();
    for n in 0..20 {
        let (reply, _, _) = sign_in(&format!("{}@demo.kefu", unique(&format!("guess{n}-"))), "123456", &guesser, None).await;
        assert_eq!(reply.status, 401, "guess {n}");
    }
    let (blocked, _, retry) = sign_in(AGENT, kefu_tests::DEMO_PASSWORD, &guesser, None).await;
    assert_eq!(blocked.status, 429, "{:?}", blocked.body);
    assert!(retry.is_some(), "Retry-After");
    let (elsewhere, _, _) = sign_in(AGENT, kefu_tests::DEMO_PASSWORD, &address(), None).await;
    assert_eq!(elsewhere.status, 200, "another address is not locked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forty_parallel_guesses_reach_the_password_check_five_times() {
    // Each attempt is counted before its password is checked, in one statement: parallel
    // guesses cannot all see room for one more.
    let here = address();
    let someone = format!("{}@demo.kefu", unique("parallel"));
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(40));
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..40 {
        let (start, someone, here) = (start.clone(), someone.clone(), here.clone());
        tasks.spawn(async move {
            start.wait().await;
            sign_in(&someone, &format!("guess-{n}"), &here, None).await.0.status
        });
    }
    let statuses = tasks.join_all().await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    assert_eq!(checked, 5, "wrong password (checked) five times, refused before the check otherwise: {statuses:?}");
    assert!(statuses.iter().all(|s| *s == 401 || *s == 429), "{statuses:?}");
}

#[tokio::test]
async fn the_lockout_has_no_window_boundary_to_straddle() {
    // Five failures ten seconds before a quarter hour, the sixth twenty seconds later: a fixed
    // 15-minute window would have started afresh at the quarter hour. (An instant of the near
    // future, so no other test's clean-up of emptied buckets reaches it.)
    let quarter = 15 * 60_000;
    let now = Utc::now().timestamp_millis();
    let boundary = now - now.rem_euclid(quarter) + 2 * quarter;
    let before = DateTime::from_timestamp_millis(boundary - 10_000).unwrap();
    let here = address();
    let someone = format!("{}@demo.kefu", unique("straddle"));
    for n in 1..=5 {
        assert_eq!(sign_in_at(&someone, "wrong-password", &here, None, Some(before)).await.0.status, 401, "failure {n}");
    }
    let after = before + Duration::seconds(20);
    let (sixth, _, retry) = sign_in_at(&someone, "wrong-password", &here, None, Some(after)).await;
    assert_eq!(sixth.status, 429, "past the quarter hour, still locked: {:?}", sixth.body);
    let retry: i64 = retry.expect("Retry-After").parse().unwrap();
    assert!((150..=180).contains(&retry), "one attempt leaks away 3 minutes after the last: {retry}");
    // Once one has leaked away, exactly one more attempt is let through.
    let later = before + Duration::minutes(3) + Duration::seconds(1);
    assert_eq!(sign_in_at(&someone, "wrong-password", &here, None, Some(later)).await.0.status, 401);
    assert_eq!(sign_in_at(&someone, "wrong-password", &here, None, Some(later)).await.0.status, 429);
}

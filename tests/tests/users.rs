//! User management and passwords: an admin invites, changes and deactivates accounts and resets
//! passwords; people set theirs from the e-mailed link and change their own; an active admin
//! always remains.

use kefu_tests::cron::{bj, get_at, post_at, Stub};
use kefu_tests::{database, unique, Api, ADMIN, AGENT};
use kefu_tests::{emailed_password_token as emailed_token, password_token_in as token_in, staff_member as member, STAFF_PASSWORD as GOOD_PASSWORD};
use serde_json::{json, Value};

async fn invite(admin: &Api, role: &str) -> (String, String) {
    let email = format!("{}@bank.example", unique("staff"));
    // No team: routing and escalation choose among the demo teams' staff, which other tests rely on.
    let reply = admin.post("/api/users", &json!({"name": "测试 员工", "email": email, "role": role})).await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    assert_eq!(reply.body["status"], "awaiting_password");
    (reply.body["id"].as_str().unwrap().to_string(), email)
}

async fn sign_in(email: &str, password: &str) -> u16 {
    Api::anonymous().post("/api/auth/login", &json!({"email": email, "password": password})).await.status
}

async fn account(admin: &Api, id: &str) -> Value {
    let list = admin.get("/api/users").await;
    assert_eq!(list.status, 200, "{:?}", list.body);
    list.body.as_array().unwrap().iter().find(|a| a["id"] == id).cloned().expect("the account is listed")
}

#[tokio::test]
async fn an_invitation_is_emailed_and_its_link_sets_the_password_once() {
    let stub = Stub::start().await;
    let admin = Api::signed_in(ADMIN).await;
    let at = bj(2025, 3, 3, 10, 0);
    let email = format!("{}@bank.example", unique("invitee"));
    let invited = post_at(&admin, "/api/users", &json!({"name": "周 新人", "email": email, "role": "agent"}), at).await;
    assert_eq!(invited.status, 201, "{:?}", invited.body);
    let id = invited.body["id"].as_str().unwrap().to_string();
    assert_eq!(sign_in(&email, GOOD_PASSWORD).await, 401, "no password works before the link is used");

    kefu_tests::cron::cron(&admin, at + chrono::Duration::minutes(5)).await;
    let sent = stub.received.lock().unwrap().iter().find(|(_, _, m)| m["to"] == email.as_str()).map(|(_, _, m)| m.clone()).expect("the invitation was delivered");
    assert_eq!(sent["kind"], "account_invitation");
    assert!(sent["body"].as_str().unwrap().contains("周 新人"), "{sent}");
    let token = token_in(sent["body"].as_str().unwrap());
    assert_eq!(token.len(), 32, "a 128-bit token");

    let path = format!("/api/public/password-links/{token}");
    let later = at + chrono::Duration::hours(1);
    let opened = get_at(&Api::anonymous(), &path, later).await;
    assert_eq!(opened.status, 200, "{:?}", opened.body);
    assert_eq!((opened.body["name"].as_str(), opened.body["email"].as_str(), opened.body["purpose"].as_str()), (Some("周 新人"), Some(email.as_str()), Some("invite")));

    let anyone = Api::anonymous();
    for (password, code) in [("short-one", "password_too_short"), ("Password2026!", "password_common"), ("aaaa-bbbb-aaaa-bbbb", "password_repetitive")] {
        let weak = post_at(&anyone, &path, &json!({"password": password}), later).await;
        assert_eq!((weak.status, weak.code(), weak.field()), (422, Some(code), Some("password")), "{password}: {:?}", weak.body);
    }
    let personal = post_at(&anyone, &path, &json!({"password": format!("my {} password", email.split('@').next().unwrap())}), later).await;
    assert_eq!((personal.status, personal.code()), (422, Some("password_personal")), "{:?}", personal.body);

    let set = post_at(&anyone, &path, &json!({"password": GOOD_PASSWORD}), later).await;
    assert_eq!(set.status, 204, "{:?}", set.body);
    let again = post_at(&anyone, &path, &json!({"password": "another-good-one-77"}), later).await;
    assert_eq!(again.status, 410, "a link sets a password once");
    assert_eq!(get_at(&anyone, &path, later).await.status, 410);
    assert_eq!(sign_in(&email, "another-good-one-77").await, 401);

    let person = Api::signed_in_with(&email, GOOD_PASSWORD).await;
    let me = person.get("/api/me").await;
    assert_eq!((me.body["id"].as_str(), me.body["role"].as_str()), (Some(id.as_str()), Some("agent")));
    assert_eq!(account(&admin, &id).await["status"], "active");
    assert_eq!(person.get("/api/users").await.status, 403, "an agent manages no accounts");

    // An invitation's link ends after 72 hours.
    let email = format!("{}@bank.example", unique("late"));
    let late = post_at(&admin, "/api/users", &json!({"name": "迟到", "email": email, "role": "agent"}), at).await;
    let token = emailed_token(late.body["id"].as_str().unwrap());
    let path = format!("/api/public/password-links/{token}");
    assert_eq!(get_at(&anyone, &path, at + chrono::Duration::hours(71)).await.status, 200);
    assert_eq!(post_at(&anyone, &path, &json!({"password": GOOD_PASSWORD}), at + chrono::Duration::hours(73)).await.status, 410);
    assert_eq!(get_at(&anyone, "/api/public/password-links/0123456789abcdef0123456789abcdef", at).await.status, 404);
}

#[tokio::test]
async fn a_bad_invitation_is_refused_naming_the_field_and_creates_nothing() {
    let admin = Api::signed_in(ADMIN).await;
    let name = unique("无效邀请");
    let cases = [
        (json!({"name": name, "email": "not-an-address", "role": "agent"}), "email", "invalid_field"),
        (json!({"name": name, "email": "AGENT@demo.kefu", "role": "agent"}), "email", "email_taken"),
        (json!({"name": name, "email": "new@bank.example", "role": "root"}), "role", "invalid_field"),
        (json!({"name": name, "email": "new@bank.example", "role": "agent", "team_id": "no-such-team"}), "team_id", "invalid_field"),
        (json!({"name": " ", "email": "new@bank.example", "role": "agent"}), "name", "missing_field"),
        (json!({"name": name, "email": "new@bank.example", "role": "agent", "password": "x"}), "password", "invalid_field"),
    ];
    for (body, field, code) in cases {
        let reply = admin.post("/api/users", &body).await;
        assert_eq!((reply.status, reply.field(), reply.code()), (422, Some(field), Some(code)), "{body}: {:?}", reply.body);
    }
    let list = admin.get("/api/users").await;
    assert!(!list.body.as_array().unwrap().iter().any(|a| a["name"] == name.as_str()), "nothing was created");
}

#[tokio::test]
async fn deactivating_signs_the_person_out_and_keeps_them_out_until_reactivated() {
    let admin = Api::signed_in(ADMIN).await;
    let (id, email) = member(&admin, "agent").await;
    let person = Api::signed_in_with(&email, GOOD_PASSWORD).await;
    let before = account(&admin, &id).await;
    assert_eq!(before["status"], "active");
    assert!(before["last_sign_in_at"].is_string(), "the sign-in is recorded: {before}");

    let path = format!("/api/users/{id}");
    let off = admin.put(&path, &json!({"name": "测试 员工", "role": "agent", "active": false, "version": before["version"]})).await;
    assert_eq!((off.status, off.body["status"].as_str()), (200, Some("deactivated")), "{:?}", off.body);
    assert_eq!(person.get("/api/me").await.status, 401, "the session ended");
    assert_eq!(sign_in(&email, GOOD_PASSWORD).await, 401);
    let staff = admin.get("/api/staff").await;
    assert!(!staff.body.as_array().unwrap().iter().any(|s| s["id"] == id.as_str()), "no case can be handed to them");

    let stale = admin.put(&path, &json!({"name": "测试 员工", "role": "agent", "active": true, "version": before["version"]})).await;
    assert_eq!((stale.status, stale.code()), (409, Some("version_conflict")), "{:?}", stale.body);
    assert_eq!(account(&admin, &id).await["status"], "deactivated", "the stale edit changed nothing");

    let on = admin.put(&path, &json!({"name": "测试 员工二", "role": "agent", "team_id": null, "active": true, "version": off.body["version"]})).await;
    assert_eq!(on.status, 200, "{:?}", on.body);
    assert_eq!((on.body["status"].as_str(), on.body["name"].as_str()), (Some("active"), Some("测试 员工二")));
    let back = Api::signed_in_with(&email, GOOD_PASSWORD).await;
    assert_eq!(back.get("/api/me").await.body["name"], "测试 员工二");
    // (A changed role applies at once: the last-admin test's demoted admin is refused.)

    let audit: Vec<String> = {
        let db = database();
        let mut stmt = db.prepare("SELECT action FROM audit_events WHERE entity = 'user' AND entity_id = ?1 AND actor_id = 'user-admin' ORDER BY id").unwrap();
        stmt.query_map([&id], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    assert_eq!(audit, ["user_invited", "user_deactivated", "user_reactivated"], "one audit event per change, none for the stale edit");

    assert_eq!(admin.put("/api/users/no-such-user", &json!({"name": "x", "role": "agent", "active": true, "version": 1})).await.status, 404);
}

#[tokio::test]
async fn an_admin_cannot_demote_or_deactivate_themselves() {
    let admin = Api::signed_in(ADMIN).await;
    let me = account(&admin, "user-admin").await;
    for (change, field) in [(json!({"role": "supervisor", "active": true}), "role"), (json!({"role": "admin", "active": false}), "active")] {
        let mut body = json!({"name": me["name"], "team_id": me["team_id"], "version": me["version"]});
        body.as_object_mut().unwrap().extend(change.as_object().unwrap().clone());
        let reply = admin.put("/api/users/user-admin", &body).await;
        assert_eq!((reply.status, reply.code(), reply.field()), (422, Some("own_account"), Some(field)), "{:?}", reply.body);
    }
    assert_eq!(admin.post("/api/users/user-admin/reset-password", &json!({})).await.status, 409);
    let after = account(&admin, "user-admin").await;
    assert_eq!((&after["role"], &after["status"], &after["version"]), (&me["role"], &me["status"], &me["version"]), "nothing changed");
}

#[tokio::test]
async fn changing_ones_password_ends_the_other_sessions_and_keeps_this_one() {
    let admin = Api::signed_in(ADMIN).await;
    let (_, email) = member(&admin, "agent").await;
    let here = Api::signed_in_with(&email, GOOD_PASSWORD).await;
    let elsewhere = Api::signed_in_with(&email, GOOD_PASSWORD).await;

    let wrong = here.post("/api/me/password", &json!({"current_password": "not-it-at-all", "new_password": "秋天-窗口-2027-新"})).await;
    assert_eq!((wrong.status, wrong.code(), wrong.field()), (422, Some("wrong_password"), Some("current_password")), "{:?}", wrong.body);
    let weak = here.post("/api/me/password", &json!({"current_password": GOOD_PASSWORD, "new_password": "qwertyuiop12"})).await;
    assert_eq!((weak.status, weak.code(), weak.field()), (422, Some("password_common"), Some("new_password")), "{:?}", weak.body);
    assert_eq!(elsewhere.get("/api/me").await.status, 200, "refused changes end nothing");

    let changed = here.post("/api/me/password", &json!({"current_password": GOOD_PASSWORD, "new_password": "秋天-窗口-2027-新"})).await;
    assert_eq!(changed.status, 204, "{:?}", changed.body);
    assert_eq!(here.get("/api/me").await.status, 200, "this session stays");
    assert_eq!(elsewhere.get("/api/me").await.status, 401, "the other session ended");
    assert_eq!(sign_in(&email, GOOD_PASSWORD).await, 401);
    assert_eq!(sign_in(&email, "秋天-窗口-2027-新").await, 200);

    // Guessing the current password is no way around the sign-in lockout.
    for _ in 0..5 {
        here.post("/api/me/password", &json!({"current_password": "guess-guess-guess", "new_password": "冬天-窗口-2028-新"})).await;
    }
    let locked = here.post("/api/me/password", &json!({"current_password": "秋天-窗口-2027-新", "new_password": "冬天-窗口-2028-新"})).await;
    assert_eq!(locked.status, 429, "{:?}", locked.body);
    assert_eq!(sign_in(&email, "秋天-窗口-2027-新").await, 429);
}

#[tokio::test]
async fn a_reset_signs_the_person_out_and_only_the_new_link_sets_a_password() {
    let admin = Api::signed_in(ADMIN).await;
    let (id, email) = invite(&admin, "agent").await;
    let invitation = emailed_token(&id);
    let set = Api::anonymous().post(&format!("/api/public/password-links/{invitation}"), &json!({"password": GOOD_PASSWORD})).await;
    assert_eq!(set.status, 204);
    let person = Api::signed_in_with(&email, GOOD_PASSWORD).await;

    let reset = admin.post(&format!("/api/users/{id}/reset-password"), &json!({})).await;
    assert_eq!((reset.status, reset.body["status"].as_str()), (200, Some("awaiting_password")), "{:?}", reset.body);
    assert_eq!(person.get("/api/me").await.status, 401, "signed out everywhere");
    assert_eq!(sign_in(&email, GOOD_PASSWORD).await, 401, "the old password stopped working");
    let link = emailed_token(&id);
    assert_ne!(link, invitation);
    let opened = Api::anonymous().get(&format!("/api/public/password-links/{link}")).await;
    assert_eq!(opened.body["purpose"], "reset");

    // A second reset ends the first reset's link.
    let again = admin.post(&format!("/api/users/{id}/reset-password"), &json!({})).await;
    assert_eq!(again.status, 200);
    let newest = emailed_token(&id);
    assert_eq!(Api::anonymous().get(&format!("/api/public/password-links/{link}")).await.status, 410);
    let set = Api::anonymous().post(&format!("/api/public/password-links/{newest}"), &json!({"password": "新的-柜台-密码-2026"})).await;
    assert_eq!(set.status, 204, "{:?}", set.body);
    assert_eq!(sign_in(&email, "新的-柜台-密码-2026").await, 200);
    assert_eq!(admin.post("/api/users/no-such-user/reset-password", &json!({})).await.status, 404);
    assert_eq!(Api::signed_in(AGENT).await.post(&format!("/api/users/{id}/reset-password"), &json!({})).await.status, 403);
}

/// Runs after the suite (xtask's AFTER): it takes the admin role from the demo admin for a
/// moment, which would refuse other tests' admin requests.
#[tokio::test]
async fn the_last_admin_cannot_be_demoted_even_by_two_admins_at_once() {
    let demo = Api::signed_in(ADMIN).await;
    let (x, x_email) = member(&demo, "admin").await;
    let (y, y_email) = member(&demo, "admin").await;
    let (ax, ay) = (Api::signed_in_with(&x_email, GOOD_PASSWORD).await, Api::signed_in_with(&y_email, GOOD_PASSWORD).await);
    let demo_account = account(&demo, "user-admin").await;
    let step_down = json!({"name": demo_account["name"], "role": "supervisor", "team_id": demo_account["team_id"], "active": true, "version": demo_account["version"]});
    let demoted = ax.put("/api/users/user-admin", &step_down).await;
    assert_eq!(demoted.status, 200, "{:?}", demoted.body);

    // x and y each demote the other at the same moment: one of them stays admin.
    async fn demote(api: &Api, other: Value) -> kefu_tests::Reply {
        let body = json!({"name": other["name"], "role": "agent", "team_id": null, "active": true, "version": other["version"]});
        api.put(&format!("/api/users/{}", other["id"].as_str().unwrap()), &body).await
    }
    let (vx, vy) = (account(&ax, &x).await, account(&ax, &y).await);
    let (by_x, by_y) = tokio::join!(demote(&ax, vy), demote(&ay, vx));
    let statuses = [by_x.status, by_y.status];
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "exactly one demotion: {by_x:?} {by_y:?}");
    let refused = if by_x.status == 200 { &by_y } else { &by_x };
    assert!(refused.status == 403 || refused.code() == Some("last_admin"), "{refused:?}");
    let (remaining, api) = if by_x.status == 200 { (&x, &ax) } else { (&y, &ay) };
    let demoted_api = if by_x.status == 200 { &ay } else { &ax };
    assert_eq!(demoted_api.get("/api/users").await.status, 403, "the new role applies to a session at once");
    let admins: Vec<Value> = api.get("/api/users").await.body.as_array().unwrap().iter().filter(|a| a["role"] == "admin" && a["status"] == "active").cloned().collect();
    assert_eq!(admins.len(), 1, "{admins:?}");
    assert_eq!(admins[0]["id"], remaining.as_str());

    // The demo admin is restored, and the test's admins step aside.
    let now = account(api, "user-admin").await;
    let restore = json!({"name": now["name"], "role": "admin", "team_id": now["team_id"], "active": true, "version": now["version"]});
    assert_eq!(api.put("/api/users/user-admin", &restore).await.status, 200);
    for id in [&x, &y] {
        let a = account(&demo, id).await;
        let off = demo.put(&format!("/api/users/{id}"), &json!({"name": a["name"], "role": "agent", "team_id": null, "active": false, "version": a["version"]})).await;
        assert_eq!(off.status, 200, "{:?}", off.body);
    }
}

/// A sign-in from the client at `address` (Cloudflare's CF-Connecting-IP): its status.
async fn sign_in_from(email: &str, password: &str, address: &str) -> u16 {
    let api = Api::anonymous();
    let request = api.http.post(api.url("/api/auth/login")).header("X-Requested-With", "kefu").header("CF-Connecting-IP", address);
    api.send(request.json(&json!({"email": email, "password": password}))).await.status
}

/// Addresses of the documentation range (2001:db8::/32) in a /48 of this test's own: `n` picks
/// the /64, so each is another client.
fn client(base: &str, n: u32) -> String {
    format!("{base}:{n:x}::1")
}

#[tokio::test]
async fn guessers_elsewhere_cannot_lock_a_person_out_of_the_address_they_sign_in_from() {
    let admin = Api::signed_in(ADMIN).await;
    let (_, email) = member(&admin, "agent").await;
    let digits: String = unique("").chars().filter(char::is_ascii_digit).collect();
    let base = format!("2001:db8:{:x}", digits[digits.len() - 4..].parse::<u32>().unwrap());
    let desk = client(&base, 1);
    assert_eq!(sign_in_from(&email, GOOD_PASSWORD, &desk).await, 200, "the person signs in at their desk");

    // A guesser at one address is locked out of the account there after five tries, even with
    // the right password; every address of the guesser's /64 is that one client.
    let guesser = client(&base, 2);
    for n in 0..5 {
        assert_eq!(sign_in_from(&email, &format!("guess-{n}"), &guesser.replace("::1", &format!("::{n:x}"))).await, 401);
    }
    assert_eq!(sign_in_from(&email, GOOD_PASSWORD, &guesser.replace("::1", "::beef")).await, 429);
    // The person is not: from their desk, and from a new address too.
    assert_eq!(sign_in_from(&email, GOOD_PASSWORD, &desk).await, 200, "the guesser's lockout is the guesser's");
    let laptop = client(&base, 3);
    assert_eq!(sign_in_from(&email, GOOD_PASSWORD, &laptop).await, 200);

    // Guessers spread over many addresses meet the account's own ceiling: past it, addresses the
    // person has not signed in from lately are refused, even with the right password...
    let mut statuses = Vec::new();
    for n in 0..40 {
        statuses.push(sign_in_from(&email, "spread-out-guess", &client(&base, 100 + n)).await);
    }
    let checked = statuses.iter().filter(|s| **s == 401).count();
    assert!((20..=30).contains(&checked), "the account's ceiling of 30 stops the spread-out guessing: {statuses:?}");
    assert!(statuses.iter().all(|s| *s == 401 || *s == 429), "{statuses:?}");
    assert_eq!(sign_in_from(&email, GOOD_PASSWORD, &client(&base, 999)).await, 429, "a new address waits");
    // ...while the person's own addresses still sign in.
    assert_eq!(sign_in_from(&email, GOOD_PASSWORD, &desk).await, 200, "the desk they sign in from");
    assert_eq!(sign_in_from(&email, GOOD_PASSWORD, &laptop).await, 200, "the laptop they signed in from today");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_parallel_guesses_of_ones_current_password_reach_the_check_five_times() {
    let admin = Api::signed_in(ADMIN).await;
    let (_, email) = member(&admin, "agent").await;
    // From an address of the test's own: the failures count against it.
    let address = format!("192.0.2.{}", unique("").bytes().map(u32::from).sum::<u32>() % 200 + 20);
    let here = Api::from_address(&address);
    let signed = here.post("/api/auth/login", &json!({"email": email, "password": GOOD_PASSWORD})).await;
    assert_eq!(signed.status, 200, "{:?}", signed.body);
    let here = std::sync::Arc::new(here);
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(20));
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..20 {
        let (start, here) = (start.clone(), here.clone());
        tasks.spawn(async move {
            start.wait().await;
            let guess = json!({"current_password": format!("guess-guess-{n}"), "new_password": "冬天-窗口-2028-新"});
            here.post("/api/me/password", &guess).await.status
        });
    }
    let statuses = tasks.join_all().await;
    assert_eq!(statuses.iter().filter(|s| **s == 422).count(), 5, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 422 || *s == 429), "{statuses:?}");
    assert_eq!(sign_in_from(&email, GOOD_PASSWORD, &address).await, 429, "the guesses count towards signing in from there");
    assert_eq!(sign_in_from(&email, GOOD_PASSWORD, "192.0.2.250").await, 200, "and from there only");
}

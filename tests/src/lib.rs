//! Shared helpers for the black-box tests. `cargo xtask test` starts `wrangler dev` (fresh local
//! D1 with the demo data) and chromedriver, and passes their addresses in `KEFU_BASE_URL` and
//! `KEFU_WEBDRIVER_URL`.

pub mod browser;
pub mod cron;

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use serde_json::Value;

pub const DEMO_PASSWORD: &str = "kefu-demo-2026";
pub const AGENT: &str = "agent@demo.kefu";
pub const SUPERVISOR: &str = "supervisor@demo.kefu";
pub const ADMIN: &str = "admin@demo.kefu";

pub fn base_url() -> String {
    std::env::var("KEFU_BASE_URL").expect("KEFU_BASE_URL is set by `cargo xtask test`; run the tests through it")
}

pub fn webdriver_url() -> String {
    std::env::var("KEFU_WEBDRIVER_URL").expect("KEFU_WEBDRIVER_URL is set by `cargo xtask test`")
}

/// A text no other test (or earlier run) uses, to find this test's own data.
pub fn unique(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{prefix}{}{nanos:09}{n}", std::process::id())
}

/// `text` percent-encoded for a URL path segment or query value (every byte but ASCII letters,
/// digits and `-_.~`).
pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// An HTTP client that keeps its session cookie, like a browser tab.
pub struct Api {
    pub http: reqwest::Client,
    base: String,
}

/// A response's status and JSON body (Null when the body is empty or not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    /// The `error.field` of an error body.
    pub fn field(&self) -> Option<&str> {
        self.body["error"]["field"].as_str()
    }
    pub fn code(&self) -> Option<&str> {
        self.body["error"]["code"].as_str()
    }
}

impl Api {
    pub fn anonymous() -> Self {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .timeout(Duration::from_secs(30))
            .build()
            .expect("an HTTP client");
        Api { http, base: base_url() }
    }

    /// An anonymous client whose every request comes from `address` (Cloudflare's
    /// CF-Connecting-IP), for tests of what is counted per client.
    pub fn from_address(address: &str) -> Self {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("CF-Connecting-IP", address.parse().expect("an address fits a header"));
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .default_headers(headers)
            .timeout(Duration::from_secs(30))
            .build()
            .expect("an HTTP client");
        Api { http, base: base_url() }
    }

    pub async fn signed_in(email: &str) -> Self {
        Api::signed_in_with(email, DEMO_PASSWORD).await
    }

    pub async fn signed_in_with(email: &str, password: &str) -> Self {
        let api = Api::anonymous();
        let reply = api.post("/api/auth/login", &serde_json::json!({"email": email, "password": password})).await;
        assert_eq!(reply.status, 200, "sign-in as {email}: {:?}", reply.body);
        api
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let response = request.send().await.expect("the server answers");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        Reply { status, body: serde_json::from_str(&text).unwrap_or(Value::Null) }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(self.http.get(self.url(path))).await
    }

    /// A POST as the app sends it: JSON with the CSRF header.
    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.send(self.http.post(self.url(path)).header("X-Requested-With", "kefu").json(body)).await
    }

    /// A PUT as the app sends it.
    pub async fn put(&self, path: &str, body: &Value) -> Reply {
        self.send(self.http.put(self.url(path)).header("X-Requested-With", "kefu").json(body)).await
    }

    /// A POST of raw bytes as JSON, for bodies that are not valid JSON.
    pub async fn post_raw(&self, path: &str, body: &str) -> Reply {
        let request = self
            .http
            .post(self.url(path))
            .header("X-Requested-With", "kefu")
            .header("Content-Type", "application/json")
            .body(body.to_string());
        self.send(request).await
    }

    /// A new customer of this test's own, returning its id.
    pub async fn new_customer(&self, name: &str) -> String {
        let reply = self.post("/api/customers", &serde_json::json!({"name": name, "phone": "139 0000 1234"})).await;
        assert_eq!(reply.status, 201, "{:?}", reply.body);
        reply.body["id"].as_str().expect("customer id").to_string()
    }

    /// The cases of one customer, as the queue API lists them.
    pub async fn cases_of(&self, customer_id: &str) -> Vec<Value> {
        let reply = self.get(&format!("/api/cases?customer_id={customer_id}")).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        reply.body["items"].as_array().expect("items").clone()
    }
}

/// The test database (`wrangler dev`'s local D1 file), read-only: for checking what the API
/// says against the rows themselves.
pub fn database() -> rusqlite::Connection {
    let file = std::env::var("KEFU_D1_FILE").expect("KEFU_D1_FILE is set by `cargo xtask test`");
    rusqlite::Connection::open_with_flags(file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).expect("the test database")
}

/// Parses an RFC 3339 time from a JSON field.
pub fn time(value: &Value) -> chrono::DateTime<chrono::Utc> {
    value.as_str().and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok()).map(|t| t.to_utc()).unwrap_or_else(|| panic!("not a time: {value}"))
}

/// The password the tests give staff accounts of their own.
pub const STAFF_PASSWORD: &str = "晨光-柜台-2026-春";

/// The token in the newest password link e-mailed to an account, read from the outbox as the
/// provider would get it.
pub fn emailed_password_token(user_id: &str) -> String {
    let body: String = database()
        .query_row("SELECT body FROM outbox WHERE recipient_id = ?1 AND channel = 'email' ORDER BY rowid DESC LIMIT 1", [user_id], |r| r.get(0))
        .expect("an e-mail to the account");
    password_token_in(&body)
}

/// The token of the password link in a message's body.
pub fn password_token_in(body: &str) -> String {
    let start = body.find("/password/").expect("a password link in the e-mail") + "/password/".len();
    body[start..].chars().take_while(|c| c.is_ascii_hexdigit()).collect()
}

/// A member of staff of the test's own, invited by `admin` with no team (routing and
/// escalation choose among the demo teams' staff, which other tests rely on), with
/// [`STAFF_PASSWORD`] set from the link: (id, e-mail).
pub async fn staff_member(admin: &Api, role: &str) -> (String, String) {
    let email = format!("{}@bank.example", unique("staff"));
    let reply = admin.post("/api/users", &serde_json::json!({"name": "测试 员工", "email": email, "role": role})).await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    let id = reply.body["id"].as_str().expect("the account's id").to_string();
    let set = Api::anonymous().post(&format!("/api/public/password-links/{}", emailed_password_token(&id)), &serde_json::json!({"password": STAFF_PASSWORD})).await;
    assert_eq!(set.status, 204, "{:?}", set.body);
    (id, email)
}

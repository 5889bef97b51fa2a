//! A headless Chromium session over WebDriver, and the waits the browser tests use.

use std::future::Future;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use crate::{base_url, webdriver_url, DEMO_PASSWORD};

/// How long a test waits for something to appear before it fails.
pub const PATIENCE: Duration = Duration::from_secs(20);

pub struct Browser {
    pub client: Client,
}

impl Browser {
    pub async fn open() -> Self {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,900"
                ]
            }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&webdriver_url())
            .await
            .expect("chromedriver starts a Chromium session");
        Browser { client }
    }

    pub async fn goto(&self, path: &str) {
        self.client.goto(&format!("{}{path}", base_url())).await.expect("navigation");
    }

    /// The element with this `data-testid`, once it is in the page.
    pub async fn find(&self, test_id: &str) -> Element {
        self.client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(&format!("[data-testid='{test_id}']")))
            .await
            .unwrap_or_else(|e| panic!("no [data-testid='{test_id}'] within {PATIENCE:?}: {e}"))
    }

    /// Whether an element with this `data-testid` is in the page now.
    pub async fn has(&self, test_id: &str) -> bool {
        self.client.find(Locator::Css(&format!("[data-testid='{test_id}']"))).await.is_ok()
    }

    /// The `n`th (from 0) element with this `data-testid`, once there are that many.
    pub async fn nth(&self, test_id: &str, n: usize) -> Element {
        wait_for(&format!("{} of [data-testid='{test_id}']", n + 1), || async {
            self.client.find_all(Locator::Css(&format!("[data-testid='{test_id}']"))).await.ok()?.into_iter().nth(n)
        })
        .await
    }

    pub async fn fill(&self, test_id: &str, text: &str) {
        let input = self.find(test_id).await;
        input.clear().await.expect("clear");
        input.send_keys(text).await.expect("type");
    }

    pub async fn click(&self, test_id: &str) {
        self.find(test_id).await.click().await.expect("click");
    }

    pub async fn text(&self, test_id: &str) -> String {
        self.find(test_id).await.text().await.expect("text")
    }

    /// Signs in through the form and waits for the signed-in shell.
    pub async fn sign_in(&self, email: &str) {
        self.goto("/login").await;
        self.fill("login-email", email).await;
        self.fill("login-password", DEMO_PASSWORD).await;
        self.click("login-submit").await;
        self.find("current-user").await;
    }

    /// Saves a screenshot under `KEFU_SCREENSHOTS`, when it is set, for people to look at.
    pub async fn screenshot(&self, name: &str) {
        if let Ok(dir) = std::env::var("KEFU_SCREENSHOTS") {
            let png = self.client.screenshot().await.expect("screenshot");
            std::fs::create_dir_all(&dir).expect("screenshot dir");
            std::fs::write(format!("{dir}/{name}.png"), png).expect("write screenshot");
        }
    }

    /// Scrolls the element with this `data-testid` into view (for a screenshot of it).
    pub async fn scroll_to(&self, test_id: &str) {
        let element = self.find(test_id).await;
        let args = vec![serde_json::to_value(element).expect("an element serializes")];
        self.client.execute("arguments[0].scrollIntoView({block: 'start'})", args).await.expect("scroll");
    }

    /// Resizes the window, e.g. to 1280×720 for a laptop-sized look.
    pub async fn resize(&self, width: u32, height: u32) {
        self.client.set_window_size(width, height).await.expect("resize");
    }

    /// Waits until the element's text contains `wanted`, and returns the text.
    pub async fn wait_text(&self, test_id: &str, wanted: &str) -> String {
        wait_for(&format!("[data-testid='{test_id}'] to contain {wanted:?}"), || async {
            let text = self.client.find(Locator::Css(&format!("[data-testid='{test_id}']"))).await.ok()?.text().await.ok()?;
            text.contains(wanted).then_some(text)
        })
        .await
    }

    /// The texts of every element with this `data-testid` now, in page order.
    pub async fn texts(&self, test_id: &str) -> Option<Vec<String>> {
        let mut texts = Vec::new();
        for el in self.client.find_all(Locator::Css(&format!("[data-testid='{test_id}']"))).await.ok()? {
            texts.push(el.text().await.ok()?);
        }
        Some(texts)
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// Polls `check` until it returns `Some`, failing after `PATIENCE` with `what`.
pub async fn wait_for<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

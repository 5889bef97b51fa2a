//! Driving scheduled work from tests: Beijing wall-clock instants, requests handled "at" an
//! instant (the test clock `cargo xtask test` enables), running a cron as of an instant, and a
//! stand-in notification provider on `KEFU_NOTIFY_PORT`.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::{Api, Reply};

pub const FIVE_MINUTES: &str = "*/5 * * * *";
pub const HOURLY: &str = "0 * * * *";

/// A Beijing wall-clock time (UTC+8, no daylight saving).
pub fn bj(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    chrono::FixedOffset::east_opt(8 * 3600).unwrap().with_ymd_and_hms(y, m, d, h, min, 0).unwrap().to_utc()
}

/// A POST handled as if at `at` (the test clock `cargo xtask test` enables).
pub async fn post_at(api: &Api, path: &str, body: &Value, at: DateTime<Utc>) -> Reply {
    let request = api.http.post(api.url(path)).header("X-Requested-With", "kefu").header("X-Kefu-Test-Now", at.timestamp_millis().to_string()).json(body);
    api.send(request).await
}

/// A PUT handled as if at `at`.
pub async fn put_at(api: &Api, path: &str, body: &Value, at: DateTime<Utc>) -> Reply {
    let request = api.http.put(api.url(path)).header("X-Requested-With", "kefu").header("X-Kefu-Test-Now", at.timestamp_millis().to_string()).json(body);
    api.send(request).await
}

/// Runs the five-minute cron as of `at`.
pub async fn cron(api: &Api, at: DateTime<Utc>) {
    run(api, FIVE_MINUTES, at).await
}

/// Runs a cron (`*/5 * * * *` or `0 * * * *`) as of `at`.
pub async fn run(api: &Api, cron: &str, at: DateTime<Utc>) {
    let url = api.url(&format!("/__scheduled?cron={}&time={}", cron.replace(' ', "+"), at.timestamp_millis()));
    let response = api.http.get(url).send().await.expect("the scheduled handler answers");
    assert!(response.status().is_success(), "/__scheduled answered {}", response.status());
}

/// A stand-in for the notification provider: answers 500 while `failing`, records what it got.
#[derive(Clone, Default)]
pub struct Stub {
    pub failing: Arc<Mutex<bool>>,
    /// (Idempotency-Key, X-Kefu-Secret, JSON message) of every message received; a batch's
    /// messages (`{"messages": [...]}`) each under their own id.
    pub received: Arc<Mutex<Vec<(String, String, Value)>>>,
    /// How many messages each batch request carried.
    pub batches: Arc<Mutex<Vec<usize>>>,
}

impl Stub {
    pub async fn start() -> Stub {
        let port: u16 = std::env::var("KEFU_NOTIFY_PORT").expect("KEFU_NOTIFY_PORT is set by cargo xtask test").parse().unwrap();
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.expect("the stub provider's port is free");
        let stub = Stub::default();
        let serving = stub.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let stub = serving.clone();
                tokio::spawn(async move {
                    let mut data = Vec::new();
                    let mut buf = [0u8; 4096];
                    // Read the head, then as much body as Content-Length says.
                    let (head, body) = loop {
                        let n = socket.read(&mut buf).await.unwrap_or(0);
                        if n == 0 {
                            return;
                        }
                        data.extend_from_slice(&buf[..n]);
                        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                            let head = String::from_utf8_lossy(&data[..end]).to_string();
                            let length = head.lines().find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0))).unwrap_or(0);
                            while data.len() < end + 4 + length {
                                let n = socket.read(&mut buf).await.unwrap_or(0);
                                if n == 0 {
                                    break;
                                }
                                data.extend_from_slice(&buf[..n]);
                            }
                            break (head, data[end + 4..].to_vec());
                        }
                    };
                    let header = |name: &str| head.lines().find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim().to_string())).unwrap_or_default();
                    let failing = *stub.failing.lock().unwrap();
                    let payload: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                    match payload.get("messages").and_then(Value::as_array) {
                        Some(batch) => {
                            stub.batches.lock().unwrap().push(batch.len());
                            let mut received = stub.received.lock().unwrap();
                            for m in batch {
                                received.push((m["id"].as_str().unwrap_or_default().to_string(), header("x-kefu-secret"), m.clone()));
                            }
                        }
                        None => stub.received.lock().unwrap().push((header("idempotency-key"), header("x-kefu-secret"), payload)),
                    }
                    let status = if failing { "500 Internal Server Error" } else { "200 OK" };
                    let reply = format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
                    let _ = socket.write_all(reply.as_bytes()).await;
                });
            }
        });
        stub
    }
}


/// A GET handled as if at `at`.
pub async fn get_at(api: &Api, path: &str, at: DateTime<Utc>) -> Reply {
    let request = api.http.get(api.url(path)).header("X-Kefu-Test-Now", at.timestamp_millis().to_string());
    api.send(request).await
}

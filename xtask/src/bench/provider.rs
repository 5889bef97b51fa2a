//! A notification provider for the benchmark: accepts every request at once (200) and counts
//! the messages, so delivery is measured against Kefu's own cost, not a network's.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::Result;

#[derive(Default)]
pub struct Counts {
    pub requests: AtomicU64,
    pub messages: AtomicU64,
}

/// Starts the provider on a free port; returns the port and its counts.
pub fn start() -> Result<(u16, Arc<Counts>)> {
    let listener = TcpListener::bind(("127.0.0.1", 0))?;
    let port = listener.local_addr()?.port();
    let counts = Arc::new(Counts::default());
    let shared = counts.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let counts = shared.clone();
            std::thread::spawn(move || {
                let _ = serve(stream, &counts);
            });
        }
    });
    Ok((port, counts))
}

fn serve(stream: std::net::TcpStream, counts: &Counts) -> Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let payload: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let n = payload.get("messages").and_then(|m| m.as_array()).map_or(1, Vec::len);
    counts.requests.fetch_add(1, Ordering::Relaxed);
    counts.messages.fetch_add(n as u64, Ordering::Relaxed);
    let mut stream = stream;
    stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")?;
    Ok(())
}

//! The app's release bundle as a browser first loads it: the wasm, JS and CSS that
//! `app/dist/index.html` names, raw, gzip -9 and brotli -11.

use std::io::Write;

use anyhow::{Context, Result};
use serde::Serialize;

use crate::root;

/// The budget for the initial load, brotli.
pub const BUDGET_KB: f64 = 400.0;

#[derive(Serialize)]
pub struct File {
    pub kind: &'static str,
    pub name: String,
    pub raw_kb: f64,
    pub gzip_kb: f64,
    pub brotli_kb: f64,
}

#[derive(Serialize)]
pub struct Bundle {
    pub files: Vec<File>,
    pub brotli_kb: f64,
    pub budget_kb: f64,
}

pub fn measure() -> Result<Bundle> {
    let dist = root().join("app").join("dist");
    let index = std::fs::read_to_string(dist.join("index.html")).context("app/dist/index.html: build the app first")?;
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dist)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        let kind = match path.extension().and_then(|e| e.to_str()) {
            Some("wasm") => "wasm",
            Some("js") => "JS",
            Some("css") => "CSS",
            _ => continue,
        };
        // Only what the page loads (the wasm is named by its JS loader, which index.html names).
        let stem = name.trim_end_matches("_bg.wasm");
        if !index.contains(&name) && !index.contains(stem) {
            continue;
        }
        let bytes = std::fs::read(&path)?;
        files.push(File { kind, name, raw_kb: kb(bytes.len()), gzip_kb: kb(gzip(&bytes)?), brotli_kb: kb(brotli(&bytes)?) });
    }
    files.sort_by_key(|f| match f.kind {
        "wasm" => 0,
        "JS" => 1,
        _ => 2,
    });
    let brotli_kb = (files.iter().map(|f| f.brotli_kb).sum::<f64>() * 10.0).round() / 10.0;
    Ok(Bundle { files, brotli_kb, budget_kb: BUDGET_KB })
}

fn kb(bytes: usize) -> f64 {
    (bytes as f64 / 1000.0 * 10.0).round() / 10.0
}

fn gzip(bytes: &[u8]) -> Result<usize> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?.len())
}

fn brotli(bytes: &[u8]) -> Result<usize> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    brotli::BrotliCompress(&mut std::io::Cursor::new(bytes), &mut out, &params)?;
    Ok(out.len())
}

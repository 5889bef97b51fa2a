//! The app's release bundle as a browser first loads it: the files `app/dist/index.html`
//! names (stylesheet, start script, JS glue, the split loader and the main Wasm module), raw,
//! gzip -9 and brotli -11; and beside them the lazily loaded screens' modules, which a first
//! load does not fetch.

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
    /// The lazily loaded screens (wasm-split names each screen's module after its route).
    pub lazy_screens: Vec<String>,
    /// The Wasm modules loaded when a lazily loaded screen is first opened: the screens' own and
    /// the code some of them share.
    pub lazy_modules: usize,
    pub lazy_brotli_kb: f64,
}

pub fn measure() -> Result<Bundle> {
    let dist = root().join("app").join("dist");
    let index = std::fs::read_to_string(dist.join("index.html")).context("app/dist/index.html: build the app first")?;
    // Every local file index.html names in an href or src.
    let index = index.as_str();
    let named: Vec<&str> = ["href=\"/", "src=\"/"]
        .iter()
        .flat_map(|attr| index.match_indices(attr).map(move |(at, _)| &index[at + attr.len()..]))
        .filter_map(|rest| rest.split('"').next())
        .collect();
    let mut files = Vec::new();
    let (mut lazy_screens, mut lazy_modules, mut lazy_brotli) = (Vec::new(), 0, 0.0);
    for name in &named {
        let path = dist.join(name);
        let kind = match path.extension().and_then(|e| e.to_str()) {
            Some("wasm") => "wasm",
            Some("js") => "JS",
            Some("css") => "CSS",
            _ => continue,
        };
        let bytes = std::fs::read(&path).with_context(|| format!("index.html names {name}, which is missing"))?;
        files.push(File { kind, name: name.to_string(), raw_kb: kb(bytes.len()), gzip_kb: kb(gzip(&bytes)?), brotli_kb: kb(brotli(&bytes)?) });
        if kind == "wasm" {
            // The other modules beside the main one are the lazily loaded screens'.
            for entry in std::fs::read_dir(path.parent().context("the module is in a directory")?)? {
                let other = entry?.path();
                if other != path && other.extension().is_some_and(|e| e == "wasm") {
                    let file = other.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                    if let Some(screen) = file.strip_prefix("split___").and_then(|s| s.split("_screen_view").next()) {
                        lazy_screens.push(screen.replace('_', " "));
                    }
                    lazy_modules += 1;
                    lazy_brotli += kb(brotli(&std::fs::read(&other)?)?);
                }
            }
        }
    }
    files.sort_by_key(|f| match f.kind {
        "wasm" => 0,
        "JS" => 1,
        _ => 2,
    });
    let brotli_kb = round(files.iter().map(|f| f.brotli_kb).sum::<f64>());
    lazy_screens.sort();
    Ok(Bundle { files, brotli_kb, budget_kb: BUDGET_KB, lazy_screens, lazy_modules, lazy_brotli_kb: round(lazy_brotli) })
}

fn round(kb: f64) -> f64 {
    (kb * 10.0).round() / 10.0
}

fn kb(bytes: usize) -> f64 {
    round(bytes as f64 / 1000.0)
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

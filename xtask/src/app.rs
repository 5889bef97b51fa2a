//! The app's release build into `app/dist`, and `dev`'s rebuild when its sources change.
//!
//! 1. cargo builds the app for wasm32 in release (app/.cargo/config.toml: Leptos's
//!    `erase_components`, and the linker keeps relocations for the split).
//! 2. wasm-split cuts out every lazily loaded screen (`lazy_screen!` in app/src/main.rs), and
//!    the code only such screens share, as modules of their own; `__wasm_split.js` loads them
//!    when a screen is first opened.
//! 3. wasm-bindgen writes the JS glue for the main module; wasm-opt -Oz shrinks every module.
//! 4. The files go into `app/dist/app/<hash>/`, named by a hash of their contents, so a browser
//!    may cache them for good (public/_headers); `index.html` (from `app/index.html`) names the stylesheet and the
//!    start script, and `public/` is copied beside it. The previous build's directory is removed.
//!
//! A browser's first load is index.html, the stylesheet, boot.js, kefu-app.js,
//! __wasm_split.js and the main module; `cargo xtask bench` measures exactly those.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use anyhow::{anyhow, bail, Context, Result};
use sha2::{Digest, Sha256};

use crate::setup::Paths;
use crate::{root, run, step};

/// Where index.html takes the stylesheet and the start script.
const ASSETS_MARKER: &str = "<!-- kefu:assets -->";
/// The wasm-bindgen output's name (kefu-app.js, kefu-app_bg.wasm).
const NAME: &str = "kefu-app";
/// The module wasm-split writes for the chunks' loaders, which the main module imports.
const LINK: &str = "__wasm_split.js";
/// Starts the app once its JS glue has loaded, with the main module beside it.
const BOOT: &str = "import init from \"./kefu-app.js\";\n\n\
// What the Content-Security-Policy refused on this page, for the browser tests to read.\n\
addEventListener(\"securitypolicyviolation\", (e) => (globalThis.kefuCspViolations ??= []).push(`${e.effectiveDirective} ${e.blockedURI}`));\n\
init({ module_or_path: new URL(\"kefu-app_bg.wasm\", import.meta.url) });\n";

/// What `dev` watches: a change to any file under these rebuilds the app.
const SOURCES: &[&str] = &["app/src", "app/index.html", "app/Cargo.toml", "domain/src", "style", "public"];

/// Builds the app into `app/dist`.
pub fn build(paths: &Paths) -> Result<()> {
    step("building the app (cargo release build, wasm-split, wasm-bindgen, wasm-opt -Oz)");
    let app = root().join("app");
    run(Command::new("cargo")
        .args(["build", "--release", "--target", "wasm32-unknown-unknown", "--package", "kefu-app"])
        .current_dir(&app))?;
    let input = root().join("target/wasm32-unknown-unknown/release").join(format!("{NAME}.wasm"));

    let work = root().join("target/kefu-app");
    let _ = fs::remove_dir_all(&work);
    let split = work.join("split");
    let out = work.join("out");
    fs::create_dir_all(&split)?;
    fs::create_dir_all(&out)?;

    let wasm = fs::read(&input).with_context(|| format!("reading {}", input.display()))?;
    let main = split.join(format!("{NAME}.wasm"));
    let main_module = format!("./{NAME}.js");
    let link = format!("./{LINK}");
    let mut options = wasm_split_cli_support::Options::new(&wasm);
    options.output_dir = &out;
    options.main_out_path = &main;
    options.main_module = &main_module;
    options.link_name = &link;
    let chunks = wasm_split_cli_support::transform(options).map_err(|e| anyhow!("wasm-split: {e:#}"))?.split_modules;

    // The split main module exports what the chunks import: wasm-bindgen must keep those.
    run(Command::new(&paths.wasm_bindgen)
        .args(["--target", "web", "--keep-lld-exports", "--no-demangle", "--no-typescript", "--out-name", NAME, "--out-dir"])
        .arg(&out)
        .arg(&main))?;
    let mut modules = vec![out.join(format!("{NAME}_bg.wasm"))];
    modules.extend(chunks);
    for module in &modules {
        // wasm-opt warns of every module's name subsection 3, which wasm-split writes and the
        // stripping drops: its output is shown only when it fails.
        let done = Command::new(&paths.wasm_opt)
            .args(["-Oz", "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--strip-debug", "--strip-producers"])
            .arg(module)
            .arg("-o")
            .arg(module)
            .output()
            .context("could not start wasm-opt")?;
        if !done.status.success() {
            bail!("wasm-opt failed on {}: {}", module.display(), String::from_utf8_lossy(&done.stderr));
        }
    }
    fs::write(out.join("boot.js"), BOOT)?;
    fs::copy(root().join("style/main.css"), out.join("main.css"))?;

    // Into app/dist in place (wrangler keeps serving the directory it was started on): the
    // new files beside the old, then index.html, which names them, then the old files go.
    let hash = content_hash(&out)?;
    let dir = format!("app/{hash}");
    let dist = app.join("dist");
    let builds = dist.join("app");
    fs::create_dir_all(&builds)?;
    // File by file: wrangler's watcher misses files that arrive inside a moved directory.
    fs::create_dir_all(builds.join(&hash))?;
    for entry in fs::read_dir(&out)? {
        let path = entry?.path();
        fs::copy(&path, builds.join(&hash).join(path.file_name().context("a built file has a name")?))?;
    }
    for entry in fs::read_dir(root().join("public"))? {
        let path = entry?.path();
        fs::copy(&path, dist.join(path.file_name().context("a public file has a name")?))?;
    }
    let template = fs::read_to_string(app.join("index.html"))?;
    if !template.contains(ASSETS_MARKER) {
        bail!("app/index.html has no {ASSETS_MARKER} line");
    }
    let assets = [
        format!("<link rel=\"stylesheet\" href=\"/{dir}/main.css\" />"),
        format!("<link rel=\"modulepreload\" href=\"/{dir}/{NAME}.js\" />"),
        format!("<link rel=\"modulepreload\" href=\"/{dir}/{LINK}\" />"),
        format!("<link rel=\"preload\" href=\"/{dir}/{NAME}_bg.wasm\" as=\"fetch\" type=\"application/wasm\" crossorigin />"),
        format!("<script type=\"module\" src=\"/{dir}/boot.js\"></script>"),
    ]
    .join("\n    ");
    fs::write(work.join("index.html"), template.replace(ASSETS_MARKER, &assets))?;
    fs::rename(work.join("index.html"), dist.join("index.html"))?;
    for entry in fs::read_dir(&builds)? {
        let path = entry?.path();
        if path.file_name().is_some_and(|n| n != hash.as_str()) {
            fs::remove_dir_all(&path)?;
        }
    }
    Ok(())
}

/// The first 16 hex digits of a SHA-256 over every file's name and contents, in name order.
fn content_hash(dir: &Path) -> Result<String> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
    files.sort();
    let mut hash = Sha256::new();
    for file in files {
        hash.update(file.file_name().unwrap_or_default().as_encoded_bytes());
        hash.update(fs::read(&file)?);
    }
    Ok(hash.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect())
}

/// The newest modification time of any file under the sources `dev` watches.
fn sources_changed_at() -> SystemTime {
    fn newest(path: &Path) -> SystemTime {
        let Ok(meta) = fs::metadata(path) else { return SystemTime::UNIX_EPOCH };
        if !meta.is_dir() {
            return meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        }
        fs::read_dir(path)
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok())
            .map(|e| newest(&e.path()))
            .fold(SystemTime::UNIX_EPOCH, SystemTime::max)
    }
    SOURCES.iter().map(|s| newest(&root().join(s))).fold(SystemTime::UNIX_EPOCH, SystemTime::max)
}

/// `wrangler dev` lists the assets when it starts and serves only those; a change to its
/// configuration's modification time makes it reload, and list the new build's files.
fn reload_assets() -> Result<()> {
    let config = root().join("worker/wrangler.toml");
    fs::File::options().append(true).open(&config)?.set_modified(SystemTime::now())?;
    Ok(())
}

/// For `dev`: rebuilds the app whenever a source changes (checked every second), for as long
/// as the process runs. A failed build is reported and the last good one keeps being served.
pub fn watch(paths: Paths) {
    std::thread::spawn(move || {
        let mut built = sources_changed_at();
        loop {
            std::thread::sleep(Duration::from_secs(1));
            let changed = sources_changed_at();
            if changed > built {
                built = changed;
                match build(&paths).and_then(|()| reload_assets()) {
                    Ok(()) => step("the app was rebuilt; reload the page"),
                    Err(err) => eprintln!("xtask: the app did not build: {err:#}"),
                }
            }
        }
    });
}

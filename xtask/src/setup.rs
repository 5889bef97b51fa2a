//! Idempotent set-up: the wasm target, the pinned cargo tools (compiled once per machine into a
//! per-user cache, never into the clone), the npm tools, and for tests Chromium.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::{root, run, step};

/// A cargo-installed tool, pinned.
struct Tool {
    krate: &'static str,
    version: &'static str,
    /// `--locked` where the crate's own lockfile works with today's registry.
    locked: bool,
    minutes: u32,
}

/// Versions from ../shared/TOOLCHAIN.md. wasm-bindgen-cli must equal the wasm-bindgen library
/// in Cargo.toml exactly, and its lockfile names a crate version the registry lacks.
const TOOLS: &[Tool] = &[
    Tool { krate: "wasm-bindgen-cli", version: "0.2.130", locked: false, minutes: 7 },
    Tool { krate: "worker-build", version: "0.8.7", locked: true, minutes: 10 },
];

/// Where every tool is cached: `$XDG_CACHE_HOME/kefu/tools` or `~/.cache/kefu/tools`.
fn cache_dir() -> Result<PathBuf> {
    let base = match std::env::var_os("XDG_CACHE_HOME") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME").context("HOME is not set")?).join(".cache"),
    };
    Ok(base.join("kefu").join("tools"))
}

/// The tools every later step runs, by absolute path.
#[derive(Clone)]
pub struct Paths {
    pub bin_dirs: Vec<PathBuf>,
    pub wasm_bindgen: PathBuf,
    pub wasm_opt: PathBuf,
    pub esbuild: PathBuf,
    pub wrangler: PathBuf,
}

impl Paths {
    /// `PATH` with the tools first, so worker-build finds exactly these versions.
    pub fn path_var(&self) -> std::ffi::OsString {
        let mut dirs = self.bin_dirs.clone();
        dirs.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
        std::env::join_paths(dirs).expect("tool paths have no separators")
    }

    /// A command with the tools on PATH, told where wasm-bindgen, wasm-opt and esbuild are
    /// (otherwise worker-build downloads them from GitHub), and with wrangler's calls home off.
    pub fn command(&self, program: &std::path::Path) -> Command {
        let mut cmd = Command::new(program);
        cmd.env("PATH", self.path_var())
            .env("WASM_BINDGEN_BIN", &self.wasm_bindgen)
            .env("WASM_OPT_BIN", &self.wasm_opt)
            .env("ESBUILD_BIN", &self.esbuild)
            .env("WRANGLER_SEND_METRICS", "false")
            .env("CLOUDFLARE_CF_FETCH_ENABLED", "false")
            .env("KEFU_WORKER_BUILD_FLAGS", "");
        cmd
    }
}

/// Everything `dev` and `test` need; `browser` adds Chromium and ChromeDriver.
pub fn all(browser: bool) -> Result<Paths> {
    wasm_target()?;
    let cache = cache_dir()?;
    let mut bin_dirs = Vec::new();
    for tool in TOOLS {
        bin_dirs.push(cargo_tool(&cache, tool)?);
    }
    npm_ci()?;
    if browser {
        chromium()?;
    }
    let node_bin = root().join("node_modules").join(".bin");
    bin_dirs.push(node_bin.clone());
    Ok(Paths {
        wasm_bindgen: bin_dirs[0].join("wasm-bindgen"),
        wasm_opt: node_bin.join("wasm-opt"),
        esbuild: root().join("node_modules/@esbuild/linux-x64/bin/esbuild"),
        wrangler: node_bin.join("wrangler"),
        bin_dirs,
    })
}

fn wasm_target() -> Result<()> {
    let installed = Command::new("rustup").args(["target", "list", "--installed"]).output()?;
    if !String::from_utf8_lossy(&installed.stdout).lines().any(|l| l == "wasm32-unknown-unknown") {
        step("adding the wasm32-unknown-unknown target");
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    Ok(())
}

/// Installs a tool into `<cache>/<crate>-<version>` unless it is there; returns its bin dir.
fn cargo_tool(cache: &std::path::Path, tool: &Tool) -> Result<PathBuf> {
    let root_dir = cache.join(format!("{}-{}", tool.krate, tool.version));
    let bin = root_dir.join("bin");
    // cargo install writes this manifest last, so its presence means the install completed.
    if root_dir.join(".crates.toml").exists() {
        return Ok(bin);
    }
    step(&format!(
        "compiling {} {} once for this machine into {} (about {} min on 2 cores)",
        tool.krate,
        tool.version,
        root_dir.display(),
        tool.minutes
    ));
    let mut cmd = Command::new("cargo");
    cmd.args(["install", tool.krate, "--version", tool.version, "--root"]).arg(&root_dir);
    if tool.locked {
        cmd.arg("--locked");
    }
    // Shared between the tools so common dependencies compile once.
    cmd.env("CARGO_TARGET_DIR", cache.join(".build"));
    run(&mut cmd)?;
    Ok(bin)
}

/// `npm ci` when package-lock.json is newer than the last install.
fn npm_ci() -> Result<()> {
    let lock = root().join("package-lock.json");
    let marker = root().join("node_modules/.package-lock.json");
    let fresh = match (std::fs::metadata(&lock), std::fs::metadata(&marker)) {
        (Ok(l), Ok(m)) => m.modified()? >= l.modified()?,
        _ => false,
    };
    if !fresh {
        step("npm ci (wrangler 4.86.0, binaryen 132.0.0)");
        run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(root()))?;
    }
    Ok(())
}

/// Debian's Chromium and ChromeDriver, for the browser tests.
fn chromium() -> Result<()> {
    if std::path::Path::new("/usr/bin/chromium").exists() && std::path::Path::new("/usr/bin/chromedriver").exists() {
        return Ok(());
    }
    step("installing chromium and chromium-driver from Debian's packages");
    apt_install(&["chromium", "chromium-driver"])?;
    if !std::path::Path::new("/usr/bin/chromedriver").exists() {
        bail!("chromium-driver did not install /usr/bin/chromedriver");
    }
    Ok(())
}

/// The version of Debian's `wrk` the load test is measured with.
#[cfg(feature = "bench")]
const WRK: &str = "4.1.0-3+b2";

/// Debian's `wrk`, for the load test in `cargo xtask bench`, at the pinned version.
#[cfg(feature = "bench")]
pub fn wrk() -> Result<()> {
    let installed = Command::new("dpkg-query").args(["-W", "-f=${Version}", "wrk"]).output().map(|o| String::from_utf8_lossy(&o.stdout).to_string());
    if installed.is_ok_and(|v| v == WRK) {
        return Ok(());
    }
    step(&format!("installing wrk {WRK} from Debian's packages"));
    apt_install(&[&format!("wrk={WRK}")])
}

fn apt_install(packages: &[&str]) -> Result<()> {
    let sudo: &[&str] = if is_root() { &[] } else { &["sudo"] };
    let apt = |args: &[&str]| {
        let mut all: Vec<&str> = sudo.to_vec();
        all.push("apt-get");
        all.extend_from_slice(args);
        let mut cmd = Command::new(all[0]);
        cmd.args(&all[1..]).env("DEBIAN_FRONTEND", "noninteractive");
        run(&mut cmd)
    };
    apt(&["update", "-q"])?;
    let mut install = vec!["install", "-y", "-q", "--no-install-recommends"];
    install.extend_from_slice(packages);
    apt(&install)
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0")).unwrap_or(false)
}

//! `cargo xtask`: everything it takes to set up, build, serve and test Kefu on a fresh machine.
//!
//! - `dev`: set up, build, migrate and seed `.kefu/dev`, serve at http://127.0.0.1:8787,
//!   rebuilding the app and the worker when their code changes.
//! - `test`: set up (plus Chromium), then domain tests, HTTP tests and browser tests against a
//!   `wrangler dev` of its own on a free port with a fresh state directory.
//! - `setup`: only the set-up both of them start with.
//! - `build`: set up, then build the app into `app/dist` (release, as served), for a deploy.
//! - `seed --out FILE`: write the demo data as SQL.
//! - `first-admin --email E --name N [--url U]`: the SQL for a deployment's first admin, and
//!   the link that sets their password.
//! - `backup --out FILE` / `restore --from FILE`: the local database as SQL
//!   (`wrangler d1 export`), and back into an empty one, keeping what was there.
//! - `bench [--quick]`: generate a bank-sized dataset, measure the worker on it, write
//!   BENCHMARKS.md (built in release with the `bench` feature, which brings SQLite).

mod app;
mod backup;
#[cfg(feature = "bench")]
mod bench;
mod first_admin;
mod seed;
mod setup;
mod wrangler;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{bail, Context, Result};

/// Demo sign-ins, as ../shared/API.md names them.
pub const DEMO_PASSWORD: &str = "kefu-demo-2026";
pub const DEMO_LOGINS: &[(&str, &str)] = &[
    ("admin@demo.kefu", "admin"),
    ("supervisor@demo.kefu", "supervisor"),
    ("agent@demo.kefu", "agent"),
];
pub const DEV_PORT: u16 = 8787;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("dev") => wrangler::dev(),
        Some("test") => wrangler::test(&args[1..]),
        Some("setup") => setup::all(false).map(|_| ExitCode::SUCCESS),
        Some("build") => setup::all(false).and_then(|paths| app::build(&paths)).map(|()| ExitCode::SUCCESS),
        Some("seed") => seed_command(&args[1..]),
        Some("first-admin") => first_admin::command(&args[1..]),
        Some("backup") => backup::backup(&args[1..]),
        Some("restore") => backup::restore(&args[1..]),
        Some("bench") => bench_command(&args[1..]),
        _ => {
            eprintln!("usage: cargo xtask <dev | test [filter] | setup | build | seed --out FILE | first-admin --email E --name N | backup --out FILE | restore --from FILE | bench [--quick]>");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("xtask: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn seed_command(args: &[String]) -> Result<ExitCode> {
    let out = match args {
        [flag, path] if flag == "--out" => PathBuf::from(path),
        _ => bail!("usage: cargo xtask seed --out FILE"),
    };
    std::fs::write(&out, seed::sql(chrono::Utc::now()))?;
    Ok(ExitCode::SUCCESS)
}

/// The benchmark writes millions of rows through SQLite: it runs as a release build with the
/// `bench` feature, so the everyday xtask compiles without SQLite.
fn bench_command(args: &[String]) -> Result<ExitCode> {
    #[cfg(feature = "bench")]
    return bench::run(args);
    #[cfg(not(feature = "bench"))]
    {
        run(Command::new("cargo")
            .args(["run", "--quiet", "--release", "--package", "xtask", "--features", "bench", "--", "bench"])
            .args(args)
            .current_dir(root()))?;
        Ok(ExitCode::SUCCESS)
    }
}

/// The workspace root (the parent of this crate).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

/// Prints a step, so long set-up shows where it is.
pub fn step(text: &str) {
    println!("\x1b[1;34m==>\x1b[0m {text}");
}

/// Runs a command to completion, failing with its name when it fails.
pub fn run(cmd: &mut Command) -> Result<()> {
    let status = cmd.status().with_context(|| format!("could not start {cmd:?}"))?;
    if !status.success() {
        bail!("{:?} failed with {status}", cmd.get_program());
    }
    Ok(())
}

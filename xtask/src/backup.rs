//! Backup and restore of the local database `cargo xtask dev` serves (`.kefu/dev`), with the
//! commands a deployment runs against Cloudflare with `--remote` instead of `--local`:
//! `wrangler d1 export` writes every table, index, trigger and row as SQL, and
//! `wrangler d1 execute --file` loads it into an empty database.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

use crate::{root, run, setup, step};

fn options(args: &[String], file_flag: &str) -> Result<(PathBuf, PathBuf)> {
    let (mut file, mut state) = (None, root().join(".kefu").join("dev"));
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            f if f == file_flag => file = Some(PathBuf::from(value)),
            "--state" => state = PathBuf::from(value),
            _ => bail!("unknown flag {flag}"),
        }
    }
    let file = file.with_context(|| format!("usage: cargo xtask backup --out FILE | restore --from FILE [--state DIR]; {file_flag} is missing"))?;
    Ok((file, state))
}

/// `cargo xtask backup --out FILE [--state DIR]`.
pub fn backup(args: &[String]) -> Result<ExitCode> {
    let (out, state) = options(args, "--out")?;
    if !state.join("v3").exists() {
        bail!("no local database under {} (cargo xtask dev creates it)", state.display());
    }
    let paths = setup::all(false)?;
    // `d1 export --local` reads the project's own `.wrangler/state`: a project of one
    // wrangler.toml whose state is the one asked for.
    let project = root().join("target").join("kefu-backup");
    let _ = std::fs::remove_dir_all(&project);
    std::fs::create_dir_all(project.join(".wrangler"))?;
    std::fs::copy(root().join("worker").join("wrangler.toml"), project.join("wrangler.toml"))?;
    std::os::unix::fs::symlink(std::fs::canonicalize(&state)?, project.join(".wrangler").join("state"))?;
    let out = absolute(&out)?;
    step(&format!("exporting the local D1 under {} to {}", state.display(), out.display()));
    run(paths.command(&paths.wrangler).args(["d1", "export", "kefu", "--local", "--output"]).arg(&out).current_dir(&project).env("CI", "true"))?;
    println!("Wrote {} ({} KB). Restore it with: cargo xtask restore --from {}", out.display(), std::fs::metadata(&out)?.len() / 1024, out.display());
    Ok(ExitCode::SUCCESS)
}

/// `cargo xtask restore --from FILE [--state DIR]`: the database under DIR becomes the backup's;
/// what was there is kept beside it, renamed, never overwritten.
pub fn restore(args: &[String]) -> Result<ExitCode> {
    let (from, state) = options(args, "--from")?;
    let from = absolute(&from)?;
    if !from.is_file() {
        bail!("no backup at {}", from.display());
    }
    let paths = setup::all(false)?;
    if state.exists() {
        let kept = state.with_file_name(format!("{}-before-restore-{}", state.file_name().and_then(|n| n.to_str()).unwrap_or("state"), chrono::Utc::now().format("%Y%m%d%H%M%S")));
        step(&format!("keeping the database that was there as {}", kept.display()));
        std::fs::rename(&state, &kept)?;
    }
    std::fs::create_dir_all(&state)?;
    step(&format!("loading {} into an empty local D1 under {}", from.display(), state.display()));
    run(paths
        .command(&paths.wrangler)
        .args(["d1", "execute", "kefu", "--local", "-y", "--persist-to"])
        .arg(&state)
        .arg("--file")
        .arg(&from)
        .current_dir(root().join("worker"))
        .env("CI", "true")
        .stdout(std::process::Stdio::null()))?;
    // The backup holds its own rows: `cargo xtask dev` applies newer migrations, never the demo data.
    std::fs::write(state.join("demo-data-loaded"), "")?;
    println!("Restored. cargo xtask dev serves it (and applies any migration newer than the backup).");
    Ok(ExitCode::SUCCESS)
}

fn absolute(path: &Path) -> Result<PathBuf> {
    Ok(if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir()?.join(path) })
}

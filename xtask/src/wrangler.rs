//! Building the app, preparing a local D1 state directory, and running `wrangler dev` for
//! `cargo xtask dev` and for the tests.

use std::fs;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::setup::{self, Paths};
use crate::{root, run, seed, step, DEMO_LOGINS, DEMO_PASSWORD, DEV_PORT};

/// The worker's features under `cargo xtask dev`: `/__scheduled` for loopback clients.
pub(crate) const LOCAL: &str = "local";
/// Under `cargo xtask test` and `bench`: also the SQL trace, the memory count and the test
/// clock. A deployed worker is built with neither (worker/Cargo.toml).
pub(crate) const TEST_HOOKS: &str = "test-hooks";

/// The tests run after the rest of the suite, one at a time (.config/nextest.toml's `after`).
const AFTER: &str = "binary(plans) | binary(memory) | binary(access) | binary(fuzz) | test(everywhere) | test(last_admin) | test(every_action_in_the_trail) | test(chunked_body) | test(daily_capacity)";

/// A `wrangler` command run from `worker/`, where wrangler.toml is.
fn wrangler(paths: &Paths) -> Command {
    let mut cmd = paths.command(&paths.wrangler);
    cmd.current_dir(root().join("worker"));
    cmd
}

/// Applies every migration to the local D1 under `state`, then loads the demo data once, with
/// its times relative to `now`.
pub(crate) fn prepare_state(paths: &Paths, state: &Path, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
    fs::create_dir_all(state)?;
    step(&format!("applying D1 migrations to {}", state.display()));
    run(wrangler(paths)
        .args(["d1", "migrations", "apply", "kefu", "--local", "--persist-to"])
        .arg(state)
        .env("CI", "true"))?;
    let marker = state.join("demo-data-loaded");
    if !marker.exists() {
        step("loading the demo data (first run only)");
        let file = state.join("demo.sql");
        fs::write(&file, seed::sql(now))?;
        run(wrangler(paths)
            .args(["d1", "execute", "kefu", "--local", "--persist-to"])
            .arg(state)
            .arg("--file")
            .arg(&file)
            .env("CI", "true")
            .stdout(Stdio::null()))?;
        fs::write(&marker, "")?;
    }
    Ok(())
}

/// The SQLite file of a local D1 state directory (the one that is not miniflare's metadata).
pub(crate) fn sqlite_file(state: &Path) -> Result<std::path::PathBuf> {
    let dir = state.join("v3/d1/miniflare-D1DatabaseObject");
    std::fs::read_dir(&dir)
        .with_context(|| format!("no local D1 under {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "sqlite") && p.file_name().is_some_and(|n| n != "metadata.sqlite"))
        .context("the local D1 file was not found")
}

/// Starts `wrangler dev`. With a log file (the tests) it runs in a process group of its own, so
/// it and its workerd can be stopped together by its PID; without one (`dev`) it stays in the
/// terminal's group, so Ctrl-C reaches it.
/// `vars` are extra `--var NAME:VALUE` for this run only (the test clock, the stub provider).
/// `features` are the worker's cargo features for this build (see [`LOCAL`], [`TEST_HOOKS`]).
pub(crate) fn start_wrangler(paths: &Paths, state: &Path, port: u16, log: Option<&Path>, vars: &[String], features: &str) -> Result<Child> {
    use std::os::unix::process::CommandExt;
    let mut cmd = wrangler(paths);
    // The worker serves /__scheduled itself (LOCAL_SCHEDULED), honouring `time`.
    // Survey links point at this server.
    let public_url = format!("PUBLIC_URL:http://127.0.0.1:{port}");
    cmd.args(["dev", "--ip", "127.0.0.1", "--port", &port.to_string(), "--var", "LOCAL_SCHEDULED:1", "--var", &public_url, "--persist-to"])
        .arg(state);
    for var in vars {
        cmd.args(["--var", var]);
    }
    cmd
        .env("KEFU_WORKER_BUILD_FLAGS", format!("--no-opt --features {features}"))
        .stdin(Stdio::null());
    if let Some(log) = log {
        let file = fs::File::create(log)?;
        cmd.stdout(file.try_clone()?).stderr(file).process_group(0);
    }
    cmd.spawn().context("could not start wrangler dev")
}

/// Stops a child started in its own process group, and everything it started.
pub(crate) fn stop(child: &mut Child) {
    let _ = Command::new("kill").args(["-TERM", "--", &format!("-{}", child.id())]).status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", child.id())]).status();
    let _ = child.wait();
}

/// Waits until `http://127.0.0.1:{port}{path}` answers 200, or the child exits, or time runs out.
pub(crate) fn wait_for(port: u16, path: &str, child: &mut Child, limit: Duration) -> Result<()> {
    let deadline = Instant::now() + limit;
    loop {
        if http_ok(port, path) {
            return Ok(());
        }
        if let Some(status) = child.try_wait()? {
            bail!("the server exited with {status} before it answered {path}");
        }
        if Instant::now() > deadline {
            bail!("nothing answered {path} on port {port} within {} s", limit.as_secs());
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// A minimal HTTP GET over a plain socket: the xtask needs no HTTP client for one probe.
fn http_ok(port: u16, path: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 16];
    stream.read(&mut head).map(|n| head[..n].starts_with(b"HTTP/1.1 200")).unwrap_or(false)
}

pub(crate) fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

pub fn dev() -> Result<ExitCode> {
    let paths = setup::all(false)?;
    let state = root().join(".kefu").join("dev");
    prepare_state(&paths, &state, chrono::Utc::now())?;

    crate::app::build(&paths)?;
    crate::app::watch(paths.clone());

    step(&format!("starting wrangler dev on port {DEV_PORT} (builds the worker first, then rebuilds it on change)"));
    let mut server = start_wrangler(&paths, &state, DEV_PORT, None, &[], LOCAL)?;
    let ready = wait_for(DEV_PORT, "/api/health", &mut server, Duration::from_secs(900));
    if let Err(err) = ready {
        let _ = server.kill();
        return Err(err);
    }
    println!();
    println!("  Kefu is running at http://127.0.0.1:{DEV_PORT}");
    println!("  Sign in with any of these, password {DEMO_PASSWORD}:");
    for (email, role) in DEMO_LOGINS {
        println!("    {email:<24} {role}");
    }
    println!("  Cron test endpoint: http://127.0.0.1:{DEV_PORT}/__scheduled?cron=*/5+*+*+*+*&time=<epoch ms>");
    println!("  Changes to the app or the worker rebuild them; Ctrl-C stops everything.");
    println!();
    let status = server.wait()?;
    Ok(if status.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// The worker's Wasm as `wrangler deploy` compiles it (worker-build's cargo command, with no
/// features), copied into `work` before the tested build (with its hooks) takes its place, so
/// `tests/tests/deployed.rs` can show that it holds none of the test hooks.
fn deployed_worker(work: &Path) -> Result<std::path::PathBuf> {
    step("compiling the worker as it is deployed (no test hooks)");
    run(Command::new("cargo")
        .args(["build", "--quiet", "--lib", "--release", "--target", "wasm32-unknown-unknown", "-p", "kefu-worker"])
        .env("WASM_BINDGEN_USE_JS_SYS", "1")
        .current_dir(root()))?;
    let copy = work.join("deployed.wasm");
    fs::copy(root().join("target/wasm32-unknown-unknown/release/kefu_worker.wasm"), &copy)?;
    Ok(copy)
}

pub fn test(filter: &[String]) -> Result<ExitCode> {
    let paths = setup::all(true)?;
    crate::app::build(&paths)?;
    step("compiling the tests");
    run(Command::new("cargo").args(["test", "--no-run", "--quiet", "-p", "domain", "-p", "kefu-tests"]).current_dir(root()))?;

    let work = root().join("target").join("kefu-test");
    let state = work.join(format!("state-{}", std::process::id()));
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work)?;
    prepare_state(&paths, &state, chrono::Utc::now())?;
    let deployed = deployed_worker(&work)?;

    let port = free_port()?;
    let log = work.join("wrangler.log");
    step(&format!("starting wrangler dev on port {port} with a fresh state directory (log: {})", log.display()));
    // The tests may set the time of a request (X-Kefu-Test-Now) and run a stub notification
    // provider on notify_port, which the worker is pointed at.
    let notify_port = free_port()?;
    let vars = [
        "ALLOW_TEST_CLOCK:1".to_string(),
        "TRACE_SQL:1".to_string(),
        format!("NOTIFY_URL:http://127.0.0.1:{notify_port}/notify"),
        "NOTIFY_SECRET:kefu-test-secret".to_string(),
    ];
    let mut server = start_wrangler(&paths, &state, port, Some(&log), &vars, TEST_HOOKS)?;
    let mut driver = None;
    let outcome = (|| -> Result<ExitCode> {
        wait_for(port, "/api/health", &mut server, Duration::from_secs(900))?;
        let driver_port = free_port()?;
        use std::os::unix::process::CommandExt;
        let child = driver.insert(
            Command::new("/usr/bin/chromedriver")
                .arg(format!("--port={driver_port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .process_group(0)
                .spawn()
                .context("could not start chromedriver")?,
        );
        wait_for(driver_port, "/status", child, Duration::from_secs(30))?;
        let d1_file = sqlite_file(&state)?;
        let nextest = |filter: &[String]| {
            Command::new("cargo")
                .args(["nextest", "run", "--no-fail-fast", "-p", "domain", "-p", "kefu-tests"])
                .args(filter)
                .current_dir(root())
                .env("KEFU_BASE_URL", format!("http://127.0.0.1:{port}"))
                .env("KEFU_WEBDRIVER_URL", format!("http://127.0.0.1:{driver_port}"))
                .env("KEFU_NOTIFY_PORT", notify_port.to_string())
                .env("KEFU_SCREENSHOTS", work.join("screenshots"))
                .env("KEFU_D1_FILE", &d1_file)
                .env("KEFU_DEPLOYED_WASM", &deployed)
                .status()
        };
        // The plan test reads every statement the worker has run, the memory test needs the
        // worker to itself, and the authorization matrix and the sessions test sign demo users
        // out everywhere, so with no filter they run last, one after the other, after the rest
        // of the suite (crons included) has been through the worker.
        let passed = if filter.is_empty() {
            step("running the tests");
            let rest = nextest(&["-E".into(), format!("not ({AFTER})")])?.success();
            step("checking the query plan of every statement the suite ran, and the worker's memory");
            nextest(&["-E".into(), AFTER.into()])?.success() && rest
        } else {
            step("running the tests");
            nextest(filter)?.success()
        };
        Ok(if passed { ExitCode::SUCCESS } else { ExitCode::FAILURE })
    })();
    if let Some(child) = driver.as_mut() {
        stop(child);
    }
    stop(&mut server);
    if outcome.is_err() {
        if let Ok(text) = fs::read_to_string(&log) {
            let tail: Vec<&str> = text.lines().rev().take(40).collect();
            eprintln!("--- last lines of {} ---", log.display());
            for line in tail.into_iter().rev() {
                eprintln!("{line}");
            }
        }
    }
    let _ = fs::remove_dir_all(&state);
    outcome
}


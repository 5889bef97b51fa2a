//! The worker as `wrangler deploy` builds it (no cargo features) holds none of the test and
//! local hooks: no SQL trace routes, no memory count, no test clock, no `/__scheduled`. If
//! `TRACE_SQL` or `ALLOW_TEST_CLOCK` were ever set on a deployed worker, there would be no code
//! to read them. `cargo xtask test` builds that worker beside the one it tests
//! (`KEFU_DEPLOYED_WASM`); the tested one (`worker/build/`) has every hook, so the search finds
//! what it looks for when it is there.

/// Texts only the hooks' code holds: the vars and headers it asks the runtime for, which the
/// Wasm must hand over as strings. (The paths it matches, `/api/__test/…` and `/__scheduled`,
/// are compiled into comparisons of integers, not kept as text; their code runs only once
/// `TRACE_SQL` or `LOCAL_SCHEDULED` has been read.)
const HOOKS: &[&str] = &["TRACE_SQL", "x-kefu-trace", "ALLOW_TEST_CLOCK", "x-kefu-test-now", "LOCAL_SCHEDULED"];

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn the_deployed_worker_contains_no_test_or_local_hooks() {
    let deployed = std::env::var("KEFU_DEPLOYED_WASM").expect("KEFU_DEPLOYED_WASM is set by `cargo xtask test`");
    let deployed = std::fs::read(&deployed).expect("the deployed build's wasm");
    let tested = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../worker/build/index_bg.wasm")).expect("the tested build's wasm");
    for hook in HOOKS {
        assert!(contains(&tested, hook), "the tested build has {hook}: the search would find it");
        assert!(!contains(&deployed, hook), "the deployed build holds {hook}");
    }
    // It is a whole worker all the same.
    assert!(contains(&deployed, "/api/auth/login") && contains(&deployed, "invalid_credentials"));
}

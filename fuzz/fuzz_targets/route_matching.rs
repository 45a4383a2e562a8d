//! Server routes: the route table, path matching and what a route does with a payment header.
//!
//! Input layout: routes JSON, 0xff, method, 0xff, path, 0xff, payment header (each part optional).
#![no_main]

use libfuzzer_sys::fuzz_target;
use x402_wasm::path;
use x402_wasm::server::{Decision, RouteMatch, Routes};

const NOW: u64 = 1_800_000_000;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(4, |&b| b == 0xff).map(String::from_utf8_lossy);
    let routes_json = parts.next().unwrap_or_default();
    let method = parts.next().unwrap_or_default();
    let path = parts.next().unwrap_or_default();
    let header = parts.next().unwrap_or_default();

    let normalized = path::read(&path).path;
    assert!(normalized.starts_with('/'), "normalized path {normalized:?} does not start with /");

    let Ok(routes) = Routes::from_json(&routes_json) else { return };
    // A sub-app mount and a second view only ever add protection.
    let plain = routes.route(&method, &[&path], None);
    let mounted = routes.route(&method, &[&path, "/x"], Some("/v1"));
    if let RouteMatch::Paid(i) = plain {
        assert!(matches!(mounted, RouteMatch::Paid(j) if j <= i), "{plain:?} then {mounted:?}");
    }
    let Some((i, route)) = routes.find(&method, &path) else { return };
    assert!(routes.get(i).is_some_and(|r| r == route));
    assert!(route.matches(&method, &path));
    assert!(!route.accepts.is_empty(), "route {} accepts nothing", route.key);

    let url = format!("https://api.example.com{path}");
    match route.evaluate(&url, Some(&header), None, NOW) {
        Decision::Verified(v) => {
            assert!(
                !v.payer.is_empty() && !v.nonce_key.is_empty(),
                "verified without payer or nonce key: {v:?}"
            );
        }
        Decision::Unpaid | Decision::NoMatch | Decision::Invalid { .. } => {}
    }
});

//! Request paths against a model of Hono's router: whenever Hono would run a paid handler for a
//! path, the gate must protect it (the real Hono is the differential test in tests/consumer).
//!
//! Input layout: route pattern, 0xff, path. The pattern is made Hono-shaped (literal segments,
//! `:param`s, an optional trailing `/*`); the path is any bytes, read as a URL path.
#![no_main]

use libfuzzer_sys::fuzz_target;
use x402_wasm::path;
use x402_wasm::server::{RouteMatch, Routes};

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(2, |&b| b == 0xff);
    let pattern = hono_pattern(&String::from_utf8_lossy(parts.next().unwrap_or_default()));
    let raw = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();

    // What the gate's reading promises, for any input.
    for view in [path::read(&raw), path::read_decoded(&raw)] {
        assert!(view.path.starts_with('/'), "{view:?}");
        assert!(
            view.path == "/" || (!view.path.ends_with('/') && !view.path.contains("//")),
            "{view:?}"
        );
        assert!(
            !view.path.contains(['?', '#']) || raw.contains('%'),
            "a raw delimiter survived: {raw:?} -> {view:?}"
        );
    }
    // Each raw segment is one segment of the reading: a decoded character never separates.
    let raw_segments = raw
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .split('/')
        .filter(|s| !s.is_empty())
        .count();
    let read = path::read(&raw);
    let read_segments = read.path.split('/').filter(|s| !s.is_empty()).count();
    assert_eq!(raw_segments, read_segments, "{raw:?} -> {read:?}");

    let table = serde_json::json!({ format!("GET {pattern}"): {"accepts": {"scheme": "exact", "network": "eip155:84532",
        "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", "price": "$0.01"}}});
    let Ok(routes) = Routes::from_json(&table.to_string()) else { return };
    let hono_view = hono_path(&raw);
    if hono_routes(&pattern, &hono_view) {
        let got = routes.route("GET", &[&raw, &hono_view], None);
        assert_eq!(
            got,
            RouteMatch::Paid(0),
            "Hono routes {raw:?} (as {hono_view:?}) to {pattern:?}; the gate said {got:?}"
        );
    }
});

/// A Hono route pattern from arbitrary text: `/`-separated literal segments of `[a-z0-9._-]`, with
/// segments starting `:` as parameters and a final `*` as Hono's trailing wildcard.
fn hono_pattern(text: &str) -> String {
    let mut out = String::new();
    let segments: Vec<&str> = text.split('/').filter(|s| !s.is_empty()).take(6).collect();
    for (i, s) in segments.iter().enumerate() {
        let clean: String = s
            .chars()
            .filter(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')
            })
            .take(12)
            .collect();
        out.push('/');
        if s.starts_with(':') {
            out.push_str(":p");
            out.push_str(&i.to_string());
        } else if *s == "*" && i + 1 == segments.len() {
            out.push('*');
        } else if clean.is_empty() || clean == "." || clean == ".." {
            out.push('x');
        } else {
            out.push_str(&clean);
        }
    }
    if out.is_empty() {
        "/".into()
    } else {
        out
    }
}

/// Hono's path as its router sees it: up to `?`/`#`, each run of `%XX` decoded as `decodeURI` does
/// (the escapes of `; / ? : @ & = + $ , #` and of `%` itself kept as written), a run that is not
/// UTF-8 kept whole.
fn hono_path(raw: &str) -> String {
    const KEPT: &[u8] = b";/?:@&=+$,#%";
    let raw = raw.split(['?', '#']).next().unwrap_or_default();
    let bytes = raw.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            let next = raw[i..].find('%').map_or(raw.len(), |n| i + n);
            out.push_str(&raw[i..next]);
            i = next;
            continue;
        }
        let start = i;
        let mut run = Vec::new();
        while i < bytes.len() && bytes[i] == b'%' {
            let Some(b) = raw
                .get(i + 1..i + 3)
                .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            else {
                break;
            };
            run.push((b, &raw[i..i + 3]));
            i += 3;
        }
        if run.is_empty() {
            out.push('%');
            i += 1;
            continue;
        }
        let decoded: Vec<u8> = run.iter().map(|(b, _)| *b).collect();
        match String::from_utf8(decoded) {
            // Reserved characters are ASCII, so the bytes of a valid run between them are valid too.
            Ok(_) => {
                let mut pending = Vec::new();
                for (b, text) in &run {
                    if *b >= 0x80 {
                        pending.push(*b);
                        continue;
                    }
                    out.push_str(&String::from_utf8_lossy(&std::mem::take(&mut pending)));
                    if KEPT.contains(b) {
                        out.push_str(text);
                    } else {
                        out.push(*b as char);
                    }
                }
                out.push_str(&String::from_utf8_lossy(&pending));
            }
            Err(_) => out.push_str(&raw[start..i]),
        }
    }
    out
}

/// Hono's matching of one route: the path's segments (split on `/`) against the pattern's, literal
/// segments equal, `:p` any non-empty segment, a trailing `*` anything (nothing included); a trailing
/// `/` ignored (Hono's non-strict behaviour, the wider one).
fn hono_routes(pattern: &str, path: &str) -> bool {
    // A request path starts at the `/` after the host.
    if !path.starts_with('/') {
        return false;
    }
    let path = path.strip_suffix('/').filter(|p| !p.is_empty()).unwrap_or(path);
    let pat: Vec<&str> = pattern.split('/').skip(1).collect();
    let segs: Vec<&str> = path.split('/').skip(1).collect();
    if pattern == "/" {
        return path == "/" || path.is_empty();
    }
    let wildcard = pat.last() == Some(&"*");
    let fixed = if wildcard { &pat[..pat.len() - 1] } else { &pat[..] };
    if segs.len() < fixed.len() || (!wildcard && segs.len() != fixed.len()) {
        return false;
    }
    fixed.iter().zip(&segs).all(|(p, s)| if p.starts_with(':') { !s.is_empty() } else { p == s })
}

//! One list of codes: the error codes ([`Code`]) and reason codes ([`Reason`]) the package's types
//! declare are the crate's, and the JS glue writes none of them (nor a header name) itself.

use std::collections::BTreeSet;

use x402_wasm::codec::header;
use x402_wasm::{Code, Reason};

const INDEX_D_TS: &str = include_str!("../pkg-template/index.d.ts");
const GLUE: [(&str, &str); 25] = [
    ("api.js", include_str!("../pkg-template/api.js")),
    ("client.js", include_str!("../pkg-template/client.js")),
    ("families.js", include_str!("../pkg-template/families.js")),
    ("faces/evm/families.js", include_str!("../pkg-template/faces/evm/families.js")),
    ("server.js", include_str!("../pkg-template/server.js")),
    ("mcp.js", include_str!("../pkg-template/mcp.js")),
    ("errors.js", include_str!("../pkg-template/errors.js")),
    ("nonces.js", include_str!("../pkg-template/nonces.js")),
    ("durable.js", include_str!("../pkg-template/durable.js")),
    ("node.js", include_str!("../pkg-template/node.js")),
    ("workerd.js", include_str!("../pkg-template/workerd.js")),
    ("web.js", include_str!("../pkg-template/web.js")),
    ("paywall/browser.js", include_str!("../pkg-template/paywall/browser.js")),
    ("paywall.js", include_str!("../pkg-template/paywall.js")),
    ("faces/client/api.js", include_str!("../pkg-template/faces/client/api.js")),
    ("faces/client/node.js", include_str!("../pkg-template/faces/client/node.js")),
    ("faces/client/web.js", include_str!("../pkg-template/faces/client/web.js")),
    ("faces/client/workerd.js", include_str!("../pkg-template/faces/client/workerd.js")),
    ("faces/server/api.js", include_str!("../pkg-template/faces/server/api.js")),
    ("faces/server/node.js", include_str!("../pkg-template/faces/server/node.js")),
    ("faces/server/web.js", include_str!("../pkg-template/faces/server/web.js")),
    ("faces/server/workerd.js", include_str!("../pkg-template/faces/server/workerd.js")),
    (
        "faces/facilitator/facilitator.js",
        include_str!("../pkg-template/faces/facilitator/facilitator.js"),
    ),
    ("faces/facilitator/node.js", include_str!("../pkg-template/faces/facilitator/node.js")),
    ("faces/facilitator/workerd.js", include_str!("../pkg-template/faces/facilitator/workerd.js")),
];

/// The string members of `export type {name} = "a" | "b" …;`.
fn union(name: &str) -> BTreeSet<String> {
    let start = INDEX_D_TS
        .find(&format!("export type {name} ="))
        .unwrap_or_else(|| panic!("index.d.ts declares no {name}"));
    let body = &INDEX_D_TS[start..];
    let body = &body[..body.find(';').expect("the union ends")];
    body.split('"').skip(1).step_by(2).map(str::to_owned).collect()
}

#[test]
fn the_error_codes_of_the_types_are_the_crates() {
    let crate_codes: BTreeSet<String> = Code::ALL.iter().map(|c| c.as_str().to_owned()).collect();
    assert_eq!(union("ErrorCode"), crate_codes);
}

#[test]
fn the_reasons_of_the_types_are_the_crates() {
    let reasons: BTreeSet<String> = Reason::ALL.iter().map(|r| r.as_str().to_owned()).collect();
    assert_eq!(union("Reason"), reasons);
}

/// The quoted strings of a JS source (`"…"`, `'…'`, and the literal parts of `` `…` ``), outside
/// comments.
fn literals(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in source.lines() {
        let code = line.trim_start();
        if code.starts_with("//") || code.starts_with('*') || code.starts_with("/*") {
            continue;
        }
        for quote in ['"', '\'', '`'] {
            out.extend(code.split(quote).skip(1).step_by(2).map(str::to_owned));
        }
    }
    out
}

#[test]
fn the_glue_writes_no_code_reason_or_header_name_of_its_own() {
    let mut protocol: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    protocol.extend(Reason::ALL.iter().map(|r| r.as_str()));
    protocol.extend([
        header::PAYMENT_REQUIRED,
        header::PAYMENT_SIGNATURE,
        header::PAYMENT_RESPONSE,
        header::X_PAYMENT,
        header::X_PAYMENT_RESPONSE,
        header::SETTLEMENT_OVERRIDES,
        "settlement_pending",
        "eip155",
        "casper",
    ]);
    for (file, source) in GLUE {
        for literal in literals(source) {
            for word in &protocol {
                assert!(
                    !literal.eq_ignore_ascii_case(word) && !literal.contains(&format!("{word}:")),
                    "{file} writes `{word}` itself: {literal:?}"
                );
            }
        }
    }
}

//! The resource server's decisions, without I/O: routes, prices, 402 terms, and what to do with a
//! payment. The Worker middleware (JS) carries out the I/O these decisions call for.
//!
//! Routes follow `@x402/hono`: `{"GET /weather": {accepts: {scheme, network, payTo, price,
//! maxTimeoutSeconds?, extra?} | [...], description?, mimeType?}}`; a price is money (`"$0.01"`,
//! the network's default asset) or `{amount, asset, extra?}`. Prices are converted once, when the
//! table is built, so a bad route fails at start-up and not on a customer's request.

mod facilitator;
mod gate;
mod metering;
mod paywall;
mod respond;

use alloy_primitives::U256;
use serde_json::{Map, Value};

pub use facilitator::{read_settle, read_verify, Facilitators, Outcome, Settlement};
pub use gate::{Gate, Payment, Step, VerifyMode};
pub use metering::{Charge, Meter};
pub use paywall::{describe as describe_offers, failure_message, network_name, Offer};
pub use respond::{
    facilitator_fault, handler_failed, in_progress, invalid_path, paid_headers, passed_headers,
    too_many_deferred_checks, unresolved, Plan, Receipt, SETTLE_FALLBACK_REASON,
    VERIFY_FALLBACK_REASON,
};

use crate::asset;
use crate::codec;
use crate::error::{Error, Result};
use crate::family;
use crate::fields::Fields;
use crate::matching;
use crate::path::{self, Pattern};
use crate::reason::Reason;
use crate::verdict::Verdict;
use crate::wire::{decimal, v1, v2, PaymentPayload, PaymentRequirements, Version};

/// Default `maxTimeoutSeconds` of a route's requirement, as the reference server's.
pub const DEFAULT_MAX_TIMEOUT_SECONDS: u64 = 300;
/// How far a payer's clock may run ahead of ours when its payment's expiry is checked against
/// `maxTimeoutSeconds`.
pub const CLOCK_SKEW_SECONDS: u64 = 120;
/// The `error` of a 402 when no payment was sent.
pub const PAYMENT_REQUIRED: &str = "Payment required";
/// The `error` of a 402 when the payment answers none of the route's requirements.
pub const NO_MATCH: &str = "No matching payment requirements";

/// One route of the table (`{accepts, description?, mimeType?}`), read by [`Fields`]: the table
/// is read once, and a serde derive would be one more deserializer in the module (and
/// `#[serde(untagged)]` enums for `accepts` and `price` buffer the input and build an error per
/// variant tried), code a Worker's first request compiles and runs.
struct RouteConfig {
    /// A [`PaymentOption`], or a list of them.
    accepts: Value,
    description: Option<String>,
    mime_type: Option<String>,
}

/// One entry of a route's `accepts`.
struct PaymentOption {
    scheme: String,
    network: String,
    pay_to: String,
    /// A [`Price`].
    price: Value,
    max_timeout_seconds: Option<u64>,
    extra: Option<Map<String, Value>>,
    /// `upto` only: the least a payment is charged, whatever the handler declares it used.
    min_price: Option<Value>,
}

impl RouteConfig {
    fn read(route: &str, value: Value) -> Result<Self> {
        let at = format!("{route}: ");
        let mut f = Fields::of("route config", &at, value)?;
        Ok(RouteConfig {
            accepts: f.required("accepts")?,
            description: f.optional_string("description")?,
            mime_type: f.optional_string("mimeType")?,
        })
    }
}

impl PaymentOption {
    /// A route's `accepts`: one option, or a list of them.
    fn list(route: &str, accepts: Value) -> Result<Vec<Self>> {
        match accepts {
            Value::Array(list) => list.into_iter().map(|o| Self::read(route, o)).collect(),
            one => Ok(vec![Self::read(route, one)?]),
        }
    }

    fn read(route: &str, value: Value) -> Result<Self> {
        let at = format!("{route}: accepts: ");
        let mut f = Fields::of("route config", &at, value)?;
        Ok(PaymentOption {
            scheme: f.string("scheme")?,
            network: f.string("network")?,
            pay_to: f.string("payTo")?,
            price: f.required("price")?,
            max_timeout_seconds: f.optional_u64("maxTimeoutSeconds")?,
            extra: f.optional_object("extra")?,
            min_price: f.optional("minPrice"),
        })
    }
}

/// A route's `price` (or `minPrice`).
enum Price {
    /// An amount of a token, in its atomic units.
    Asset { amount: String, asset: String, extra: Option<Map<String, Value>> },
    /// Money, converted to the network's default asset.
    Money(Value),
}

impl Price {
    /// An object with a string `amount` and `asset` (and an object `extra`, or none) is an amount
    /// of that token; anything else is read as money (`"$0.01"`, `0.01`).
    fn read(value: Value) -> Price {
        if let Value::Object(o) = &value {
            let extra = match o.get("extra") {
                None | Some(Value::Null) => Some(None),
                Some(Value::Object(extra)) => Some(Some(extra.clone())),
                Some(_) => None,
            };
            if let (Some(Value::String(amount)), Some(Value::String(asset)), Some(extra)) =
                (o.get("amount"), o.get("asset"), extra)
            {
                return Price::Asset { amount: amount.clone(), asset: asset.clone(), extra };
            }
        }
        Price::Money(value)
    }

    /// The atomic amount, asset and asset `extra` of this price on `network`.
    fn convert(self, network: &str) -> Result<(U256, String, Map<String, Value>)> {
        Ok(match self {
            Price::Asset { amount, asset, extra } => {
                let amount = decimal::parse(&amount)
                    .map_err(|e| Error::Price { price: amount.clone(), reason: e.into() })?;
                (amount, asset, extra.unwrap_or_default())
            }
            Price::Money(money) => {
                let text = match &money {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => crate::json::number(n),
                    other => {
                        return Err(Error::Price {
                            price: crate::json::write(other),
                            reason: "expected money or {amount, asset}".into(),
                        })
                    }
                };
                let (amount, token) = asset::price_to_amount(&text, network)?;
                (amount, token.address.to_owned(), token.extra())
            }
        })
    }
}

impl PaymentOption {
    /// The offer, and the least it is charged (`upto`'s `minPrice`; zero otherwise).
    fn requirements(self) -> Result<(v2::PaymentRequirements, U256)> {
        if let Some(family) = family::left_out(&self.network) {
            return Err(Error::FamilyLeftOut { network: self.network, family });
        }
        let (amount, asset, mut extra) = Price::read(self.price).convert(&self.network)?;
        let minimum = match self.min_price {
            None => U256::ZERO,
            Some(_) if self.scheme != crate::evm::upto::UPTO => {
                return Err(Error::field("minPrice", "only an upto offer has a minimum charge"))
            }
            Some(min) => {
                let (min, min_asset, _) = Price::read(min).convert(&self.network)?;
                let why = if !min_asset.eq_ignore_ascii_case(&asset) {
                    Some(format!("minPrice is in {min_asset}, the price in {asset}"))
                } else if min > amount {
                    Some(format!("minPrice {min} is above the price {amount}"))
                } else {
                    None
                };
                if let Some(reason) = why {
                    return Err(Error::Price { price: min.to_string(), reason });
                }
                min
            }
        };
        // The route's own extra overrides what the asset table says.
        extra.extend(self.extra.unwrap_or_default());
        let mut offer = v2::PaymentRequirements {
            scheme: self.scheme,
            network: self.network,
            amount,
            asset,
            pay_to: self.pay_to,
            max_timeout_seconds: self.max_timeout_seconds.unwrap_or(DEFAULT_MAX_TIMEOUT_SECONDS),
            extra: (!extra.is_empty()).then_some(extra),
            unknown: Map::new(),
        };
        if let Some(family) = family::serving(&offer.network) {
            family.complete_offer(&mut offer);
            family.check_offer(&offer)?;
        }
        Ok((offer, minimum))
    }
}

/// The keys of `offer`'s `extra` that its family learns from the facilitator and it lacks.
pub fn missing_extra(offer: &v2::PaymentRequirements) -> Vec<&'static str> {
    let Some(family) = family::serving(&offer.network) else { return Vec::new() };
    let has =
        |key: &str| offer.extra.as_ref().and_then(|e| e.get(key)).is_some_and(|v| !v.is_null());
    family.facilitator_extra(&offer.scheme).iter().copied().filter(|k| !has(k)).collect()
}

/// Whether `offer` passes its family's checks of an offer (what the table checks at load).
fn checks(offer: &v2::PaymentRequirements) -> bool {
    family::serving(&offer.network).is_none_or(|f| f.check_offer(offer).is_ok())
}

/// One protected route.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// The key it was declared under, e.g. `"GET /weather"`.
    pub key: String,
    method: Option<String>,
    pattern: Pattern,
    /// The requirements a payment may answer, in preference order.
    pub accepts: Vec<v2::PaymentRequirements>,
    /// Where each of `accepts` stands in the route's declared order.
    slots: Vec<usize>,
    /// Offers waiting for what only their facilitator knows (a Solana fee payer), with their place
    /// in the declared order: neither offered nor accepted until [`Route::learn`] completes them.
    pub waiting: Vec<(usize, v2::PaymentRequirements)>,
    /// The least each offer is charged, by its place in the declared order (`upto`'s `minPrice`).
    minimums: Vec<U256>,
    /// Shown in the resource info.
    pub description: String,
    /// Shown in the resource info.
    pub mime_type: String,
}

/// The methods a route key may name (`"GET /weather"`); a key without one protects every method.
const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// Splits a route key into its method and path pattern: `*`, `/path` or `METHOD /path`. Anything
/// else (`"GET\t/x"`, `"FETCH /x"`, `"weather"`) is refused: a key that protects nothing must
/// not load silently.
fn parse_key(key: &str) -> Result<(Option<String>, &str)> {
    let bad = |why: &str| Error::field("routes", format!("route key `{key}`: {why}"));
    let key = key.trim_matches(' ');
    let (method, pattern) = match key.split_once(' ') {
        Some((m, p)) => {
            let m = m.to_ascii_uppercase();
            if !METHODS.contains(&m.as_str()) {
                return Err(bad(&format!("`{m}` is not one of {}", METHODS.join(", "))));
            }
            (Some(m), p.trim_start_matches(' '))
        }
        None => (None, key),
    };
    if pattern != "*" && !pattern.starts_with('/') {
        return Err(bad("expected `*`, `/path` or `METHOD /path`"));
    }
    if pattern.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("the path has whitespace or control characters in it"));
    }
    Ok((method, pattern))
}

/// How a request path reads to the route table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteMatch {
    /// No route protects it: serve it.
    Free,
    /// Route `i` protects it.
    Paid(usize),
    /// No route matched, but the path has a reading that was a guess (see [`path::PathView::clear`]):
    /// refuse the request rather than serve what a framework might route to a paid handler.
    Unclear,
}

impl Route {
    /// Enriches the offers served by `serves` from a facilitator's `POST /accepts` answer
    /// (faremeter's): each takes, from the answer's requirement of its scheme, network, payTo and
    /// amount (and asset, where the answer names one), the `extra` keys it lacks, and fresh values
    /// of the [`matching::DYNAMIC_EXTRA`] keys. Nothing else is taken: the facilitator never
    /// changes what is paid, or to whom. Waiting offers complete here too. Returns how many changed.
    pub fn enrich(&mut self, enriched: &[Value], serves: impl Fn(&str) -> bool) -> usize {
        let mut changed = 0;
        let same = |offer: &v2::PaymentRequirements, e: &Value| {
            let s = |k: &str| e.get(k).and_then(Value::as_str);
            s("scheme") == Some(&offer.scheme)
                && s("network")
                    .is_some_and(|n| crate::network::to_caip2(n) == offer.network.as_str())
                && s("payTo") == Some(&offer.pay_to)
                && s("amount").is_some_and(|a| a == offer.amount.to_string())
                && s("asset").is_none_or(|a| a == offer.asset)
        };
        let mut apply = |offer: &mut v2::PaymentRequirements| {
            if !serves(&offer.network) {
                return;
            }
            let Some(extra) = enriched
                .iter()
                .find(|e| same(offer, e))
                .and_then(|e| e.get("extra"))
                .and_then(Value::as_object)
            else {
                return;
            };
            let mut candidate = offer.clone();
            let mine = candidate.extra.get_or_insert_with(Map::new);
            for (k, v) in extra {
                if !mine.contains_key(k) || matching::DYNAMIC_EXTRA.contains(&k.as_str()) {
                    mine.insert(k.clone(), v.clone());
                }
            }
            // An answer that would make the offer one the table would refuse is not taken.
            if candidate != *offer && checks(&candidate) {
                *offer = candidate;
                changed += 1;
            }
        };
        self.accepts.iter_mut().for_each(&mut apply);
        self.waiting.iter_mut().for_each(|(_, o)| apply(o));
        self.promote();
        changed
    }

    /// Drops the [`matching::DYNAMIC_EXTRA`] hints of the offers served by `serves` (a blockhash
    /// too old to pay with); returns how many had one.
    pub fn forget_hints(&mut self, serves: impl Fn(&str) -> bool) -> usize {
        let mut dropped = 0;
        let offers = self.accepts.iter_mut().chain(self.waiting.iter_mut().map(|(_, o)| o));
        for offer in offers.filter(|o| serves(&o.network)) {
            if let Some(extra) = offer.extra.as_mut() {
                let before = extra.len();
                extra.retain(|k, _| !matching::DYNAMIC_EXTRA.contains(&k.as_str()));
                dropped += usize::from(extra.len() != before);
            }
        }
        dropped
    }

    /// Offers the waiting offers that have what they waited for, in their declared places.
    fn promote(&mut self) {
        for (slot, offer) in std::mem::take(&mut self.waiting) {
            if missing_extra(&offer).is_empty() && checks(&offer) {
                let at = self.slots.iter().take_while(|&&s| s < slot).count();
                self.accepts.insert(at, offer);
                self.slots.insert(at, slot);
            } else {
                self.waiting.push((slot, offer));
            }
        }
    }

    /// Completes waiting offers served by `serves` from a facilitator's `/supported` `kinds`
    /// (`{x402Version, scheme, network, extra}`): each takes the missing keys of the kind of its
    /// scheme and network (the v2 kind first), and is offered once it has them all. Returns how
    /// many it completed.
    pub fn learn(&mut self, kinds: &[Value], serves: impl Fn(&str) -> bool) -> usize {
        for (_, offer) in self.waiting.iter_mut().filter(|(_, o)| serves(&o.network)) {
            let kind_of = |version: u64| {
                kinds.iter().find(|k| {
                    k.get("x402Version").and_then(Value::as_u64) == Some(version)
                        && k.get("scheme").and_then(Value::as_str) == Some(&offer.scheme)
                        && k.get("network")
                            .and_then(Value::as_str)
                            .is_some_and(|n| crate::network::to_caip2(n) == offer.network.as_str())
                })
            };
            let extra = kind_of(2).or_else(|| kind_of(1)).and_then(|k| k.get("extra"));
            for key in missing_extra(offer) {
                if let Some(v) = extra.and_then(|e| e.get(key)).filter(|v| v.is_string()) {
                    offer.extra.get_or_insert_with(Map::new).insert(key.into(), v.clone());
                }
            }
        }
        let waiting = self.waiting.len();
        self.promote();
        waiting - self.waiting.len()
    }

    /// Whether this route protects `method` `path` (HEAD is protected as GET, as frameworks route it).
    pub fn matches(&self, method: &str, path: &str) -> bool {
        readings(&[path], None).0.iter().any(|r| self.hit(method, r))
    }

    /// Whether this route protects `method` on one reading (case kept, or folded).
    fn hit(&self, method: &str, (reading, exact): &(String, bool)) -> bool {
        self.method_matches(method)
            && if *exact {
                self.pattern.matches_exact(reading)
            } else {
                self.pattern.matches(reading)
            }
    }

    fn method_matches(&self, method: &str) -> bool {
        self.method.as_deref().is_none_or(|m| {
            m.eq_ignore_ascii_case(method) || (m == "GET" && method.eq_ignore_ascii_case("HEAD"))
        })
    }

    /// The v2 402 terms for this route at `url`.
    pub fn payment_required(&self, url: &str, error: &str) -> v2::PaymentRequired {
        v2::PaymentRequired {
            x402_version: 2,
            error: Some(error.to_owned()),
            resource: self.resource(url),
            accepts: self.accepts.clone(),
            extensions: None,
            unknown: Map::new(),
        }
    }

    /// The v1 402 body for this route at `url`, with the requirements that have a v1 form.
    pub fn payment_required_v1(&self, url: &str, error: &str) -> v1::PaymentRequired {
        let resource = self.resource(url);
        v1::PaymentRequired {
            x402_version: 1,
            error: error.to_owned(),
            accepts: self.v1_offers().filter_map(|r| r.to_v1(&resource).ok()).collect(),
            unknown: Map::new(),
        }
    }

    /// The offers of a scheme v1 has (`upto` is v2 only).
    fn v1_offers(&self) -> impl Iterator<Item = &v2::PaymentRequirements> {
        self.accepts.iter().filter(|r| {
            family::serving(&r.network).is_none_or(|f| f.has_scheme(&r.scheme, Version::V1))
        })
    }

    /// The bounds of a payment of offer `i` of [`Route::accepts`], when its scheme is metered.
    fn meter(&self, i: usize) -> Option<Meter> {
        let offer = self.accepts.get(i).filter(|o| o.scheme == crate::evm::upto::UPTO)?;
        let minimum = self.slots.get(i).and_then(|&s| self.minimums.get(s)).copied();
        Some(Meter::new(offer.amount, minimum.unwrap_or_default(), &offer.network, &offer.asset))
    }

    fn resource(&self, url: &str) -> v2::ResourceInfo {
        v2::ResourceInfo {
            url: url.to_owned(),
            description: Some(self.description.clone()),
            mime_type: Some(self.mime_type.clone()),
            unknown: Map::new(),
        }
    }

    /// What to do with a request to this route carrying these payment headers (either may be absent).
    pub fn evaluate(
        &self,
        url: &str,
        payment_signature: Option<&str>,
        x_payment: Option<&str>,
        now: u64,
    ) -> Decision {
        // A header that does not decode counts as no payment, as in the reference server.
        let Some(payload) =
            payment_signature.or(x_payment).and_then(|h| codec::decode_payment(h).ok())
        else {
            return Decision::Unpaid;
        };
        let offers: Vec<PaymentRequirements> = match payload.version() {
            Version::V2 => self.accepts.iter().cloned().map(PaymentRequirements::V2).collect(),
            Version::V1 => {
                let resource = self.resource(url);
                self.v1_offers()
                    .filter_map(|r| r.to_v1(&resource).ok())
                    .map(PaymentRequirements::V1)
                    .collect()
            }
        };
        let Some(i) = matching::find_match(&payload, &offers) else {
            return Decision::NoMatch;
        };
        let requirements = offers[i].clone();
        let (payer, deferred, replay) = match crate::verify(&payload, &requirements, now) {
            Verdict::Valid { payer, deferred, replay } => (payer, deferred, replay),
            Verdict::Invalid { reason, message, payer } => {
                return Decision::Invalid { reason, message, payer }
            }
        };
        // A payment valid for longer than the route allows would outlive its nonce record.
        let terms = requirements.terms();
        let latest =
            now.saturating_add(terms.max_timeout_seconds).saturating_add(CLOCK_SKEW_SECONDS);
        if replay.valid_before > latest {
            let message = format!("valid until {}, beyond now + maxTimeoutSeconds ({latest}, {CLOCK_SKEW_SECONDS} s of clock skew allowed)", replay.valid_before);
            return Decision::Invalid {
                reason: Reason::InvalidPayload,
                message,
                payer: Some(payer),
            };
        }
        let meter = match payload.version() {
            Version::V2 => self.meter(i),
            Version::V1 => None,
        };
        Decision::Verified(Box::new(Verified {
            payload,
            requirements,
            meter,
            payer,
            nonce_key: replay.key,
            shard: replay.shard,
            valid_before: replay.valid_before,
            replay_reason: replay.reason,
            deferred: deferred.iter().map(|d| d.as_str()).collect(),
        }))
    }
}

/// The readings of `paths` as `(reading, case kept)`, in order of authority (see [`Routes::route`]):
/// each view as read, inside `mount` first, with its case kept first (as Hono compares) then folded
/// (as the reference does); then each view decoded whole. Also whether every reading was clear.
fn readings(paths: &[&str], mount: Option<&Pattern>) -> (Vec<(String, bool)>, bool) {
    let mut readings = Vec::with_capacity(paths.len() * 8);
    let mut clear = true;
    for read in [path::read as fn(&str) -> path::PathView, path::read_decoded] {
        for p in paths {
            let view = read(p);
            clear &= view.clear;
            let mut add = |reading: (String, bool)| {
                // Most paths read the same every way: each distinct reading is matched once.
                if !readings.contains(&reading) {
                    readings.push(reading);
                }
            };
            if let Some(m) = mount {
                m.strip_prefix(&view.exact, true).for_each(|rest| add((rest.to_owned(), true)));
                m.strip_prefix(&view.path, false).for_each(|rest| add((rest.to_owned(), false)));
            }
            add((view.exact, true));
            add((view.path, false));
        }
    }
    (readings, clear)
}

/// A payment that passed every local check.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// The payment as received.
    pub payload: PaymentPayload,
    /// The route's requirement it answers, in the payload's version (what the facilitator gets).
    pub requirements: PaymentRequirements,
    /// For a metered scheme (`upto`), the bounds of what it may be charged.
    pub meter: Option<Meter>,
    /// The payer.
    pub payer: String,
    /// The one-time key of this payment, for replay protection.
    pub nonce_key: String,
    /// The part of the key a nonce store shards on (the payer).
    pub shard: String,
    /// When the payment expires (unix seconds); the key need not be kept longer.
    pub valid_before: u64,
    /// The code to refuse it with if its nonce was already used: EVM's `nonce_already_used`; the
    /// Casper facilitator has no such code, and refuses a replay as a failed verification at settle.
    pub replay_reason: Reason,
    /// Checks left to the facilitator.
    pub deferred: Vec<&'static str>,
}

/// What a protected route does with a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// No (readable) payment: answer 402 with the terms.
    Unpaid,
    /// A payment that answers none of the route's requirements: 402 `No matching payment requirements`.
    NoMatch,
    /// A payment that fails verification: 402 with the reason code; the facilitator is not called.
    Invalid {
        /// Why.
        reason: Reason,
        /// Detail.
        message: String,
        /// The payer, when readable.
        payer: Option<String>,
    },
    /// Verified locally: reserve the nonce, then (optionally) facilitator verify, handler, settle.
    Verified(Box<Verified>),
}

/// The protected routes, in declaration order (the first match wins).
#[derive(Debug, Clone, PartialEq)]
pub struct Routes {
    routes: Vec<Route>,
}

impl Routes {
    /// Reads the route table JSON. A bare route config (with `accepts` at the top) protects every path.
    pub fn from_json(json: &str) -> Result<Self> {
        let value = crate::fields::parse_lenient("routes", json)?;
        let Value::Object(map) = value else {
            return Err(Error::field(
                "routes",
                "expected an object of \"METHOD /path\": {accepts, …}",
            ));
        };
        let entries: Vec<(String, Value)> = if map.contains_key("accepts") {
            vec![("*".into(), Value::Object(map))]
        } else {
            map.into_iter().collect()
        };
        let mut routes = Vec::with_capacity(entries.len());
        for (key, config) in entries {
            let RouteConfig { accepts, description, mime_type } = RouteConfig::read(&key, config)?;
            let options = PaymentOption::list(&key, accepts)?;
            let (method, pattern) = parse_key(&key)?;
            let pattern = Pattern::new(pattern);
            if options.is_empty() {
                return Err(Error::field("accepts", format!("route `{key}` accepts nothing")));
            }
            let (accepts, minimums): (Vec<_>, Vec<_>) = options
                .into_iter()
                .map(PaymentOption::requirements)
                .collect::<Result<Vec<_>>>()?
                .into_iter()
                .unzip();
            if let Some(free) = accepts.iter().find(|r| r.amount.is_zero()) {
                return Err(Error::Price {
                    price: "0".into(),
                    reason: format!(
                        "route `{key}` on {} costs nothing: leave a free route out of the table",
                        free.network
                    ),
                });
            }
            let (mut ready, mut slots, mut waiting) = (Vec::new(), Vec::new(), Vec::new());
            for (slot, offer) in accepts.into_iter().enumerate() {
                if missing_extra(&offer).is_empty() {
                    ready.push(offer);
                    slots.push(slot);
                } else {
                    waiting.push((slot, offer));
                }
            }
            routes.push(Route {
                key,
                method,
                pattern,
                accepts: ready,
                slots,
                waiting,
                minimums,
                description: description.unwrap_or_default(),
                mime_type: mime_type.unwrap_or_default(),
            });
        }
        Ok(Routes { routes })
    }

    /// Every route, to complete their waiting offers.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Route> {
        self.routes.iter_mut()
    }

    /// Every route.
    pub fn iter(&self) -> impl Iterator<Item = &Route> {
        self.routes.iter()
    }

    /// The first route protecting `method` `path`.
    pub fn find(&self, method: &str, path: &str) -> Option<(usize, &Route)> {
        match self.route(method, &[path], None) {
            RouteMatch::Paid(i) => Some((i, &self.routes[i])),
            RouteMatch::Free | RouteMatch::Unclear => None,
        }
    }

    /// How a request reads to the table, given the views of its path a framework may route on, in
    /// order of authority (the framework's own first, then the URL's), and, for a sub-app, the
    /// pattern it is mounted at. Readings are tried in turn: each view as read (inside the mount
    /// first: a sub-app routes on what follows its mount), then each view decoded whole; the first
    /// reading that matches a route decides, the first route in declaration order for that
    /// reading. So a further reading adds protection but does not pick another route (another
    /// price) than the framework's own reading does. Failing all, a reading that was a guess makes
    /// the request [`RouteMatch::Unclear`].
    pub fn route(&self, method: &str, paths: &[&str], mount: Option<&str>) -> RouteMatch {
        let mount = mount.map(Pattern::new).filter(|m| !m.matches("/"));
        let (readings, clear) = readings(paths, mount.as_ref());
        for reading in &readings {
            if let Some(i) = self.routes.iter().position(|r| r.hit(method, reading)) {
                return RouteMatch::Paid(i);
            }
        }
        if !self.routes.is_empty() && !clear {
            return RouteMatch::Unclear;
        }
        RouteMatch::Free
    }

    /// Route `i`.
    pub fn get(&self, i: usize) -> Option<&Route> {
        self.routes.get(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::U256;
    use serde_json::json;

    fn routes(v: Value) -> Routes {
        Routes::from_json(&v.to_string()).unwrap()
    }

    const PAY_TO: &str = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";

    #[test]
    fn a_route_on_a_family_this_build_leaves_out_is_refused_when_the_table_loads() {
        let routes = |network: &str, pay_to: &str| {
            json!({"GET /x": {"accepts": {"scheme": "exact", "network": network, "payTo": pay_to,
                "price": {"amount": "1000", "asset": "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU"},
                "extra": {"feePayer": "2wKupLR9q6wXYppw8Gr2NvWxKBUqm4PPJKkQfoxHDBg4"}}}})
            .to_string()
        };
        let solana = Routes::from_json(&routes(
            "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1",
            "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin",
        ));
        if cfg!(feature = "solana") {
            assert!(solana.is_ok(), "{solana:?}");
        } else {
            let err = solana.unwrap_err();
            assert_eq!(err.code(), "invalid_network");
            assert!(err.to_string().contains("`solana` family"), "{err}");
        }
        // Refused by name before its price is read: a build with Casper says there is no money
        // price on it.
        let casper = Routes::from_json(
            &json!({"GET /x": {"accepts": {"scheme": "exact", "network": "casper:casper-test",
                "payTo": format!("00{}", "ab".repeat(32)), "price": "$0.01"}}})
            .to_string(),
        )
        .unwrap_err();
        let expected = if cfg!(feature = "casper") { "invalid_price" } else { "invalid_network" };
        assert_eq!(casper.code(), expected, "{casper}");
        // A namespace no family of this crate has is not refused at load: no face verifies it,
        // whatever its features.
        assert!(Routes::from_json(&routes("cosmos:hub", "cosmos1x")).is_ok());
    }

    #[test]
    fn patterns_match_as_the_reference_does() {
        let option = json!({"scheme": "exact", "network": "eip155:84532", "payTo": PAY_TO, "price": "$0.01"});
        let r = routes(json!({
            "GET /weather": {"accepts": option},
            "/items/:id": {"accepts": option},
            "POST /files/[name]/meta": {"accepts": option},
            "/api/*/v1": {"accepts": option},
        }));
        let hit = |m: &str, p: &str| r.find(m, p).map(|(i, _)| i);
        assert_eq!(hit("GET", "/weather"), Some(0));
        assert_eq!(hit("get", "/Weather/?q=1"), Some(0));
        assert_eq!(hit("GET", "//weather"), Some(0));
        assert_eq!(hit("POST", "/weather"), None);
        assert_eq!(hit("DELETE", "/items/42"), Some(1));
        assert_eq!(hit("GET", "/items/42/more"), None);
        assert_eq!(hit("GET", "/items/"), None);
        assert_eq!(hit("POST", "/files/a.txt/meta"), Some(2));
        assert_eq!(hit("GET", "/api/x/y/v1"), Some(3));
        assert_eq!(hit("GET", "/api%2Fx/v1"), Some(3));
        assert_eq!(hit("GET", "/other"), None);
        // Non-ASCII in a parameter followed by a literal that does not match: the matcher backs up
        // through the segment, and used to slice inside a character and panic (found by fuzzing).
        assert_eq!(hit("POST", "/files/caf\u{e9}/nope"), None);
        assert_eq!(hit("POST", "/files/\u{1f600}/meta"), Some(2));
        assert_eq!(hit("POST", "/files/\u{1f600}\u{e9}/metax"), None);
        // No spelling of a paid path gets past the gate (Hono leaves %2F encoded, decodes run by run).
        assert_eq!(hit("GET", "/items/a%2Fb"), Some(1));
        assert_eq!(hit("GET", "/items/a%5Cb"), Some(1));
        assert_eq!(hit("GET", "/%69tems/x%ff"), Some(1));
        assert_eq!(hit("GET", "/%57eather"), Some(0));
        assert_eq!(hit("HEAD", "/weather"), Some(0), "HEAD is routed as GET");
        assert_eq!(hit("GET", "/weather%"), None);
        // Many wildcards against a long path: a backtracking matcher never finished this (found by
        // fuzzing); the position-set matcher answers at once.
        let stars = routes(json!({"/*/**/*/*/x": {"accepts": option}}));
        assert!(stars.find("GET", &format!("/{}", "a/".repeat(3000))).is_none());
        assert!(stars.find("GET", "/a/b/c/d/x").is_some());
        let all = routes(json!({"accepts": option}));
        assert!(all.find("PUT", "/anything/at/all").is_some());
    }

    #[test]
    fn an_escape_in_a_literal_or_a_parameter_does_not_get_past_the_gate() {
        // The attack review's C1: percent-encode a literal, put a separator inside the parameter.
        let option = json!({"scheme": "exact", "network": "eip155:84532", "payTo": PAY_TO, "price": "$0.01"});
        let r =
            routes(json!({"GET /reports/:id": {"accepts": option}, "/api/*": {"accepts": option}}));
        let hit = |p: &str| r.route("GET", &[p], None);
        for path in [
            "/r%65ports/x%2Fy",
            "/r%65ports/x%5Cy",
            "/r%65ports/x%3Fy",
            "/r%65ports/x%23y",
            "/REPORTS/%78",
        ] {
            assert_eq!(hit(path), RouteMatch::Paid(0), "{path}");
        }
        for path in ["/ap%69/%3Fx/y", "/ap%69/%23", "/api", "/api/", "/API//"] {
            assert_eq!(hit(path), RouteMatch::Paid(1), "{path}");
        }
        assert_eq!(hit("/apix"), RouteMatch::Free);
        assert_eq!(hit("/health"), RouteMatch::Free);
        // A path that cannot be read one way only is refused, not served.
        for path in ["/health%", "/x%ff", "/a/%2e%2e/api"] {
            assert_eq!(hit(path), RouteMatch::Unclear, "{path}");
        }
        assert_eq!(
            hit("/api/%ff"),
            RouteMatch::Paid(1),
            "a guess that matches a route is protected by it"
        );
        // A framework's own view, and the path inside a sub-app mounted at /v1.
        let sub = routes(json!({"GET /report": {"accepts": option}}));
        assert_eq!(sub.route("GET", &["/v1/report"], Some("/v1")), RouteMatch::Paid(0));
        assert_eq!(sub.route("GET", &["/v1/report"], Some("/:version")), RouteMatch::Paid(0));
        assert_eq!(sub.route("GET", &["/v1/report"], None), RouteMatch::Free);
        assert_eq!(sub.route("GET", &["/v1/report"], Some("/")), RouteMatch::Free);
        assert_eq!(sub.route("GET", &["/x", "/report"], None), RouteMatch::Paid(0));
        // Case kept first, as Hono routes: `/reports/SUMMARY` runs `/reports/:id`, so it is priced so.
        let cased = routes(
            json!({"GET /reports/summary": {"accepts": option}, "GET /reports/:id": {"accepts": option}}),
        );
        assert_eq!(cased.route("GET", &["/reports/SUMMARY"], None), RouteMatch::Paid(1));
        assert_eq!(cased.route("GET", &["/reports/summary"], None), RouteMatch::Paid(0));
        let upper = routes(json!({"GET /Weather": {"accepts": option}}));
        assert_eq!(
            upper.route("GET", &["/weather"], None),
            RouteMatch::Paid(0),
            "folded, as the reference matches"
        );
        // Inside a mount, the sub-app's own reading decides: a catch-all must not price /v1/premium/42.
        let catch_all =
            routes(json!({"GET /premium/:id": {"accepts": option}, "GET /*": {"accepts": option}}));
        assert_eq!(catch_all.route("GET", &["/v1/premium/42"], Some("/v1")), RouteMatch::Paid(0));
        assert_eq!(catch_all.route("GET", &["/v1/other"], Some("/v1")), RouteMatch::Paid(1));
        assert_eq!(
            Routes::from_json("{}").unwrap().route("GET", &["/x%ff"], None),
            RouteMatch::Free,
            "no paid routes, nothing to protect"
        );
        // A further reading never picks an earlier (cheaper) route than the framework's own does:
        // decoded whole, `/premium/a%2Fx` would read `/premium/a/x` and match the cheap route.
        let priced = routes(
            json!({"GET /premium/a/x": {"accepts": option}, "GET /premium/:id": {"accepts": option}}),
        );
        assert_eq!(priced.route("GET", &["/premium/a%2Fx"], None), RouteMatch::Paid(1));
        assert_eq!(priced.route("GET", &["/premium/a/x"], None), RouteMatch::Paid(0));
        // Hono's view of `/premium/a%5Cx` is `/premium/a\x`: one segment there, so one here (found by fuzzing).
        assert_eq!(
            priced.route("GET", &["/premium/a\\x", "/premium/a%5Cx"], None),
            RouteMatch::Paid(1)
        );
    }

    #[test]
    fn route_keys_that_protect_nothing_do_not_load() {
        let option = json!({"scheme": "exact", "network": "eip155:84532", "payTo": PAY_TO, "price": "$0.01"});
        for key in ["GET\t/x", "FETCH /x", "weather", "GET weather", "GET /a b", "/x\n"] {
            let err =
                Routes::from_json(&json!({key: {"accepts": option}}).to_string()).unwrap_err();
            assert_eq!(err.code(), "invalid_field", "{key:?}");
        }
        for key in ["*", "/x", "get /x", "DELETE  /x/:id", " /x "] {
            assert!(
                Routes::from_json(&json!({key: {"accepts": option}}).to_string()).is_ok(),
                "{key:?}"
            );
        }
        let free = json!({"/x": {"accepts": {"scheme": "exact", "network": "eip155:84532", "payTo": PAY_TO, "price": "$0"}}});
        assert_eq!(Routes::from_json(&free.to_string()).unwrap_err().code(), "invalid_price");
    }

    #[test]
    fn prices_become_requirements() {
        let r = routes(json!({
            "/a": {"accepts": [
                {"scheme": "exact", "network": "eip155:8453", "payTo": PAY_TO, "price": "$0.01"},
                {"scheme": "exact", "network": "eip155:31337", "payTo": PAY_TO, "maxTimeoutSeconds": 60,
                 "price": {"amount": "7", "asset": "0x5FbDB2315678afecb367f032d93F642f64180aa3", "extra": {"name": "T", "version": "1"}}},
                {"scheme": "exact", "network": "eip155:8453", "payTo": PAY_TO, "price": 0.5, "extra": {"version": "9"}},
            ], "description": "A", "mimeType": "text/plain"}
        }));
        let a = &r.get(0).unwrap().accepts;
        assert_eq!(
            serde_json::to_value(&a[0]).unwrap(),
            json!({"scheme": "exact", "network": "eip155:8453", "amount": "10000",
            "asset": "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", "payTo": PAY_TO, "maxTimeoutSeconds": 300,
            "extra": {"name": "USD Coin", "version": "2"}})
        );
        assert_eq!((a[1].amount, a[1].max_timeout_seconds), (U256::from(7u64), 60));
        assert_eq!(a[2].amount, U256::from(500_000u64));
        assert_eq!(a[2].extra.as_ref().unwrap()["version"], "9", "the route's extra wins");
        for bad in [
            json!({"/x": {"accepts": {"scheme": "exact", "network": "eip155:31337", "payTo": PAY_TO, "price": "$1"}}}),
            json!({"/x": {"accepts": {"scheme": "exact", "network": "eip155:8453", "payTo": PAY_TO, "price": "-1"}}}),
            json!({"/x": {"accepts": {"scheme": "exact", "network": "eip155:8453", "payTo": PAY_TO, "price": {"amount": "1.5", "asset": "0x0"}}}}),
            json!({"/x": {"accepts": []}}),
            json!({"/x": {"accept": {}}}),
            json!([]),
        ] {
            assert!(Routes::from_json(&bad.to_string()).is_err(), "{bad}");
        }
    }
}

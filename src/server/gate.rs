//! The middleware's decisions for one request, in the order it meets them: which route, which
//! payment, which facilitator, and what to answer when it stops early.

use super::facilitator::Facilitators;
use super::respond::{self, Plan, CLIENT_ADDRESS};
use super::{
    Decision, Route, RouteMatch, Routes, Verified, CLOCK_SKEW_SECONDS, NO_MATCH, PAYMENT_REQUIRED,
};
use crate::codec::{header, Headers};
use crate::error::{Code, Error, Result};
use crate::fields::Fields;
use crate::network;
use crate::verdict::Deferred;

/// Whether the facilitator's `/verify` is asked before the handler runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum VerifyMode {
    /// `"local+facilitator"`: local checks, then the facilitator's (balance, nonce state): the
    /// handler runs only for a payment known to be fundable. The default.
    #[default]
    LocalAndFacilitator,
    /// `"local"`: local checks only: the handler may run for an unfunded payer, whose settlement
    /// then fails. A smart-wallet signature is still sent to the facilitator.
    Local,
}

/// The middleware's options: `{verify?, facilitatorNetworks?}`, nothing else.
#[derive(Default)]
struct GateOptions {
    verify: VerifyMode,
    facilitator_networks: Vec<Option<Vec<String>>>,
}

impl GateOptions {
    fn from_json(json: &str) -> Result<Self> {
        const WHAT: &str = "middleware options";
        let mut f = Fields::of(WHAT, "", crate::fields::parse(WHAT, json)?)?;
        let verify = match f.optional_string("verify")?.as_deref() {
            None | Some("local+facilitator") => VerifyMode::LocalAndFacilitator,
            Some("local") => VerifyMode::Local,
            Some(other) => return Err(f.error(format!("unknown verify mode `{other}`"))),
        };
        let facilitator_networks = match f.present("facilitatorNetworks") {
            None => Vec::new(),
            Some(list) => crate::fields::list(WHAT, list)?
                .into_iter()
                .map(|networks| match networks {
                    serde_json::Value::Null => Ok(None),
                    networks => crate::fields::strings(WHAT, networks).map(Some),
                })
                .collect::<Result<_>>()?,
        };
        f.deny_others()?;
        Ok(GateOptions { verify, facilitator_networks })
    }
}

/// A route table with the middleware's options.
#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    routes: Routes,
    facilitators: Facilitators,
    mode: VerifyMode,
}

/// What to do with a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// No route protects it: serve it.
    Free,
    /// Answer this, and stop.
    Respond(Box<Plan>),
    /// A payment that passed every local check: reserve its key, then verify, serve and settle.
    Pay(Box<Payment>),
}

/// A payment to serve, with everything the middleware needs to carry it through.
#[derive(Debug, Clone, PartialEq)]
pub struct Payment {
    /// The route it pays for.
    pub route: usize,
    /// The facilitator that serves its network.
    pub facilitator: usize,
    /// The payment, verified.
    pub verified: Verified,
    /// Until when its key is kept (unix seconds): its expiry, plus clock skew.
    pub expires_at: u64,
    /// Whether the facilitator's `/verify` must see it before the handler runs.
    pub verify_remotely: bool,
    /// Whether it carries a smart-wallet signature (its check draws on the per-client budget).
    pub contract_signature: bool,
    /// The caller's address, when the platform names it.
    pub client: Option<String>,
}

impl Gate {
    /// Reads the route table and the options `{verify?, facilitatorNetworks?}` (JSON).
    pub fn new(routes: &str, options: Option<&str>) -> Result<Gate> {
        let routes = Routes::from_json(routes)?;
        let options = match options {
            Some(json) => GateOptions::from_json(json).map_err(|e| {
                Error::InvalidArgument(format!(
                    "{e} (verify is \"local+facilitator\", the default, or \"local\"; each facilitator's networks a list)"
                ))
            })?,
            None => GateOptions::default(),
        };
        let facilitators = if options.facilitator_networks.is_empty() {
            vec![None]
        } else {
            options.facilitator_networks
        };
        Ok(Gate { routes, facilitators: Facilitators::new(facilitators), mode: options.verify })
    }

    /// The facilitators whose `/supported` some offer waits for (a Solana offer without its fee
    /// payer), each once.
    pub fn awaiting(&self) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .routes
            .iter()
            .flat_map(|r| r.waiting.iter())
            .filter_map(|(_, o)| self.facilitators.of(&o.network))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Completes the offers facilitator `index` serves from its `/supported` answer (JSON
    /// `{kinds: [...]}`); returns how many are now offered.
    pub fn learn(&mut self, index: usize, supported: &str) -> Result<usize> {
        let answer = crate::fields::parse_lenient("supported", supported)?;
        let kinds = answer.get("kinds").and_then(serde_json::Value::as_array).ok_or_else(|| {
            Error::field("supported", "a facilitator's /supported answer has a kinds list")
        })?;
        let facilitators = &self.facilitators;
        let serves = |n: &str| facilitators.of(n) == Some(index);
        Ok(self.routes.iter_mut().map(|r| r.learn(kinds, serves)).sum())
    }

    /// The offers facilitator `index` serves, for its `POST /accepts` (faremeter): the body
    /// `{x402Version: 2, resource: {url: ""}, accepts}`.
    pub fn accepts_request(&self, index: usize) -> serde_json::Value {
        let accepts: Vec<_> = self
            .routes
            .iter()
            .flat_map(|r| r.accepts.iter().chain(r.waiting.iter().map(|(_, o)| o)))
            .filter(|o| self.facilitators.of(&o.network) == Some(index))
            .collect();
        serde_json::json!({"x402Version": 2, "resource": {"url": ""}, "accepts": accepts})
    }

    /// Enriches the offers facilitator `index` serves from its `POST /accepts` answer (JSON
    /// `{accepts: [...]}`), as [`Route::enrich`] does; returns how many changed.
    pub fn enrich(&mut self, index: usize, answer: &str) -> Result<usize> {
        let answer = crate::fields::parse_lenient("accepts", answer)?;
        let enriched =
            answer.get("accepts").and_then(serde_json::Value::as_array).ok_or_else(|| {
                Error::field("accepts", "a facilitator's /accepts answer has an accepts list")
            })?;
        let facilitators = &self.facilitators;
        let serves = |n: &str| facilitators.of(n) == Some(index);
        Ok(self.routes.iter_mut().map(|r| r.enrich(enriched, serves)).sum())
    }

    /// Drops the blockhash hints of the offers facilitator `index` serves (its `/accepts` has not
    /// answered for longer than a blockhash lives); returns how many had one.
    pub fn forget_hints(&mut self, index: usize) -> usize {
        let facilitators = &self.facilitators;
        let serves = |n: &str| facilitators.of(n) == Some(index);
        self.routes.iter_mut().map(|r| r.forget_hints(serves)).sum()
    }

    /// Route `i`.
    pub fn route(&self, i: usize) -> Result<&Route> {
        self.routes.get(i).ok_or_else(|| Error::InvalidArgument(format!("no route {i}")))
    }

    /// Decides a request: `method`, the views of its path (`paths`, the framework's own first)
    /// and the sub-app `mount` (see [`Routes::route`]), its `url` and headers, at unix time `now`.
    pub fn decide(
        &self,
        method: &str,
        paths: &[&str],
        mount: Option<&str>,
        url: &str,
        request: &impl Headers,
        now: u64,
    ) -> Step {
        let index = match self.routes.route(method, paths, mount) {
            RouteMatch::Free => return Step::Free,
            RouteMatch::Unclear => return Step::Respond(Box::new(respond::invalid_path())),
            RouteMatch::Paid(i) => i,
        };
        // A paid route is never served on a lookup that fails (it cannot: the index is the table's).
        let Some(route) = self.routes.get(index) else {
            return Step::Respond(Box::new(respond::internal("route index out of the table")));
        };
        let signature = request.get(header::PAYMENT_SIGNATURE);
        let x_payment = request.get(header::X_PAYMENT);
        let refuse =
            |error: &str| Step::Respond(Box::new(route.refusal(url, error, request, None)));
        let verified = match route.evaluate(url, signature.as_deref(), x_payment.as_deref(), now) {
            Decision::Unpaid => return refuse(PAYMENT_REQUIRED),
            Decision::NoMatch => return refuse(NO_MATCH),
            Decision::Invalid { reason, .. } => return refuse(reason.as_str()),
            Decision::Verified(v) => *v,
        };
        let named = verified.requirements.terms().network;
        let network = network::to_caip2(named);
        let Some(facilitator) = self.facilitators.serving(&network, named) else {
            let detail = format!("no facilitator is configured for {network}");
            return Step::Respond(Box::new(respond::facilitator_fault(
                Code::FacilitatorUnavailable,
                &detail,
                false,
            )));
        };
        let contract_signature = verified.deferred.contains(&Deferred::ContractSignature.as_str());
        Step::Pay(Box::new(Payment {
            route: index,
            facilitator,
            expires_at: verified.valid_before.saturating_add(CLOCK_SKEW_SECONDS),
            verify_remotely: self.mode == VerifyMode::LocalAndFacilitator || contract_signature,
            contract_signature,
            client: request.get(CLIENT_ADDRESS),
            verified,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_read_as_documented_and_nothing_else() {
        let read = |json: &str| GateOptions::from_json(json);
        let o = read(r#"{"verify":"local","facilitatorNetworks":[null,["eip155:*"]]}"#).unwrap();
        assert_eq!(o.verify, VerifyMode::Local);
        assert_eq!(o.facilitator_networks, [None, Some(vec!["eip155:*".to_owned()])]);
        let o = read(r#"{"verify":null}"#).unwrap();
        assert_eq!((o.verify, o.facilitator_networks.len()), (VerifyMode::LocalAndFacilitator, 0));
        for bad in [
            r#"{"verify":"remote"}"#,
            r#"{"verify":1}"#,
            r#"{"facilitatorNetworks":null}"#,
            r#"{"facilitatorNetworks":[[1]]}"#,
            r#"{"facilitatorNetworks":"eip155:*"}"#,
            r#"{"verfy":"local"}"#,
            r#"{"verify":"local","verify":"local+facilitator"}"#,
            r#"[]"#,
        ] {
            assert!(read(bad).is_err(), "{bad}");
        }
        let e = Gate::new("{}", Some(r#"{"verify":"remote"}"#)).unwrap_err();
        assert_eq!(e.code(), "invalid_argument", "{e}");
        assert!(e.to_string().contains("unknown verify mode `remote`"), "{e}");
    }
}

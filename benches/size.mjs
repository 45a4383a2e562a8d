// Sizes, raw and `gzip -9`, of:
//   - pkg/ as published: each runtime file, and what the browser entry (web.js) loads;
//   - a client and a server bundled by esbuild (--bundle --minify --format=esm), ours (x402-wasm,
//     every family and EVM alone) against the official packages (@x402/fetch + @x402/evm client + viem accounts; @x402/hono +
//     @x402/evm server); the server bundles resolve as workerd does (conditions workerd, worker, browser);
//   - the two benchmarked Workers as wrangler bundles them for deployment (worker/dist,
//     target/bench/hono-worker), and our facilitator Worker (worker/dist-facilitator);
//   - the paywall page a browser loads (our default page, its script and the wasm) beside
//     @x402/paywall's EVM template (target/bench/x402-paywall, unpacked by scripts/bench.sh).
// Usage: node benches/size.mjs
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { build } from "esbuild";
import { emit, fromRoot, readJson } from "./lib/common.mjs";

const size = (bytes) => ({ raw: bytes.length, gzip: execFileSync("gzip", ["-9", "-c"], { input: bytes, maxBuffer: 1 << 26 }).length });
const fileSize = (path) => size(readFileSync(fromRoot(path)));
const total = (sizes) => sizes.reduce((a, s) => ({ raw: a.raw + s.raw, gzip: a.gzip + s.gzip }), { raw: 0, gzip: 0 });

// pkg/: every file a runtime loads (not the types and the README), and the browser entry's graph.
const pkgFiles = Object.fromEntries(
  readJson("pkg/package.json")
    .files.filter((f) => /\.(js|wasm)$/.test(f))
    .concat(["client", "server", "client-evm", "server-evm"].map((face) => `${face}/x402_wasm_bg.wasm`))
    .map((f) => [f, fileSize(`pkg/${f}`)]),
);
const webGraph = await build({
  entryPoints: [fromRoot("pkg/web.js")],
  bundle: true,
  write: false,
  metafile: true,
  format: "esm",
  logLevel: "error",
});
const webFiles = Object.keys(webGraph.metafile.inputs)
  .map((p) => p.replace(/^pkg\//, ""))
  .concat("x402_wasm_bg.wasm");

const KEY = `"0x${"11".repeat(32)}"`;
const ROUTES = `{ "GET /weather": { accepts: { scheme: "exact", network: "eip155:84532", payTo: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", price: "$0.001" } } }`;
const entries = {
  "client/ours": `import { wrapFetchWithPayment, privateKeySigner } from "x402-wasm/client";
    export const pay = wrapFetchWithPayment(fetch, privateKeySigner(${KEY}));`,
  "client/official": `import { x402Client, wrapFetchWithPayment } from "@x402/fetch";
    import { ExactEvmScheme } from "@x402/evm/exact/client";
    import { privateKeyToAccount } from "viem/accounts";
    export const pay = wrapFetchWithPayment(fetch, new x402Client().register("eip155:*", new ExactEvmScheme(privateKeyToAccount(${KEY}))));`,
  // The same with EVM alone, as the official entries are (their SDK's families are packages).
  "client-evm/ours": `import { wrapFetchWithPayment, privateKeySigner } from "x402-wasm/client/evm";
    export const pay = wrapFetchWithPayment(fetch, privateKeySigner(${KEY}));`,
  "server/ours": `import { paymentMiddleware } from "x402-wasm/server";
    export const paywall = (env) => paymentMiddleware(${ROUTES}, { facilitator: { url: env.FACILITATOR_URL } });`,
  "server-evm/ours": `import { paymentMiddleware } from "x402-wasm/server/evm";
    export const paywall = (env) => paymentMiddleware(${ROUTES}, { facilitator: { url: env.FACILITATOR_URL } });`,
  "server/official": `import { paymentMiddleware, x402ResourceServer } from "@x402/hono";
    import { HTTPFacilitatorClient } from "@x402/core/server";
    import { ExactEvmScheme } from "@x402/evm/exact/server";
    export const paywall = (env) => paymentMiddleware(${ROUTES},
      new x402ResourceServer(new HTTPFacilitatorClient({ url: env.FACILITATOR_URL })).register("eip155:84532", new ExactEvmScheme()));`,
};
const SERVER = { platform: "neutral", conditions: ["workerd", "worker", "browser"], mainFields: ["browser", "module", "main"] };

/** The minified bundle of one entry; ours resolves x402-wasm from worker/ (its dependency on pkg/). */
async function bundle(name, contents) {
  const [side, who] = name.split("/");
  const result = await build({
    stdin: { contents, resolveDir: fromRoot(who === "ours" ? "worker" : ""), sourcefile: `${side}.js` },
    bundle: true,
    minify: true,
    format: "esm",
    write: false,
    logLevel: "error",
    external: ["node:*", ...builtinModules, "cloudflare:*", "*.wasm", "*.bin"],
    ...(side.startsWith("server") ? SERVER : { platform: "browser" }),
  });
  const js = size(result.outputFiles[0].contents);
  // Ours loads its face's module: pkg/client, pkg/server, pkg/client-evm or pkg/server-evm.
  const wasm = fileSize(`pkg/${side}/x402_wasm_bg.wasm`);
  return who === "ours" ? { js, wasm, total: total([js, wasm]) } : { js, total: js };
}
const bundles = {};
for (const [name, contents] of Object.entries(entries)) bundles[name] = await bundle(name, contents);

// The Workers as deployed: wrangler's output, with the .wasm that ours imports and the copy of its
// bytes (.bin, a Data module) it serves to the paywall page.
const ourWorkerJs = readFileSync(fromRoot("worker/dist/index.js"), "utf8");
const ourWasm = ourWorkerJs.match(/"\.\/([0-9a-f]+-x402_wasm_bg\.wasm)"/)[1];
const ourBin = ourWorkerJs.match(/"\.\/([0-9a-f]+-x402_wasm_bg\.bin)"/)?.[1]; // the client face's bytes
const ours = {
  js: fileSize("worker/dist/index.js"),
  wasm: fileSize(`worker/dist/${ourWasm}`),
  ...(ourBin ? { paywallWasm: fileSize(`worker/dist/${ourBin}`) } : {}),
};
const hono = { js: fileSize("target/bench/hono-worker/index.js") };
const workers = { ours: { ...ours, total: total(Object.values(ours)) }, hono: { ...hono, total: hono.js } };
// Our facilitator Worker (worker/dist-facilitator), over its own module (pkg/facilitator): no peer
// runs in a Worker.
const facilitatorJs = readFileSync(fromRoot("worker/dist-facilitator/facilitator.js"), "utf8");
const facilitatorWasm = facilitatorJs.match(/"\.\/([0-9a-f]+-x402_wasm_bg\.wasm)"/)[1];
const facilitator = {
  js: fileSize("worker/dist-facilitator/facilitator.js"),
  wasm: fileSize(`worker/dist-facilitator/${facilitatorWasm}`),
};
workers.facilitator = { ...facilitator, total: total(Object.values(facilitator)) };

// The paywall page: ours as a browser gets it from the middleware (the HTML for the route above,
// then its script and the wasm); the reference's EVM page is one HTML file with everything inlined.
const { createPaymentHandler, InMemoryNonceStore } = await import(fromRoot("pkg/node.js"));
const { PAYWALL_SCRIPT } = await import(fromRoot("pkg/paywall-script.js"));
const handle = createPaymentHandler(Function(`return ${ROUTES}`)(), {
  facilitator: { url: "http://127.0.0.1:9" },
  nonceStore: new InMemoryNonceStore(),
});
const browser = { accept: "text/html", "user-agent": "Mozilla/5.0" };
const html = Buffer.from(await (await handle(new Request("https://x.test/weather", { headers: browser }), () => null)).text());
const page = { html: size(html), script: size(Buffer.from(PAYWALL_SCRIPT)), wasm: fileSize("pkg/client/x402_wasm_bg.wasm") };
const paywall = { ours: { ...page, total: total(Object.values(page)) } };
let reference;
try {
  reference = readFileSync(fromRoot("target/bench/x402-paywall/package/dist/esm/evm/index.js"));
} catch {
  // Not unpacked: the row is left out.
}
if (reference) {
  const version = readJson("target/bench/x402-paywall/package/package.json").version;
  paywall.official = { [`@x402/paywall ${version} dist/esm/evm/index.js`]: size(reference), total: size(reference) };
}

emit({
  bench: "size",
  unit: "bytes",
  pkg: { files: pkgFiles, browserEntry: { files: webFiles, ...total(webFiles.map((f) => pkgFiles[f])) } },
  bundles,
  workers,
  paywall,
});

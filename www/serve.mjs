// Dev server for the demo dapp: the page (www/), the built package (/pkg/*), the page's config
// (/config.json) and a proxy from /api/* to the paid API, so that page and API share one origin.
//
//   node www/serve.mjs --upstream http://127.0.0.1:8787 [--port 5173] [--config config.json]
import { createServer, request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { readFile } from "node:fs/promises";
import { extname, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const WWW_DIR = fileURLToPath(new URL(".", import.meta.url));
const PKG_DIR = fileURLToPath(new URL("../pkg/", import.meta.url));
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/** Starts the server on 127.0.0.1; resolves to { url, close() }. */
export async function startWww({ upstream, config, port = 0 }) {
  if (!upstream) throw new Error("startWww needs an upstream URL");
  const upstreamBase = upstream.replace(/\/+$/, "");
  const configJson = JSON.stringify(config ?? {});

  const server = createServer((req, res) => {
    const path = req.url.split("?")[0];
    if (path.startsWith("/api/")) return proxy(req, res, upstreamBase + req.url.slice("/api".length));
    if (req.method !== "GET" && req.method !== "HEAD") return reply(res, 405, "method not allowed");
    if (path === "/config.json") return reply(res, 200, configJson, TYPES[".json"]);
    if (path.startsWith("/pkg/")) return serveFile(res, PKG_DIR, path.slice("/pkg/".length));
    return serveFile(res, WWW_DIR, path === "/" ? "index.html" : path.slice(1));
  });
  await new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", ok);
  });
  const close = () =>
    new Promise((ok) => {
      server.close(() => ok());
      server.closeAllConnections();
    });
  return { url: `http://127.0.0.1:${server.address().port}`, close };
}

function reply(res, status, body, type = "text/plain; charset=utf-8") {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
  res.end(body);
}

/** Serves `relative` from `dir`, only files of a known type and never outside `dir`. */
async function serveFile(res, dir, relative) {
  let file;
  try {
    file = resolve(dir, decodeURIComponent(relative));
  } catch {
    return reply(res, 400, "bad path");
  }
  const type = TYPES[extname(file)];
  if (!file.startsWith(dir.endsWith(sep) ? dir : dir + sep) || file.includes("\0") || !type) {
    return reply(res, 404, "not found");
  }
  try {
    reply(res, 200, await readFile(file), type);
  } catch {
    reply(res, 404, "not found");
  }
}

/** Forwards the request as it is (method, headers but host, body) and streams the answer back. */
function proxy(req, res, target) {
  const url = new URL(target);
  const { host, ...headers } = req.headers;
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  const out = send(url, { method: req.method, headers }, (answer) => {
    res.writeHead(answer.statusCode, answer.statusMessage, answer.rawHeaders);
    answer.pipe(res);
  });
  out.on("error", (e) => {
    if (res.headersSent) res.destroy();
    else reply(res, 502, `upstream unreachable: ${e.message}`);
  });
  req.pipe(out);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({
    options: { upstream: { type: "string" }, port: { type: "string", default: "5173" }, config: { type: "string" } },
  });
  if (!values.upstream) {
    console.error("usage: node www/serve.mjs --upstream <url> [--port 5173] [--config config.json]");
    process.exit(2);
  }
  const config = values.config ? JSON.parse(await readFile(values.config, "utf8")) : { resource: "/api/weather" };
  const { url } = await startWww({ upstream: values.upstream, config, port: Number(values.port) });
  console.log(url);
}

// The public surface of the root entry: both faces' exports (each face's own list, its api.js,
// copied beside this file by scripts/build-pkg.sh), and x402 over MCP, which needs both. The wasm
// module is initialized by the entry (node.js, web.js or workerd.js) before any can be called.
export * from "./client-api.js";
export * from "./server-api.js";
export { withX402, withX402Client } from "./mcp.js";

// The facilitator double (worker/test/facilitator.mjs) in a child process, so that under load its
// work is scheduled by the OS rather than queued behind the load generator's event loop.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startFacilitator } from "../../worker/test/facilitator.mjs";

if (process.argv[2] === "--child") {
  const facilitator = await startFacilitator();
  let calls = 0; // counted, and the recorded calls dropped, so that a long load run does not pile them up
  const answer = () => {
    calls += facilitator.state.calls.splice(0).length;
    process.send({ url: facilitator.url, calls });
  };
  // Each message may set the mode; every message is answered with the URL and the calls so far.
  process.on("message", ({ mode, delayMs }) => {
    if (mode) facilitator.state.mode = mode;
    if (delayMs !== undefined) facilitator.state.delayMs = delayMs;
    answer();
  });
  answer();
}

/** Starts the double; `calls()` counts the requests it has answered, `setMode` as in the double,
 * `setDelay(ms)` delays its answers. */
export async function startFacilitatorProcess() {
  const child = fork(fileURLToPath(import.meta.url), ["--child"], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  const reply = () => new Promise((resolve) => child.once("message", resolve));
  const { url } = await reply();
  const ask = (message) => {
    child.send(message);
    return reply();
  };
  return {
    url,
    setMode: (mode) => ask({ mode }),
    setDelay: (delayMs) => ask({ delayMs }),
    calls: async () => (await ask({})).calls,
    close: () => {
      child.disconnect();
      child.kill();
    },
  };
}

// Serves a Hono app (any `{ fetch }`) on a free loopback port with @hono/node-server.
import { serve } from "@hono/node-server";

/** Listens on 127.0.0.1; returns the URL and a close() that also drops kept-alive connections. */
export async function listen(app) {
  const server = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections?.();
        server.close(r);
      }),
  };
}

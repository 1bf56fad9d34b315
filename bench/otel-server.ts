/**
 * A Spanlight server for the export benchmark: the same parts as src/server/compose.ts (store →
 * stream hub → app) with the OTel pipeline subscribed to the store, as the composition root wires
 * it. Usage: node --import tsx bench/otel-server.ts <port> <on|off> <otlp endpoint>
 */
import type { Server } from "node:http";
import { createAdaptorServer } from "@hono/node-server";
import { createOtelPipeline } from "../otel/mod.ts";
import { resolveConfig } from "../src/config/mod.ts";
import { createApp } from "../src/server/app.ts";
import { createStore } from "../src/store/mod.ts";
import { createStreamHub } from "../src/stream/mod.ts";

const [portArg, mode, endpoint] = process.argv.slice(2);
const resolved = resolveConfig([
  {
    source: "bench",
    values: { server: { port: Number(portArg) }, otel: { export: { enabled: mode === "on", endpoint } } },
  },
]);
if (!resolved.ok) throw new Error(resolved.error);
const config = resolved.config;
const store = createStore({ store: config.store });
const otel = createOtelPipeline({ config: config.otel, version: "bench", hostName: "bench-host", log: console.error });
store.subscribe((e) => otel.onEvent(e));
const hub = createStreamHub({
  store,
  config: config.stream,
  version: "bench",
  bootId: "bench",
  stats: () => store.stats(otel.stats()),
});
const app = createApp({
  config,
  store,
  hub,
  version: "bench",
  startedAtMs: Date.now(),
  now: () => Date.now(),
  exportStats: () => otel.stats(),
  linkTrace: (sessionId, turn) => otel.linkTurn(sessionId, turn),
});
const server = createAdaptorServer({ fetch: app.fetch, hostname: "127.0.0.1" }) as Server;
server.listen(config.server.port, "127.0.0.1");
setInterval(() => otel.sweep(), 5000).unref();
process.once("SIGTERM", async () => {
  await otel.shutdown();
  server.close();
  process.exit(0);
});

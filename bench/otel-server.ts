/**
 * A Spanlight server for the export benchmark: the same parts as src/server/compose.ts (store →
 * stream hub → app) with the OTel pipeline subscribed to the store, as the composition root wires
 * it. Usage: node --import tsx bench/otel-server.ts <port> <on|off> <otlp endpoint>
 * `GET /bench/cpu[?drain=1]` reports the CPU time of the process and of its main thread, so the
 * benchmark can compare CPU per event, which other load on the machine does not distort the way
 * it distorts events/s.
 */
import { readFileSync } from "node:fs";
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
let onEventMs = 0;
store.subscribe((e) => {
  const t = performance.now();
  otel.onEvent(e);
  onEventMs += performance.now() - t;
});
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
// Linux reports thread CPU time in clock ticks of 1/100 s (CLK_TCK is 100 on every mainstream kernel).
const TICK_US = 10_000;

/** CPU time of the main (event loop) thread only: GC helper threads and other processes do not count. */
function mainThreadCpuUs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_US; // utime, stime (fields 14 and 15)
}

/** CPU time used so far and events stored; with ?drain=1 only once every queued span is exported. */
async function cpu(drain: boolean): Promise<Response> {
  while (drain && otel.stats().queued > 0) await new Promise((r) => setTimeout(r, 10));
  const { user, system } = process.cpuUsage();
  return Response.json({
    cpuUs: user + system,
    mainThreadUs: mainThreadCpuUs(),
    events: store.buffer().newestSeq,
    onEventUs: onEventMs * 1000,
    export: otel.stats(),
  });
}
const fetch = (req: Request) => {
  const url = new URL(req.url);
  return url.pathname === "/bench/cpu" ? cpu(url.searchParams.has("drain")) : app.fetch(req);
};
const server = createAdaptorServer({ fetch, hostname: "127.0.0.1" }) as Server;
server.listen(config.server.port, "127.0.0.1");
setInterval(() => otel.sweep(), 5000).unref();
process.once("SIGTERM", async () => {
  await otel.shutdown();
  server.close();
  process.exit(0);
});

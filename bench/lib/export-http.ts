/**
 * The HTTP part of bench/otel-export.ts: `spanlight serve` (bundle or binary, export-modes.ts) under autocannon with
 * export off, on a worker and on the main thread, and a control run with export off while another
 * process burns the CPU the export used. Beside CPU per event, the event-loop thread's scheduler
 * figures say why a rate fell: time spent runnable but waiting for a core (CPU the machine lacks)
 * or sleeps (the loop ran out of requests: too little load to measure capacity).
 */
import { createRequire } from "node:module";
import { startCpuBurner } from "./cpu-burner.ts";
import { TEMPLATES } from "./export-corpus.ts";
import {
  EXPORT_MODE_LABEL,
  EXPORT_MODES,
  type ExportMode,
  SERVER_BUILD_LABEL,
  startSpanlightIn,
} from "./export-modes.ts";
import { cpuOf, fmt, percentile, schedOf, stop } from "./processes.ts";

// autocannon ships no types; this is the slice used here.
type Autocannon = (opts: {
  url: string;
  method: string;
  headers: Record<string, string>;
  connections: number;
  duration: number;
  requests: Array<{ setupRequest(req: Record<string, unknown>): Record<string, unknown> }>;
}) => Promise<{ requests: { average: number }; errors: number; non2xx: number }>;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
// Enough requests in flight that the server never runs out of work in any mode. At 10, a server
// exporting on its worker ran out of requests (its event loop went to sleep) half again as often
// per event as with export off: the load generator, short of CPU, was late with the next ones, and
// the rate measured round trips under contention more than the server's capacity.
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const median = (v: number[]) => percentile(v, 50);
type Mode = ExportMode;
const MODES = EXPORT_MODES;
const MODE_LABEL = EXPORT_MODE_LABEL;

/**
 * 2. POST real hooks for SECONDS to `spanlight serve` (SERVER_BUILD: the bundle as `npm start` runs it, or the binary),
 * with export off, on a worker thread, or on the main thread; every request gets fresh ids.
 */
async function httpIngest(mode: Mode, endpoint: string, burnShare = 0) {
  const { server, base } = await startSpanlightIn(mode, endpoint);
  let n = 0;
  const next = () => {
    const parts = TEMPLATES[n % TEMPLATES.length]!;
    return parts.join(String(Math.floor(n++ / TEMPLATES.length)));
  };
  const load = (duration: number) =>
    autocannon({
      url: `${base}/v1/hooks/claude-code`,
      method: "POST",
      headers: { "content-type": "application/json" },
      connections: CONNECTIONS,
      duration,
      requests: [{ setupRequest: (req) => ({ ...req, body: next() }) }],
    });
  type Health = { buffer: { newestSeq?: number }; export: Record<string, number> };
  const health = async () => (await (await fetch(`${base}/health`)).json()) as Health;
  const events = async () => ((await (await fetch(`${base}/api/stats`)).json()) as { totalEvents: number }).totalEvents;
  // Export work for the events counts too: readings are taken once nothing is queued any more.
  const drained = async () => {
    while (((await health()).export.queued ?? 0) > 0) await new Promise((r) => setTimeout(r, 10));
    return { ...cpuOf(server.pid!), events: await events() };
  };
  try {
    await load(1); // warm-up (JIT)
    const before = await drained();
    const sched0 = schedOf(server.pid!);
    const burner = burnShare > 0 ? startCpuBurner(burnShare) : null;
    const t0 = performance.now();
    const result = await load(SECONDS);
    const loadUs = (performance.now() - t0) * 1000;
    const sched = schedOf(server.pid!);
    const after = await drained();
    const burned = (await burner?.stop()) ?? 0;
    const count = after.events - before.events;
    return {
      rps: result.requests.average,
      burned,
      errors: result.errors + result.non2xx,
      cpuUsPerEvent: (after.processUs - before.processUs) / count,
      mainUsPerEvent: (after.mainUs - before.mainUs) / count,
      waitShare: (sched.waitUs - sched0.waitUs) / loadUs,
      sleepsPerK: ((sched.sleeps - sched0.sleeps) * 1000) / count,
      export: (await health()).export,
    };
  } finally {
    await stop(server);
  }
}

/** Cores a server used outside its event-loop thread during a run (export worker, V8 helpers, libuv). */
function offLoopCores(run: { rps: number; cpuUsPerEvent: number; mainUsPerEvent: number }): number {
  return Math.max(0, ((run.cpuUsPerEvent - run.mainUsPerEvent) * run.rps) / 1e6);
}

/** Part 2 of bench/otel-export.ts: prints the HTTP ingest table, export off vs on, with the control. */
export async function httpSection(endpoint: string) {
  type Run = Awaited<ReturnType<typeof httpIngest>>;
  const runs: Record<Mode, Run[]> = { off: [], worker: [], main: [] };
  // Control, after each round: export off, while another process burns the CPU that this round's
  // worker-mode server used off its event loop. Losing as many events/s to that as to export says
  // the loss is CPU the machine lacks, not the export getting in the event loop's way.
  const control: Run[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (const mode of MODES) runs[mode].push(await httpIngest(mode, endpoint));
    control.push(await httpIngest("off", endpoint, offLoopCores(runs.worker[r]!) - offLoopCores(runs.off[r]!)));
  }
  const rps = (mode: Mode) => median(runs[mode].map((x) => x.rps));
  const cpu = (mode: Mode) => median(runs[mode].map((x) => x.cpuUsPerEvent));
  const main = (mode: Mode) => median(runs[mode].map((x) => x.mainUsPerEvent));
  const wait = (mode: Mode) => median(runs[mode].map((x) => x.waitShare));
  const sleeps = (mode: Mode) => median(runs[mode].map((x) => x.sleepsPerK));
  console.log(
    `\n## HTTP ingest with export off vs on: \`spanlight serve\` (${SERVER_BUILD_LABEL}), POST /v1/hooks/claude-code, ${CONNECTIONS} connections, ${SECONDS} s, median of ${ROUNDS} alternating rounds\n`,
  );
  console.log(
    "| export | events/s | ratio to off (per round) | event-loop thread CPU µs/event | ratio at equal event-loop CPU | event loop waiting for a core | event-loop sleeps per 1,000 events | process CPU µs/event (all threads) |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  const pct = (v: number) => `${fmt(v * 100, 0)} %`;
  for (const mode of MODES) {
    const perRound = runs[mode].map((x, i) => fmt(x.rps / runs.off[i]!.rps, 2)).join(", ");
    console.log(
      `| ${MODE_LABEL[mode]} | ${fmt(rps(mode), 0)} | ${fmt(rps(mode) / rps("off"), 2)} (${perRound}) | ${fmt(main(mode), 1)} | ${fmt(main("off") / main(mode), 2)} | ${pct(wait(mode))} | ${fmt(sleeps(mode), 0)} | ${fmt(cpu(mode), 1)} |`,
    );
  }
  const controlRatios = control.map((x, i) => fmt(x.rps / runs.off[i]!.rps, 2)).join(", ");
  const burned = fmt(median(control.map((x) => x.burned)), 2);
  const controlRps = median(control.map((x) => x.rps));
  console.log(
    `| control: export off, another process burning ${burned} of a core (the worker-mode server's CPU off its event loop) | ${fmt(controlRps, 0)} | ${fmt(controlRps / rps("off"), 2)} (${controlRatios}) | ${fmt(median(control.map((x) => x.mainUsPerEvent)), 1)} | — | ${pct(median(control.map((x) => x.waitShare)))} | ${fmt(median(control.map((x) => x.sleepsPerK)), 0)} | ${fmt(median(control.map((x) => x.cpuUsPerEvent)), 1)} |`,
  );
  for (const mode of ["worker", "main"] as const) {
    const last = runs[mode][runs[mode].length - 1]!;
    console.log(
      `(${MODE_LABEL[mode]}: export counters of the last server ${JSON.stringify(last.export)}; errors: ${runs[mode].reduce((a, x) => a + x.errors, 0)})`,
    );
  }
}

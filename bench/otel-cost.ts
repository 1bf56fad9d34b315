/**
 * What OTel export costs in CPU. Run: `node --import tsx bench/otel-cost.ts` (BENCH_RATE=10000
 * events/s, BENCH_EVENTS=60000, BENCH_ROUNDS=3); it runs itself with the server's V8 flags.
 *  1. Ingest stage and store in-process, events fed at a steady rate the export worker keeps up
 *     with, export off and on (worker thread): CPU time per event of each thread, from Linux
 *     /proc — the event loop, the export worker, and V8's helper threads (parallel garbage
 *     collection and compilation for both). Unlike events/s under saturation, this does not move
 *     with what else the machine runs, and it says where the cost of export goes.
 *  2. OTLP/protobuf encoding of the same SDK spans, µs per span: the SDK's serializer (baseline)
 *     against otel/otlp-protobuf.ts, alternating.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { createOtelPipeline, disabledPipeline, type OtelPipeline } from "../otel/mod.ts";
import { encodeTraceRequest } from "../otel/otlp-protobuf.ts";
import { configSchema } from "../src/config/config-schema.ts";
import { NODE_SERVER_FLAGS } from "../src/runtime/node-flags.ts";
import { createStore } from "../src/store/mod.ts";
import { corpus, defaults, draftOf, normalize } from "./lib/export-corpus.ts";
import { workerPipeline } from "./lib/export-modes.ts";
import { fmt, percentile, startOtlpSink, stop } from "./lib/processes.ts";

const RATE = Number(process.env.BENCH_RATE ?? 10_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 60_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TICK_US = 10_000; // /proc reports CPU time in 1/100 s
const median = (v: number[]) => percentile(v, 50);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU µs of every thread of this process, by thread id (Linux /proc). */
function threadCpu(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(Number(tid), (Number(f[11]) + Number(f[12])) * TICK_US);
    } catch {
      // the thread ended between listing and reading
    }
  }
  return out;
}

type Share = { main: number; worker: number; helpers: number };

async function steadyRound(mode: "off" | "worker", copyFrom: number, endpoint: string): Promise<Share> {
  const config = configSchema.parse({ otel: { export: { enabled: mode !== "off", endpoint } } }).otel;
  const before = new Set(threadCpu().keys());
  const pipeline: OtelPipeline = mode === "off" ? disabledPipeline() : workerPipeline(config);
  const store = createStore({ store: defaults.store });
  store.subscribe((e) => pipeline.onEvent(e));
  const items = corpus(Math.ceil((EVENTS + 5000) / 324) + 1, copyFrom);
  let i = 0;
  // Steady pace: 100 events, then wait until they are due. The worker keeps up, so nothing drops.
  const feed = async (n: number) => {
    const t0 = performance.now();
    const start = i;
    while (i < start + n) {
      store.append(draftOf(items[i]!, i));
      i++;
      if (i % 100 === 0) {
        const wait = t0 + ((i - start) / RATE) * 1000 - performance.now();
        await (wait > 0 ? sleep(wait) : new Promise((r) => setImmediate(r)));
      }
    }
  };
  // Everything handed over has been mapped and sent, then one batch delay for the last partial batch.
  const settle = async () => {
    while (pipeline.stats().queued > 0) await sleep(5);
    await sleep(config.export.delayMs + 200);
  };
  await feed(5000); // JIT and the worker's start-up
  await settle();
  const c0 = threadCpu();
  await feed(EVENTS);
  await settle();
  const c1 = threadCpu();
  const stats = pipeline.stats();
  await pipeline.shutdown();
  if (stats.dropped > 0 || stats.failed > 0)
    throw new Error(`export dropped or failed spans: ${JSON.stringify(stats)}`);
  const delta = (tid: number) => (c1.get(tid) ?? 0) - (c0.get(tid) ?? 0);
  const main = delta(process.pid);
  // The worker's thread is the busiest thread that appeared with it.
  const fresh = [...c1.keys()].filter((tid) => !before.has(tid)).map(delta);
  const worker = fresh.length > 0 ? Math.max(...fresh) : 0;
  const all = [...c1.keys()].reduce((sum, tid) => sum + delta(tid), 0);
  return { main: main / EVENTS, worker: worker / EVENTS, helpers: (all - main - worker) / EVENTS };
}

async function steadySection(endpoint: string) {
  const runs: Record<"off" | "worker", Share[]> = { off: [], worker: [] };
  for (let r = 0; r < ROUNDS; r++)
    for (const mode of ["off", "worker"] as const)
      runs[mode].push(await steadyRound(mode, (r * 2 + 1) * 1000, endpoint));
  const pick = (mode: "off" | "worker", k: keyof Share) => median(runs[mode].map((s) => s[k]));
  console.log(`\n## CPU per event by thread, ${EVENTS} events at ${RATE}/s, median of ${ROUNDS}\n`);
  console.log(
    "| export | event loop µs/event | export worker µs/event | V8 helper threads µs/event | total µs/event |",
  );
  console.log("|---|---|---|---|---|");
  for (const mode of ["off", "worker"] as const) {
    const total = median(runs[mode].map((s) => s.main + s.worker + s.helpers));
    const label = mode === "off" ? "export off" : "export on, worker thread";
    console.log(
      `| ${label} | ${fmt(pick(mode, "main"), 1)} | ${fmt(pick(mode, "worker"), 1)} | ${fmt(pick(mode, "helpers"), 1)} | ${fmt(total, 1)} |`,
    );
  }
  const off = median(runs.off.map((s) => s.main + s.helpers));
  const on = median(runs.worker.map((s) => s.main + s.worker + s.helpers));
  console.log(`\nexport adds ${fmt(on - off, 1)} µs of CPU per event: ${fmt((on - off) / off, 2)} × what ingest costs`);
  // With the worker on a core of its own, the event loop's own CPU per event sets the ingest rate.
  const loop = pick("off", "main") / pick("worker", "main");
  console.log(`event loop alone: export on runs it at ${fmt(loop, 2)} × its export-off rate (equal CPU)`);
}

/** SDK spans of a corpus, as the exporter receives them. */
async function sdkSpans(): Promise<ReadableSpan[][]> {
  const batches: ReadableSpan[][] = [];
  const exporter = {
    export(spans: ReadableSpan[], done: (r: { code: number }) => void) {
      batches.push(spans);
      done({ code: 0 });
    },
    shutdown: async () => {},
    forceFlush: async () => {},
  };
  const config = configSchema.parse({ otel: { export: { enabled: true } } }).otel;
  const pipeline = createOtelPipeline({ config, version: "bench", hostName: "bench-host", exporter });
  for (const e of normalize(corpus(20, 900_000))) pipeline.onEvent(e);
  await pipeline.shutdown();
  return batches;
}

async function encodeSection() {
  const batches = await sdkSpans();
  const spans = batches.reduce((n, b) => n + b.length, 0);
  const encoders = {
    "SDK ProtobufTraceSerializer (baseline)": (b: ReadableSpan[]) => ProtobufTraceSerializer.serializeRequest(b),
    "otel/otlp-protobuf.ts": (b: ReadableSpan[]) => encodeTraceRequest(b),
  };
  const times: Record<string, number[]> = {};
  for (let r = 0; r < ROUNDS * 3; r++)
    for (const [name, encode] of Object.entries(encoders)) {
      const t0 = performance.now();
      for (let k = 0; k < 10; k++) for (const b of batches) encode(b);
      times[name] = [...(times[name] ?? []), ((performance.now() - t0) * 1000) / (10 * spans)];
    }
  const base = median(times["SDK ProtobufTraceSerializer (baseline)"]!);
  console.log(
    `\n## OTLP/protobuf encoding, ${spans} SDK spans in ${batches.length} batches, median of ${ROUNDS * 3}\n`,
  );
  console.log("| encoder | µs per span | vs baseline |");
  console.log("|---|---|---|");
  for (const [name, t] of Object.entries(times))
    console.log(`| ${name} | ${fmt(median(t), 2)} | ${fmt(median(t) / base, 2)} |`);
}

async function main() {
  const { sink, endpoint } = await startOtlpSink();
  try {
    await steadySection(endpoint);
    await encodeSection();
  } finally {
    await stop(sink);
  }
}

// Garbage collection is a large part of the cost, so the heap is set up as the server's is.
if (NODE_SERVER_FLAGS.every((f) => process.execArgv.includes(f))) await main();
else {
  const args = [...NODE_SERVER_FLAGS, ...process.execArgv, ...process.argv.slice(1)];
  process.exitCode = spawnSync(process.execPath, args, { stdio: "inherit" }).status ?? 1;
}

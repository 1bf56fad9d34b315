/**
 * OTel export benchmark. Run: `node --import tsx bench/otel-export.ts`
 * (BENCH_SECONDS=5 per HTTP load run, BENCH_COPIES=200 copies of every capture for the pipeline run).
 * Prints, in one run:
 *  1. pipeline capacity: spans mapped and exported per second to a local OTLP/HTTP receiver
 *     (another process), fed as fast as the mapper takes events, and whether any span was dropped;
 *     then the same events fed at a steady rate that makes 10,000 spans/s (must all arrive, none
 *     dropped), then the export stage alone (finished spans in, as fast as it sustains them);
 *  2. (bench/lib/export-http.ts) HTTP ingest throughput of `spanlight serve` (the bundle, or the
 *     compiled binary with BENCH_SERVER=binary) with export off,
 *     on (worker thread, the default) and on (main thread), 50 connections (BENCH_CONNECTIONS), real hook payloads
 *     with unique ids, the receiver running; and the CPU time per event of the server's
 *     event-loop thread and of the whole process, export work included: the event-loop ratio is
 *     the throughput ratio of a server whose event loop is the bottleneck, and other load on the
 *     machine moves it less than it moves events/s; then a control: export off while another
 *     process (bench/cpu-burner.mjs) burns the CPU the worker-mode server used off its event loop;
 *  3. the same in-process (ingest stage + store, no HTTP, no load generator competing for the
 *     cores), export off, on a worker and on the main thread: what the event loop sustains.
 */
import { execFileSync } from "node:child_process";
import { createOtelPipeline, createOtlpSpanExporter } from "../otel/mod.ts";
import { createSdkTracer } from "../otel/sdk-tracer.ts";
import { createSpanAssembler } from "../otel/span-assembler.ts";
import type { FinishedSpan } from "../otel/span-command.ts";
import { createSpanMapper } from "../otel/span-mapper.ts";
import { configSchema } from "../src/config/config-schema.ts";
import type { NormalizedEvent } from "../src/schema/mod.ts";
import { createStore } from "../src/store/mod.ts";
import { type CorpusItem, corpus, defaults, draftOf, normalize } from "./lib/export-corpus.ts";
import { httpSection } from "./lib/export-http.ts";
import {
  buildServerArgs,
  EXPORT_MODE_LABEL,
  EXPORT_MODES,
  type ExportMode,
  workerPipeline,
} from "./lib/export-modes.ts";
import { cpuOf, fmt, percentile, ROOT, startOtlpSink, stop } from "./lib/processes.ts";

const COPIES = Number(process.env.BENCH_COPIES ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CHUNK = 200;
const median = (v: number[]) => percentile(v, 50);
const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

function otelConfig(enabled: boolean, endpoint: string) {
  return configSchema.parse({ otel: { export: { enabled, endpoint, protocol: "http/protobuf" } } }).otel;
}

/** 1. Normalized events straight into the pipeline: how many spans per second reach the receiver. */
async function pipelineCapacity(events: NormalizedEvent[], endpoint: string) {
  const pipeline = createOtelPipeline({ config: otelConfig(true, endpoint), version: "bench", hostName: "bench-host" });
  const t0 = performance.now();
  for (let i = 0; i < events.length; i++) {
    pipeline.onEvent(events[i]!);
    if (i % CHUNK === CHUNK - 1) await yieldToLoop();
  }
  await pipeline.shutdown();
  const seconds = (performance.now() - t0) / 1000;
  return {
    spansPerSecond: pipeline.stats().exported / seconds,
    eventsPerSecond: events.length / seconds,
    stats: pipeline.stats(),
  };
}

/** 1a. Events fed at a steady rate chosen to make `spansPerSecond`: does all of it arrive, with no drop? */
async function pacedPipeline(
  events: NormalizedEvent[],
  spansPerEvent: number,
  spansPerSecond: number,
  endpoint: string,
) {
  const pipeline = createOtelPipeline({ config: otelConfig(true, endpoint), version: "bench", hostName: "bench-host" });
  const eventsPerMs = spansPerSecond / spansPerEvent / 1000;
  const t0 = performance.now();
  let fed = 0;
  while (fed < events.length) {
    // At most CHUNK events between yields, as a server handles requests one macrotask at a time;
    // after a stall the feeder catches up in such slices, not in one burst.
    const due = Math.min(events.length, fed + CHUNK, Math.floor((performance.now() - t0) * eventsPerMs));
    while (fed < due) pipeline.onEvent(events[fed++]!);
    await (fed < Math.floor((performance.now() - t0) * eventsPerMs)
      ? yieldToLoop()
      : new Promise((r) => setTimeout(r, 1)));
  }
  await pipeline.shutdown();
  const seconds = (performance.now() - t0) / 1000;
  return { spansPerSecond: pipeline.stats().exported / seconds, stats: pipeline.stats() };
}

/** The spans the mapper makes of `events`, finished, ready for the export stage alone. */
function finishedSpans(events: NormalizedEvent[]): FinishedSpan[] {
  const o = defaults.otel;
  const mapper = createSpanMapper({ ...o, capture: o.capture });
  const spans: FinishedSpan[] = [];
  const assembler = createSpanAssembler((s) => spans.push(s));
  for (const e of events) assembler.applyAll(mapper.map(e, 0));
  assembler.applyAll(mapper.endAll("shutdown"));
  return spans;
}

/** 1b. The export stage alone (SDK span, queue, protobuf, HTTP): how many spans/s it sustains. */
async function exportCapacity(spans: FinishedSpan[], endpoint: string) {
  const o = otelConfig(true, endpoint);
  const sdk = createSdkTracer({
    serviceName: o.serviceName,
    version: "bench",
    hostName: "bench-host",
    resourceAttributes: {},
    maxAttributeChars: o.maxAttributeChars,
    exporter: createOtlpSpanExporter({ endpoint, headers: {}, protocol: "http/protobuf", timeoutMs: 10_000 }),
    ownsExporter: true,
    queue: o.export,
  });
  const t0 = performance.now();
  for (let i = 0; i < spans.length; i++) {
    sdk.record(spans[i]!);
    if (i % CHUNK !== CHUNK - 1) continue;
    await yieldToLoop();
    // Recording is far faster than any exporter: hold the producer back at half the queue, so
    // this measures what the stage sustains rather than how a burst overflows the queue.
    while (sdk.stats().queued > o.export.maxQueue / 2) await new Promise((r) => setTimeout(r, 1));
  }
  await sdk.shutdown();
  return { spansPerSecond: sdk.stats().exported / ((performance.now() - t0) / 1000), stats: sdk.stats() };
}

/** CPU time of this process's main thread, µs (Linux /proc; ticks of 10 ms). */
function ownMainThreadUs(): number {
  return cpuOf(process.pid).mainUs;
}

const drained = async (pipeline: { stats(): { queued: number } }) => {
  while (pipeline.stats().queued > 0) await new Promise((r) => setTimeout(r, 2));
};

/**
 * 3. The ingest stage and store in-process (no HTTP), export off, on a worker, or on the main
 * thread. This process has no load generator, so the worker gets the second core as it would
 * on any multi-core machine: events/s here is what the event loop sustains (clock stopped at the
 * last event stored). How long the export then took to get every span out (at most one batch
 * delay, `otel.export.delayMs`, is waiting), and how many events a worker that fell behind had to
 * drop, are reported beside it: a high rate that drops events is no win.
 */
async function inProcessIngest(items: CorpusItem[], mode: Mode, endpoint: string) {
  const store = createStore({ store: defaults.store });
  const config = otelConfig(mode !== "off", endpoint);
  const pipeline =
    mode === "worker"
      ? workerPipeline(config)
      : createOtelPipeline({ config, version: "bench", hostName: "bench-host" });
  store.subscribe((e) => pipeline.onEvent(e));
  const feed = async (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      store.append(draftOf(items[i]!, i));
      if (i % CHUNK === CHUNK - 1) await yieldToLoop();
    }
  };
  const warm = Math.min(5000, items.length >> 2); // JIT, sockets and the worker's start-up
  await feed(0, warm);
  await drained(pipeline);
  const cpu0 = ownMainThreadUs();
  const t0 = performance.now();
  await feed(warm, items.length);
  const fedMs = performance.now() - t0;
  await drained(pipeline); // the export work counts: ingest is only done when the spans are out
  const ms = performance.now() - t0;
  const mainUs = ownMainThreadUs() - cpu0;
  await pipeline.shutdown();
  const n = items.length - warm;
  return {
    eventsPerSecond: n / (fedMs / 1000),
    mainUsPerEvent: mainUs / n,
    drainMs: ms - fedMs,
    stats: pipeline.stats(),
  };
}

type Mode = ExportMode;
const MODES = EXPORT_MODES;
const MODE_LABEL = EXPORT_MODE_LABEL;
async function pipelineSection(events: NormalizedEvent[], endpoint: string) {
  await pipelineCapacity(events.slice(0, 5000), endpoint); // warm-up (JIT, sockets)
  const capacity: Array<Awaited<ReturnType<typeof pipelineCapacity>>> = [];
  for (let r = 0; r < ROUNDS; r++) capacity.push(await pipelineCapacity(events, endpoint));
  console.log(`\n## OTel export pipeline: ${events.length} normalized hook events per run, median of ${ROUNDS}\n`);
  console.log("| spans/s reaching the receiver | events/s mapped | spans per run | dropped | failed |");
  console.log("|---|---|---|---|---|");
  const last = capacity[capacity.length - 1]!.stats;
  console.log(
    `| ${fmt(median(capacity.map((c) => c.spansPerSecond)), 0)} | ${fmt(median(capacity.map((c) => c.eventsPerSecond)), 0)} | ${last.exported} | ${Math.max(...capacity.map((c) => c.stats.dropped))} | ${Math.max(...capacity.map((c) => c.stats.failed))} |`,
  );

  const spans = finishedSpans(events);
  const TARGET = 10_000;
  const paced: Array<Awaited<ReturnType<typeof pacedPipeline>>> = [];
  for (let r = 0; r < ROUNDS; r++)
    paced.push(await pacedPipeline(events, spans.length / events.length, TARGET, endpoint));
  console.log(
    `\nevents fed at a steady rate for ${fmt(TARGET, 0)} spans/s: ${fmt(median(paced.map((x) => x.spansPerSecond)), 0)} spans/s reached the receiver, dropped ${Math.max(...paced.map((x) => x.stats.dropped))}, failed ${Math.max(...paced.map((x) => x.stats.failed))}`,
  );
  const stage: Array<Awaited<ReturnType<typeof exportCapacity>>> = [];
  for (let r = 0; r < ROUNDS; r++) stage.push(await exportCapacity(spans, endpoint));
  console.log(
    `\nexport stage alone (SDK span → queue → protobuf → HTTP), ${spans.length} spans per run: ${fmt(median(stage.map((x) => x.spansPerSecond)), 0)} spans/s, dropped ${Math.max(...stage.map((x) => x.stats.dropped))}, failed ${Math.max(...stage.map((x) => x.stats.failed))}`,
  );
}

async function inProcessSection(items: CorpusItem[], endpoint: string) {
  const runs: Record<Mode, Array<Awaited<ReturnType<typeof inProcessIngest>>>> = { off: [], worker: [], main: [] };
  for (let r = 0; r < ROUNDS; r++)
    for (const mode of MODES) runs[mode].push(await inProcessIngest(items, mode, endpoint));
  const rate = (mode: Mode) => median(runs[mode].map((x) => x.eventsPerSecond));
  const main = (mode: Mode) => median(runs[mode].map((x) => x.mainUsPerEvent));
  console.log(
    `\n## In-process ingest (validate, redact, normalize, store; no HTTP, no load generator), ${items.length} events, median of ${ROUNDS}\n`,
  );
  console.log(
    "| export | events/s stored | ratio to off (per round) | event-loop CPU µs/event | every span out after the last event | events dropped |",
  );
  console.log("|---|---|---|---|---|---|");
  for (const mode of MODES) {
    const perRound = runs[mode].map((x, i) => fmt(x.eventsPerSecond / runs.off[i]!.eventsPerSecond, 2)).join(", ");
    console.log(
      `| ${MODE_LABEL[mode]} | ${fmt(rate(mode), 0)} | ${fmt(rate(mode) / rate("off"), 2)} (${perRound}) | ${fmt(main(mode), 1)} | ${fmt(median(runs[mode].map((x) => x.drainMs)), 0)} ms | ${Math.max(...runs[mode].map((x) => x.stats.dropped))} |`,
    );
  }
}

// BENCH_ONLY=pipeline|http|inprocess runs one part.
const ONLY = process.env.BENCH_ONLY;

async function main() {
  const { sink, endpoint } = await startOtlpSink();
  try {
    const items = corpus(COPIES);
    if (!ONLY || ONLY === "pipeline") await pipelineSection(normalize(items), endpoint);
    if (!ONLY || ONLY === "http") await httpSection(endpoint);
    if (!ONLY || ONLY === "inprocess") await inProcessSection(items, endpoint);
  } finally {
    await stop(sink);
  }
}

execFileSync(process.execPath, buildServerArgs(), { cwd: ROOT, stdio: "inherit" });
await main();

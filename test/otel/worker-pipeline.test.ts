import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runExportWorker } from "../../otel/export-worker.ts";
import { createOtelPipeline } from "../../otel/mod.ts";
import { createWorkerOtelPipeline } from "../../otel/worker-pipeline.ts";
import type { FromWorker, ToWorker, WorkerPort } from "../../otel/worker-protocol.ts";
import { configSchema } from "../../src/config/config-schema.ts";
import { startOtlpReceiver } from "./helpers/otlp-receiver.ts";
import { receivedSpans } from "./helpers/otlp-spans.ts";
import { replayEvents } from "./helpers/replay.ts";
import { type SpanTree, toSpanTree } from "./helpers/span-tree.ts";

/**
 * The worker pipeline with the worker's body (runExportWorker) on the other end of an in-memory
 * channel: messages are copied (structured clone) and delivered on a later task, as between threads.
 * The real worker_threads path is covered by test/otel/server-export.test.ts, Deno and the binary
 * by test/smoke/runtimes.test.ts.
 */
function inMemoryWorker(opts: { failBeforeReady?: string; swallowEvents?: boolean; hang?: boolean } = {}) {
  const toMain: Array<(m: FromWorker) => void> = [];
  const errors: Array<(m: string) => void> = [];
  const toWorker: Array<(m: ToWorker) => void> = [];
  let terminated = false;
  const crash = (why: string) => {
    for (const h of errors) h(why);
  };
  const deliver = <T>(handlers: Array<(m: T) => void>, message: T) =>
    setImmediate(() => {
      if (!terminated) for (const h of handlers) h(structuredClone(message));
    });
  runExportWorker({ post: (m) => deliver(toMain, m), onMessage: (h) => toWorker.push(h) });
  const port: WorkerPort = {
    post(message, transfer) {
      if (opts.failBeforeReady) {
        setImmediate(() => crash(opts.failBeforeReady!));
        return;
      }
      if (opts.swallowEvents && message.t === "events") return;
      if (opts.hang && message.t === "shutdown") return;
      // Transferred buffers move to the other side, as between threads.
      deliver(toWorker, structuredClone(message, { transfer }));
    },
    onMessage: (h) => toMain.push(h),
    onError: (h) => errors.push(h),
    terminate: () => {
      terminated = true;
    },
  };
  return { port, crash, isTerminated: () => terminated };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function receiver() {
  const r = await startOtlpReceiver();
  cleanups.push(() => r.close());
  return r;
}

function config(endpoint: string, exp: Record<string, unknown> = {}) {
  return configSchema.parse({ otel: { export: { enabled: true, endpoint, delayMs: 0, ...exp } } }).otel;
}

function pipelineWith(
  port: () => WorkerPort,
  cfg: ReturnType<typeof config>,
  log: string[] = [],
  shutdownTimeoutMs?: number,
) {
  return createWorkerOtelPipeline({
    shutdownTimeoutMs,
    config: cfg,
    version: "9.9.9",
    hostName: "build-host",
    log: (line) => log.push(line),
    spawn: port,
    fallback: () => createOtelPipeline({ config: cfg, version: "9.9.9", hostName: "build-host" }),
  });
}

const golden = (scenario: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, "..", "golden", `${scenario}.json`), "utf8")) as SpanTree;

describe("OTel export on a worker thread", () => {
  it("maps and exports events on the worker: the collector gets the golden span tree", async () => {
    const r = await receiver();
    const worker = inMemoryWorker();
    const pipeline = pipelineWith(() => worker.port, config(`${r.url}/v1/traces`));
    const events = replayEvents("subagent");
    for (const e of events) pipeline.onEvent(e);
    await pipeline.shutdown();
    const spans = receivedSpans(r.requests);
    expect(toSpanTree(spans, Date.parse(events[0]!.receivedAt))).toEqual(golden("subagent"));
    expect(pipeline.stats()).toEqual({
      enabled: true,
      exported: spans.length,
      dropped: 0,
      failed: 0,
      queued: 0,
      lastError: null,
      thread: "worker",
    });
    expect(worker.isTerminated()).toBe(true);
  });

  it("forwards native spans to the worker and counts them", async () => {
    const r = await receiver();
    const pipeline = pipelineWith(() => inMemoryWorker().port, config(`${r.url}/v1/traces`));
    const span = {
      traceId: "5b8efff798038103d269b633813fc60c",
      spanId: "eee19b7ec3c1b174",
      parentSpanId: "",
      name: "claude_code.interaction",
      kind: 1,
      startTimeUnixNano: "1544712660000000000",
      endTimeUnixNano: "1544712661000000000",
      attributes: { "session.id": "s-1" },
      droppedAttributesCount: 0,
      events: [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: { code: 0, message: "" },
      flags: 1,
      traceState: "",
    };
    const resourceSpans = [
      {
        resource: { attributes: { "service.name": "claude-code" }, droppedAttributesCount: 0 },
        schemaUrl: "",
        scopeSpans: [
          {
            scope: { name: "com.anthropic.claude_code", version: "2", attributes: {}, droppedAttributesCount: 0 },
            schemaUrl: "",
            spans: [span],
          },
        ],
      },
    ];
    expect(pipeline.exportNative(resourceSpans)).toBe(1);
    await pipeline.shutdown();
    const got = receivedSpans(r.requests);
    expect(got.map((s) => [s.name, s.traceId, s.attributes["session.id"]])).toEqual([
      ["claude_code.interaction", span.traceId, "s-1"],
    ]);
    expect(pipeline.stats().exported).toBe(1);
  });

  it("exports from the main thread when the worker cannot be started, and says so once", async () => {
    const r = await receiver();
    const log: string[] = [];
    const pipeline = pipelineWith(
      () => {
        throw new Error("no worker support");
      },
      config(`${r.url}/v1/traces`),
      log,
    );
    const events = replayEvents("bash-echo");
    for (const e of events) pipeline.onEvent(e);
    await pipeline.shutdown();
    expect(toSpanTree(receivedSpans(r.requests), Date.parse(events[0]!.receivedAt))).toEqual(golden("bash-echo"));
    expect(pipeline.stats()).toMatchObject({ thread: "main", dropped: 0 });
    expect(log).toEqual([
      "otel: export worker could not start (no worker support); exporting from the main thread from now on",
    ]);
  });

  it("loses nothing when the worker fails to load: events held until it was ready go to the main thread", async () => {
    const r = await receiver();
    const log: string[] = [];
    const worker = inMemoryWorker({ failBeforeReady: "Cannot find module export-worker.mjs" });
    const pipeline = pipelineWith(() => worker.port, config(`${r.url}/v1/traces`), log);
    const events = replayEvents("failing-tool");
    for (const e of events) pipeline.onEvent(e);
    await pipeline.shutdown();
    expect(toSpanTree(receivedSpans(r.requests), Date.parse(events[0]!.receivedAt))).toEqual(golden("failing-tool"));
    expect(pipeline.stats()).toMatchObject({ thread: "main", dropped: 0, failed: 0 });
    expect(log[0]).toContain("export worker failed (Cannot find module export-worker.mjs)");
    expect(worker.isTerminated()).toBe(true);
  });

  it("counts what a crashed worker held as dropped and goes on exporting from the main thread", async () => {
    const r = await receiver();
    const worker = inMemoryWorker({ swallowEvents: true });
    const pipeline = pipelineWith(() => worker.port, config(`${r.url}/v1/traces`));
    const first = replayEvents("bash-echo");
    // The worker reports ready on a later task; events posted after that are lost with it.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    for (const e of first) pipeline.onEvent(e);
    await new Promise((resolve) => setTimeout(resolve, 10)); // runs after the batch timer (10 ms), which posts them
    worker.crash("worker exited (code 1)");
    const later = replayEvents("failing-tool");
    for (const e of later) pipeline.onEvent(e);
    await pipeline.shutdown();
    const stats = pipeline.stats();
    expect(stats).toMatchObject({ thread: "main", dropped: first.length, failed: 0 });
    expect(toSpanTree(receivedSpans(r.requests), Date.parse(later[0]!.receivedAt))).toEqual(golden("failing-tool"));
  });

  it("bounds what waits for a worker that falls behind: beyond otel.export.maxQueue events are dropped and counted", async () => {
    const worker = inMemoryWorker({ swallowEvents: true });
    const pipeline = pipelineWith(() => worker.port, config("http://127.0.0.1:9/v1/traces", { maxQueue: 10 }));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const events = replayEvents("subagent");
    expect(events.length).toBeGreaterThan(10);
    for (const e of events) pipeline.onEvent(e);
    expect(pipeline.stats()).toMatchObject({ thread: "worker", dropped: events.length - 10, queued: 10 });
    worker.crash("gone"); // lets shutdown finish: the swallowed events never come back
    await pipeline.shutdown();
  });

  it("hands over only what the mapper maps: OTLP events and events of no session stay on the ingest thread", async () => {
    const worker = inMemoryWorker({ swallowEvents: true });
    const pipeline = pipelineWith(() => worker.port, config("http://127.0.0.1:9/v1/traces", { maxQueue: 2 }));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const [hook] = replayEvents("bash-echo");
    pipeline.onEvent({ ...hook!, source: "otlp" });
    pipeline.onEvent({ ...hook!, sessionId: null });
    expect(pipeline.stats()).toMatchObject({ queued: 0, dropped: 0 });
    pipeline.onEvent(hook!);
    pipeline.onEvent({ ...hook!, id: "telemetry-1", source: "telemetry" });
    expect(pipeline.stats()).toMatchObject({ queued: 2, dropped: 0 });
    worker.crash("gone");
    await pipeline.shutdown();
  });

  it("stops a worker that never finishes its final flush instead of hanging shutdown", async () => {
    const log: string[] = [];
    // It never takes up the event either: how much it held does not depend on how far it got
    // before the (short) limit.
    const worker = inMemoryWorker({ hang: true, swallowEvents: true });
    const pipeline = pipelineWith(() => worker.port, config("http://127.0.0.1:9/v1/traces"), log, 5);
    pipeline.onEvent(replayEvents("bash-echo")[0]!);
    await pipeline.shutdown();
    expect(worker.isTerminated()).toBe(true);
    expect(log).toContain(
      "otel: export worker did not finish its final flush within 5 ms; stopped it, 1 spans or events it held not exported",
    );
  });
});

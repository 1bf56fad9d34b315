import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { ExportResult } from "@opentelemetry/core";
import { afterEach, describe, expect, it } from "vitest";
import { createOtelPipeline, createOtlpSpanExporter, type SpanExporter } from "../../otel/mod.ts";
import { configSchema } from "../../src/config/config-schema.ts";
import { createStore } from "../../src/store/mod.ts";
import { settle } from "./helpers/manual-scheduler.ts";
import { type ReceivedRequest, startOtlpReceiver } from "./helpers/otlp-receiver.ts";
import { receivedSpans, toOtlpJson } from "./helpers/otlp-spans.ts";
import { replayEvents } from "./helpers/replay.ts";
import { toSpanTree } from "./helpers/span-tree.ts";

type Receiver = Awaited<ReturnType<typeof startOtlpReceiver>>;
const receivers: Receiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
});

async function receiver(): Promise<Receiver> {
  const r = await startOtlpReceiver();
  receivers.push(r);
  return r;
}

function config(url: string, exp: Record<string, unknown> = {}) {
  return configSchema.parse({
    otel: { export: { enabled: true, endpoint: `${url}/v1/traces`, delayMs: 0, ...exp } },
  }).otel;
}

function golden(scenario: string) {
  return JSON.parse(readFileSync(join(import.meta.dirname, "..", "golden", `${scenario}.json`), "utf8"));
}

/** Wraps the real OTLP exporter so a test can await the outcome of each export call. */
function observed(inner: SpanExporter) {
  const results: ExportResult[] = [];
  const waiters: Array<{ until: (r: ExportResult[]) => boolean; resolve(): void }> = [];
  const exporter: SpanExporter = {
    export(spans, done) {
      inner.export(spans, (result) => {
        results.push(result);
        done(result);
        for (const w of [...waiters]) {
          if (w.until(results)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve();
          }
        }
      });
    },
    shutdown: () => inner.shutdown(),
  };
  const waitFor = (until: (r: ExportResult[]) => boolean) =>
    until(results) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ until, resolve }));
  return { exporter, results, waitFor };
}

describe.each(["http/json", "http/protobuf"] as const)("OTLP export over %s to a real receiver", (protocol) => {
  it("delivers a replayed session that matches its golden span tree", async () => {
    const r = await receiver();
    const pipeline = createOtelPipeline({
      config: config(r.url, { protocol, headers: { "x-api-key": "secret-key" } }),
      version: "0.1.0",
      hostName: "dev-box",
    });
    const events = replayEvents("subagent-background");
    for (const e of events) pipeline.onEvent(e);
    await pipeline.shutdown();

    expect(r.requests.length).toBeGreaterThan(0);
    for (const req of r.requests) {
      expect(req.path).toBe("/v1/traces");
      expect(req.contentType).toBe(protocol === "http/json" ? "application/json" : "application/x-protobuf");
      expect(req.headers["x-api-key"]).toBe("secret-key");
    }
    const spans = receivedSpans(r.requests);
    expect(toSpanTree(spans, Date.parse(events[0]!.receivedAt))).toEqual(golden("subagent-background"));
    expect(pipeline.stats()).toMatchObject({ exported: spans.length, failed: 0, dropped: 0, queued: 0 });
  });

  it("sends 16-byte trace ids, 8-byte span ids, parent links inside the trace and ordered times", async () => {
    const r = await receiver();
    const pipeline = createOtelPipeline({ config: config(r.url, { protocol }), version: "0.1.0", hostName: "dev-box" });
    for (const e of replayEvents("subagent")) pipeline.onEvent(e);
    await pipeline.shutdown();
    const spans = receivedSpans(r.requests);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    for (const s of spans) {
      expect(s.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(s.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(s.kind).toBe(1); // SPAN_KIND_INTERNAL
      expect(s.endMs).toBeGreaterThanOrEqual(s.startMs);
      expect(s.resourceAttributes).toMatchObject({ "service.name": "claude-code", "spanlight.version": "0.1.0" });
      if (s.parentSpanId) {
        const parent = byId.get(s.parentSpanId)!;
        expect(parent, `parent of ${s.name}`).toBeDefined();
        expect(parent.traceId).toBe(s.traceId);
        expect(s.startMs).toBeGreaterThanOrEqual(parent.startMs);
      }
    }
    const tool = spans.find((s) => s.name === "execute_tool Bash")!;
    expect(tool.attributes).toMatchObject({
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "Bash",
      "gen_ai.tool.call.id": "toolu_010821985892bde2c0fa105b",
      "gen_ai.agent.id": "a5ce308943ecc89cf",
    });
    expect(byId.get(tool.parentSpanId!)!.name).toBe("invoke_agent general-purpose");
  });
});

describe("OTLP export when the receiver is down", () => {
  it("keeps ingest working, counts failures, and resumes when the receiver comes back", async () => {
    const r = await receiver();
    await r.stop();
    const cfg = config(r.url, { protocol: "http/json", retries: 0 });
    const watch = observed(
      createOtlpSpanExporter({ endpoint: cfg.export.endpoint, headers: {}, protocol: "http/json", timeoutMs: 5000 }),
    );
    const lines: string[] = [];
    const pipeline = createOtelPipeline({
      config: cfg,
      version: "0.1.0",
      hostName: null,
      exporter: watch.exporter,
      log: (l) => lines.push(l),
    });
    const store = createStore({ store: configSchema.parse({}).store });
    store.subscribe((e) => pipeline.onEvent(e));

    const first = replayEvents("bash-echo");
    for (const e of first) expect(store.append(e).status).toBe("accepted");
    await watch.waitFor((all) => all.some((x) => x.code !== 0));
    await settle(); // the queue books the result after the exporter reported it
    expect(store.stats(pipeline.stats()).totalEvents).toBe(first.length);
    expect(pipeline.stats().failed).toBeGreaterThan(0);
    expect(pipeline.stats().lastError).toMatch(/ECONNREFUSED|fetch failed/);
    expect(lines[0]).toMatch(/^otel: export of \d+ spans failed/);

    await r.start();
    const failedBefore = pipeline.stats().failed;
    const second = replayEvents("subagent");
    for (const e of second) expect(store.append(e).status).toBe("accepted");
    // Export resumes by itself (no flush): the next batch after the receiver is back succeeds.
    await watch.waitFor((all) => all.some((x) => x.code === 0));
    await r.waitFor((all: ReceivedRequest[]) => all.length > 0);
    await settle();
    expect(lines).toContain("otel: export works again");
    await pipeline.shutdown();
    const spans = receivedSpans(r.requests);
    expect(spans.some((s) => s.name === "invoke_agent general-purpose")).toBe(true);
    expect(pipeline.stats().exported).toBe(spans.length);
    expect(pipeline.stats().failed).toBe(failedBefore);
    expect(toOtlpJson(r.requests[0]!)).toHaveProperty("resourceSpans");
  });
});

describe("OTLP export against receivers that refuse part of the work", () => {
  it("says at shutdown how many spans could not be exported when the receiver is down", async () => {
    const r = await receiver();
    await r.stop();
    const lines: string[] = [];
    const pipeline = createOtelPipeline({
      config: config(r.url, { delayMs: 60_000 }),
      version: "0.1.0",
      hostName: null,
      log: (l) => lines.push(l),
    });
    for (const e of replayEvents("subagent")) pipeline.onEvent(e);
    const queued = pipeline.stats().queued;
    expect(queued).toBeGreaterThan(0);
    await pipeline.shutdown();
    const s = pipeline.stats();
    expect(s).toMatchObject({ exported: 0, queued: 0 });
    expect(lines.at(-1)).toMatch(new RegExp(`^otel: at shutdown ${s.failed} spans could not be exported \\(POST `));
  });

  it("splits a batch the receiver answers 413 to, until the requests fit", async () => {
    const requests: number[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        requests.push(body.length);
        // A receiver with a small body limit, like a proxy in front of a collector.
        res.writeHead(body.length > 1500 ? 413 : 200).end();
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const pipeline = createOtelPipeline({ config: config(url, { retries: 0 }), version: "0.1.0", hostName: null });
      for (const e of replayEvents("subagent")) pipeline.onEvent(e);
      const spans = pipeline.stats().queued;
      await pipeline.shutdown();
      expect(requests[0]).toBeGreaterThan(1500);
      expect(requests.length).toBeGreaterThan(2);
      expect(pipeline.stats()).toMatchObject({ exported: spans, failed: 0, queued: 0 });
    } finally {
      server.close();
    }
  });

  it("counts spans refused in a partial success as failed and keeps the receiver's message", async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () =>
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ partialSuccess: { rejectedSpans: "1", errorMessage: "span too old" } })),
      );
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const pipeline = createOtelPipeline({
        config: config(url, { protocol: "http/json" }),
        version: "0.1.0",
        hostName: null,
      });
      for (const e of replayEvents("bash-echo")) pipeline.onEvent(e);
      const spans = pipeline.stats().queued;
      await pipeline.shutdown();
      expect(pipeline.stats()).toMatchObject({ exported: spans - 1, failed: 1, queued: 0 });
      expect(pipeline.stats().lastError).toMatch(/: partial success, 1 rejected: span too old$/);
    } finally {
      server.close();
    }
  });
});

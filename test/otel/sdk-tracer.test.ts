import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { ExportResultCode } from "@opentelemetry/core";
import { InMemorySpanExporter, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it, vi } from "vitest";
import { createOtelPipeline, type Scheduler } from "../../otel/mod.ts";
import { createOtlpSpanExporter, createSdkTracer } from "../../otel/sdk-tracer.ts";
import type { FinishedSpan } from "../../otel/span-command.ts";
import { configSchema } from "../../src/config/config-schema.ts";
import type { Turn } from "../../src/schema/mod.ts";
import { scenarios } from "../helpers/fixtures.ts";
import { fromReadable } from "./helpers/readable.ts";
import { replayEvents } from "./helpers/replay.ts";
import { toSpanTree } from "./helpers/span-tree.ts";

type OtelInput =
  NonNullable<Parameters<typeof configSchema.parse>[0]> extends infer C
    ? C extends { otel?: infer O }
      ? O
      : never
    : never;

function otelConfig(input: Record<string, unknown> = {}) {
  const { export: exp = {}, ...rest } = input as { export?: Record<string, unknown> };
  return configSchema.parse({ otel: { ...rest, export: { enabled: true, ...exp } } as OtelInput }).otel;
}

function turnOf(promptId: string | null, index: number): Turn {
  return {
    index,
    promptId,
    promptPreview: "",
    startedAt: "",
    endedAt: null,
    status: "completed",
    outcome: null,
    toolCallCount: 0,
    errorCount: 0,
    traceId: null,
    traceUrl: null,
  };
}

async function exportScenario(scenario: string, context = {}) {
  const exporter = new InMemorySpanExporter();
  const pipeline = createOtelPipeline({ config: otelConfig(), version: "9.9.9", hostName: "build-host", exporter });
  const events = replayEvents(scenario, context);
  for (const e of events) pipeline.onEvent(e);
  await pipeline.shutdown();
  return { events, spans: exporter.getFinishedSpans(), pipeline };
}

describe("OTel pipeline through the SDK", () => {
  it.each(scenarios())("exports the golden span tree of %s through the SDK unchanged", async (scenario) => {
    const { events, spans, pipeline } = await exportScenario(scenario);
    const tree = toSpanTree(spans.map(fromReadable), Date.parse(events[0]!.receivedAt));
    const golden = JSON.parse(readFileSync(join(import.meta.dirname, "..", "golden", `${scenario}.json`), "utf8"));
    expect(tree).toEqual(golden);
    expect(pipeline.stats()).toEqual({
      enabled: true,
      exported: spans.length,
      dropped: 0,
      failed: 0,
      queued: 0,
      lastError: null,
      thread: "main",
    });
  });

  it("describes the sender in the resource: service, instance, host, container, version", async () => {
    const { spans } = await exportScenario("bash-echo", {
      agentId: "ci-7",
      containerId: "c0ffee",
      hostName: "runner-3",
    });
    const attrs = spans[0]!.resource.attributes;
    expect(attrs).toMatchObject({
      "service.name": "claude-code",
      "service.instance.id": "c0ffee",
      "host.name": "runner-3",
      "container.id": "c0ffee",
      "spanlight.agent.id": "ci-7",
      "spanlight.version": "9.9.9",
    });
    expect(spans[0]!.instrumentationScope).toMatchObject({ name: "spanlight", version: "9.9.9" });
  });

  it("falls back to Spanlight's host name and takes service name and resource attributes from config", async () => {
    const exporter = new InMemorySpanExporter();
    const pipeline = createOtelPipeline({
      config: otelConfig({ serviceName: "agents", resourceAttributes: { "deployment.environment.name": "dev" } }),
      version: "1.0.0",
      hostName: "laptop",
      exporter,
    });
    for (const e of replayEvents("bash-echo")) pipeline.onEvent(e);
    await pipeline.shutdown();
    expect(exporter.getFinishedSpans()[0]!.resource.attributes).toMatchObject({
      "service.name": "agents",
      "service.instance.id": "laptop",
      "host.name": "laptop",
      "deployment.environment.name": "dev",
    });
  });

  it("links a turn to the trace its spans were exported in, with a Jaeger URL", async () => {
    const { events, spans, pipeline } = await exportScenario("multi-turn");
    const prompts = events.filter((e) => e.type === "UserPromptSubmit");
    for (const [i, p] of prompts.entries()) {
      const link = pipeline.linkTurn(p.sessionId!, turnOf(p.promptId, i + 1))!;
      const root = spans.find((s) => s.spanContext().traceId === link.traceId && !s.parentSpanContext);
      expect(root?.name).toBe("invoke_agent claude-code");
      expect(root?.attributes["prompt.id"]).toBe(p.promptId);
      expect(link.traceUrl).toBe(`http://localhost:16686/trace/${link.traceId}`);
    }
  });

  it("gives no Jaeger link when otel.jaegerUrl is null", () => {
    const pipeline = createOtelPipeline({ config: otelConfig({ jaegerUrl: null }), version: "1", hostName: null });
    expect(pipeline.linkTurn("s", turnOf("p", 1))).toEqual({
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      traceUrl: null,
    });
  });

  it("does nothing when export is off: no spans, no links, zero counters", async () => {
    const exporter = new InMemorySpanExporter();
    const config = configSchema.parse({}).otel;
    const pipeline = createOtelPipeline({ config, version: "1", hostName: null, exporter });
    for (const e of replayEvents("subagent")) pipeline.onEvent(e);
    pipeline.sweep();
    await pipeline.shutdown();
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(pipeline.linkTurn("s", turnOf("p", 1))).toBeNull();
    expect(pipeline.stats()).toEqual({
      enabled: false,
      exported: 0,
      dropped: 0,
      failed: 0,
      queued: 0,
      lastError: null,
    });
  });

  it("ends spans left open at shutdown as incomplete (reason: shutdown) and flushes them", async () => {
    const exporter = new InMemorySpanExporter();
    const pipeline = createOtelPipeline({ config: otelConfig(), version: "1", hostName: null, exporter });
    const events = replayEvents("subagent");
    for (const e of events.slice(
      0,
      events.findIndex((e) => e.type === "SubagentStop"),
    ))
      pipeline.onEvent(e);
    await pipeline.shutdown();
    const incomplete = exporter.getFinishedSpans().filter((s) => s.attributes["spanlight.incomplete"]);
    expect(incomplete.map((s) => s.attributes["spanlight.incomplete.reason"])).toEqual([
      "shutdown",
      "shutdown",
      "shutdown",
    ]);
  });

  it("ends idle spans on sweep once the injected clock passes the timeout", async () => {
    const exporter = new InMemorySpanExporter();
    let now = 0;
    const pipeline = createOtelPipeline({
      config: otelConfig({ toolTimeoutMs: 60_000, turnTimeoutMs: 120_000 }),
      clock: { now: () => now },
      version: "1",
      hostName: null,
      exporter,
    });
    const events = replayEvents("bash-echo");
    for (const e of events.slice(0, events.findIndex((e) => e.type === "PreToolUse") + 1)) pipeline.onEvent(e);
    now = 60_001;
    pipeline.sweep();
    now = 120_001;
    pipeline.sweep();
    await pipeline.shutdown();
    const byName = Object.fromEntries(
      exporter.getFinishedSpans().map((s) => [s.name, s.attributes["spanlight.incomplete.reason"]]),
    );
    expect(byName).toMatchObject({ "execute_tool Bash": "timeout", "invoke_agent claude-code": "timeout" });
  });

  it("never throws into ingest when the exporter fails; failures are counted and logged once per minute", async () => {
    const failing: SpanExporter = {
      export: (_spans, done) => done({ code: ExportResultCode.FAILED, error: new Error("collector says no") }),
      shutdown: async () => {},
    };
    const lines: string[] = [];
    const pipeline = createOtelPipeline({
      config: otelConfig({ export: { retries: 0 } }),
      version: "1",
      hostName: null,
      exporter: failing,
      log: (l) => lines.push(l),
      clock: { now: () => 0 },
    });
    for (const scenario of ["bash-echo", "subagent"]) for (const e of replayEvents(scenario)) pipeline.onEvent(e);
    await pipeline.shutdown();
    const stats = pipeline.stats();
    expect(stats.failed).toBeGreaterThan(0);
    expect(stats.exported).toBe(0);
    expect(stats.lastError).toBe("collector says no");
    // One rate-limited failure line, then the shutdown's account of what was not delivered.
    expect(lines.length).toBe(2);
    expect(lines[0]).toContain("collector says no");
    expect(lines[1]).toBe(`otel: at shutdown ${stats.failed} spans could not be exported (collector says no)`);
  });

  it("counts spans the exporter can never take as failed, not as exported", async () => {
    const spans: ReadableSpan[] = [];
    const flaky: SpanExporter = {
      export(batch, _done) {
        spans.push(...batch);
        throw new Error("exporter bug");
      },
      shutdown: async () => {},
    };
    const pipeline = createOtelPipeline({ config: otelConfig(), version: "1", hostName: null, exporter: flaky });
    for (const e of replayEvents("bash-echo")) expect(() => pipeline.onEvent(e)).not.toThrow();
    await pipeline.shutdown();
    expect(pipeline.stats().failed).toBe(spans.length);
  });
});

const SPAN: FinishedSpan = {
  traceId: "0af7651916cd43dd8448eb211c80319c",
  spanId: "b7ad6b7169203331",
  parentSpanId: null,
  name: "invoke_agent claude-code",
  startMs: 1000,
  endMs: 2000,
  attributes: { "session.id": "s" },
  events: [],
  status: { code: "unset", message: null },
  resource: { instanceId: null, hostName: null, containerId: null, agentId: null },
};

function tracer(
  exporter: SpanExporter,
  opts: { ownsExporter: boolean; shutdownGraceMs?: number; scheduler?: Scheduler },
  exp: Record<string, unknown> = {},
) {
  return createSdkTracer({
    serviceName: "s",
    version: "1",
    hostName: null,
    resourceAttributes: {},
    maxAttributeChars: 100,
    exporter,
    queue: otelConfig({ export: exp }).export,
    ...opts,
  });
}

describe("SDK tracer", () => {
  it("counts a span the SDK cannot build as dropped, not exported, and sends the rest", async () => {
    const exporter = new InMemorySpanExporter();
    const sdk = tracer(exporter, { ownsExporter: false });
    sdk.record(SPAN);
    sdk.record({ ...SPAN, spanId: "00f067aa0ba902b7", events: null as never });
    await sdk.flush();
    expect(exporter.getFinishedSpans().map((s) => s.spanContext().spanId)).toEqual(["b7ad6b7169203331"]);
    expect(sdk.stats()).toMatchObject({ exported: 1, dropped: 1 });
    expect(sdk.stats().lastError).toMatch(/recording span invoke_agent claude-code failed/);
  });

  it("stops waiting on a receiver that never answers once the shutdown grace is over", async () => {
    // Accepts the connection and the request, never answers: only the grace can end the wait.
    const held: ServerResponse[] = [];
    const server = createServer((_req, res) => held.push(res));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    // Timers by hand: the grace fires when the test says, once the request has arrived.
    const timers = new Map<object, { fn: () => void; ms: number }>();
    const scheduler = {
      setTimeout: (fn: () => void, ms: number) => {
        const handle = {};
        timers.set(handle, { fn, ms });
        return handle;
      },
      clearTimeout: (handle: unknown) => void timers.delete(handle as object),
    };
    try {
      const exporter = createOtlpSpanExporter({
        endpoint: `http://127.0.0.1:${port}/v1/traces`,
        headers: {},
        protocol: "http/protobuf",
        timeoutMs: 600_000,
      });
      const sdk = tracer(exporter, { ownsExporter: true, shutdownGraceMs: 5000, scheduler }, { timeoutMs: 600_000 });
      for (const spanId of ["b7ad6b7169203331", "00f067aa0ba902b7"]) sdk.record({ ...SPAN, spanId });
      const stopped = sdk.shutdown();
      await vi.waitFor(() => expect(held.length).toBe(1), { timeout: 20_000, interval: 10 });
      const grace = [...timers.values()].find((t) => t.ms === 5000)!;
      grace.fn();
      await stopped;
      expect(sdk.stats()).toMatchObject({ exported: 0, failed: 2, queued: 0 });
      expect(sdk.stats().lastError).toContain("stopped waiting at shutdown");
    } finally {
      for (const res of held) res.destroy();
      server.close();
    }
  });
});

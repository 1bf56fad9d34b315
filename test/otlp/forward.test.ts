import { afterEach, describe, expect, it } from "vitest";
import { type ConfigInput, resolveConfig } from "../../src/config/mod.ts";
import { decodeOtlpJson, FORWARDED_HEADER, otlpForwardFromEnv } from "../../src/otlp/mod.ts";
import { countItems, type OtlpSpan } from "../../src/otlp/otlp-model.ts";
import { startNodeServer } from "../../src/runtime/node.ts";
import { createSpanlight } from "../../src/server/compose.ts";
import { replayScenario } from "../helpers/app.ts";
import { startCaptureReceiver } from "./helpers/capture-receiver.ts";
import { loadOtlpExports } from "./helpers/otlp-fixtures.ts";
import { postScenarioOtlp } from "./helpers/post-otlp.ts";

type Capture = Awaited<ReturnType<typeof startCaptureReceiver>>;
let capture: Capture | null = null;

afterEach(async () => {
  await capture?.close();
  capture = null;
});

function spanlightExportingTo(url: string, otel: ConfigInput["otel"] = {}, forward = otlpForwardFromEnv({})) {
  const resolved = resolveConfig([
    {
      source: "test",
      values: {
        otel: {
          ...otel,
          export: {
            enabled: true,
            endpoint: `${url}/v1/traces`,
            protocol: "http/protobuf",
            delayMs: 0,
            ...otel.export,
          },
        },
      },
    },
  ]);
  if (!resolved.ok) throw new Error(resolved.error);
  return createSpanlight({ config: resolved.config, otlpForward: forward });
}

/** The native spans of a captured scenario, as Claude Code exported them. */
function nativeSpans(scenario: string): OtlpSpan[] {
  return loadOtlpExports(scenario, "traces").flatMap((e) => {
    const d = decodeOtlpJson("traces", e.body);
    return d.signal === "traces" ? d.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)) : [];
  });
}

describe("forwarding Claude Code's telemetry (Spanlight as the local collector)", () => {
  it("forwards native spans unchanged alongside the hook-derived spans, through the span exporter", async () => {
    capture = await startCaptureReceiver();
    const s = spanlightExportingTo(capture.url);
    await replayScenario(s.app, "subagent");
    await postScenarioOtlp(s.app, "subagent", "protobuf+gzip");
    await s.close(); // flushes the export queue

    const sent = nativeSpans("subagent");
    const got = capture.spans();
    for (const want of sent) {
      const span = got.find((g) => g.spanId === want.spanId);
      expect(span, want.name).toBeDefined();
      expect(span).toMatchObject({
        traceId: want.traceId,
        parentSpanId: want.parentSpanId,
        name: want.name,
        kind: want.kind,
        startTimeUnixNano: want.startTimeUnixNano,
        endTimeUnixNano: want.endTimeUnixNano,
        status: want.status,
        serviceName: "claude-code",
      });
      expect(span?.events.map((e) => e.name)).toEqual(want.events.map((e) => e.name));
      // Numbers, ids and names go out as they came.
      for (const key of ["input_tokens", "request_id", "tool_use_id", "gen_ai.tool.name", "session.id"]) {
        expect(span?.attributes[key]).toEqual(want.attributes[key]);
      }
    }
    // Spanlight's own hook-derived spans went out through the same exporter.
    expect(got.some((g) => g.name === "invoke_agent claude-code")).toBe(true);
    expect(capture.posts.every((p) => p.headers[FORWARDED_HEADER] === s.bootId)).toBe(true);
    expect(s.otel.stats().exported).toBe(got.length);
  });

  it("keeps prompts and commands out of forwarded spans unless otel.capture allows them", async () => {
    capture = await startCaptureReceiver();
    const s = spanlightExportingTo(capture.url);
    await postScenarioOtlp(s.app, "bash-echo", "json", (sig) => sig === "traces");
    await s.close();
    const interaction = capture.spans().find((g) => g.name === "claude_code.interaction")!;
    const tool = capture.spans().find((g) => g.name === "claude_code.tool")!;
    expect(interaction.attributes).not.toHaveProperty("user_prompt");
    expect(interaction.attributes.user_prompt_length).toBe(35);
    expect(tool.attributes).not.toHaveProperty("full_command");
    expect(tool.attributes["gen_ai.tool.name"]).toBe("Bash");

    await capture.close();
    capture = await startCaptureReceiver();
    const open = spanlightExportingTo(capture.url, { capture: { prompts: true, toolInput: true } });
    await postScenarioOtlp(open.app, "bash-echo", "json", (sig) => sig === "traces");
    await open.close();
    expect(capture.spans().find((g) => g.name === "claude_code.interaction")!.attributes.user_prompt).toBe(
      "Say hello from the shell using bash",
    );
    expect(capture.spans().find((g) => g.name === "claude_code.tool")!.attributes.full_command).toBe(
      "echo hello-from-harness",
    );
  });

  it("does not forward native spans with otel.forwardNative off, and nothing with export off", async () => {
    capture = await startCaptureReceiver();
    const s = spanlightExportingTo(capture.url, { forwardNative: false });
    await replayScenario(s.app, "bash-echo");
    await postScenarioOtlp(s.app, "bash-echo");
    await s.close();
    expect(capture.spans().some((g) => g.name.startsWith("claude_code."))).toBe(false);
    expect(capture.spans().some((g) => g.name === "invoke_agent claude-code")).toBe(true);

    const off = createSpanlight({ config: resolveOk({}) });
    await postScenarioOtlp(off.app, "bash-echo");
    await off.close();
    expect(off.otel.stats()).toMatchObject({ enabled: false, exported: 0 });
  });

  it("forwards logs (redacted, re-encoded) and metrics (as received) to their own endpoints", async () => {
    capture = await startCaptureReceiver();
    const s = spanlightExportingTo(
      capture.url,
      { export: { protocol: "http/json" } },
      otlpForwardFromEnv({
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${capture.url}/v1/logs`,
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${capture.url}/v1/metrics`,
      }),
    );
    await postScenarioOtlp(s.app, "bash-echo", "protobuf", (sig) => sig !== "traces");
    await s.close();
    const logPosts = capture.posts.filter((p) => p.signal === "logs");
    const metricPosts = capture.posts.filter((p) => p.signal === "metrics");
    expect(logPosts).toHaveLength(loadOtlpExports("bash-echo", "logs").length);
    expect(metricPosts).toHaveLength(loadOtlpExports("bash-echo", "metrics").length);
    expect(metricPosts[0]!.contentType).toBe("application/x-protobuf");
    const records = logPosts.flatMap((p) =>
      p.request.signal === "logs"
        ? p.request.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords))
        : [],
    );
    // Every record goes on, start-up noise included; prompts stay home by default.
    const sent = loadOtlpExports("bash-echo", "logs").reduce(
      (n, e) => n + countItems(decodeOtlpJson("logs", e.body)),
      0,
    );
    expect(records).toHaveLength(sent);
    const prompt = records.find((r) => r.attributes["event.name"] === "user_prompt")!;
    expect(prompt.attributes).not.toHaveProperty("prompt");
    expect(prompt.attributes["prompt.id"]).toBe("7d07efca-1804-4416-9838-d9651371e715");
    const stats = (await (await s.app.request("/api/stats")).json()).otlp;
    expect(stats.forwardLogs).toMatchObject({ exported: logPosts.length, failed: 0 });
    expect(stats.forwardMetrics).toMatchObject({ exported: metricPosts.length, failed: 0 });
  });
});

describe("an export endpoint that points back at Spanlight itself", () => {
  it("takes its own exports back once instead of looping", async () => {
    // Learn a free port, then start Spanlight on it with export aimed at its own /v1/traces.
    const probe = await startNodeServer();
    const port = probe.port;
    await probe.close();
    const server = await startNodeServer({
      config: {
        server: { port },
        otel: { export: { enabled: true, endpoint: `http://127.0.0.1:${port}/v1/traces`, delayMs: 0 } },
      },
    });
    try {
      const app = { request: (path: string, init: RequestInit) => fetch(`${server.url}${path}`, init) };
      await replayScenario(app, "bash-echo");
      await postScenarioOtlp(app, "bash-echo");
      await server.spanlight.otel.shutdown(); // flushes: every export has come back by now
      const d = await (await fetch(`${server.url}/api/sessions/49d06c98-aa42-444f-a8a6-08ed5d7724c8`)).json();
      expect(d.nativeSpans).toHaveLength(6);
      const stats = await (await fetch(`${server.url}/api/stats`)).json();
      expect(stats.export.exported).toBeGreaterThan(6);
      expect(stats.otlp.traces.requests).toBe(1);
    } finally {
      await server.close();
    }
  });
});

function resolveOk(values: ConfigInput) {
  const r = resolveConfig([{ source: "test", values }]);
  if (!r.ok) throw new Error(r.error);
  return r.config;
}

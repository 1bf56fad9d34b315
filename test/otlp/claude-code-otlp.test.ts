import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { initCommand } from "../../src/cli/init.ts";
import { startNodeServer } from "../../src/runtime/node.ts";
import type { SessionDetail, Stats } from "../../src/schema/mod.ts";
import { startFakeAnthropicApi } from "../e2e/fake-anthropic-api.ts";
import { runClaude } from "../e2e/run-claude.ts";
import { SCENARIOS, type Scenario } from "../e2e/scenarios.ts";
import { createTempDir } from "../hooks/helpers/temp-dir.ts";
import { captureIo } from "../install/cli-io.ts";
import { startCaptureReceiver } from "./helpers/capture-receiver.ts";

/**
 * The real Claude Code CLI with both its hooks (from `spanlight init --otel`) and its native
 * OpenTelemetry pointed at one Spanlight server started here, which forwards to a capture
 * receiver standing in for Jaeger. Slow (seconds per session), so SPANLIGHT_QUICK=1 skips it.
 */
const suite = process.env.SPANLIGHT_QUICK === "1" ? describe.skip : describe;

type FullResult = {
  session_id: string;
  is_error: boolean;
  total_cost_usd: number;
  usage: {
    input_tokens: number;
    output_tokens: number;
    cache_read_input_tokens: number;
    cache_creation_input_tokens: number;
  };
  modelUsage: Record<string, { inputTokens: number; outputTokens: number; costUSD: number }>;
};

suite.each(["http/json", "http/protobuf"] as const)(
  "Claude Code's hooks and native OTel (%s) in one Spanlight",
  (protocol) => {
    let tmp: ReturnType<typeof createTempDir>;
    let home: string;
    let server: Awaited<ReturnType<typeof startNodeServer>>;
    let backend: Awaited<ReturnType<typeof startCaptureReceiver>>;
    let runs = 0;
    const received: string[] = [];

    beforeAll(async () => {
      tmp = createTempDir("spanlight-otlp-e2e-");
      home = join(tmp.path, "home");
      mkdirSync(join(home, "tmp"), { recursive: true });
      backend = await startCaptureReceiver();
      server = await startNodeServer({
        config: { otel: { export: { enabled: true, endpoint: `${backend.url}/v1/traces`, protocol, delayMs: 0 } } },
      });
      server.spanlight.otlp.onAccepted((a) => received.push(`${a.signal} ${a.encoding}`));
      const io = captureIo({ home, cwd: tmp.path, env: { PATH: process.env.PATH } });
      io.hostName = () => hostname();
      expect(await initCommand(["--mode", "http", "--url", server.url, "--otel"], io), io.text()).toBe(0);
      // init --otel points Claude Code's exporters at Spanlight's base URL; this suite picks the encoding.
      const path = join(home, ".claude", "settings.json");
      const settings = JSON.parse(readFileSync(path, "utf8"));
      expect(settings.env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(server.url);
      settings.env.OTEL_EXPORTER_OTLP_PROTOCOL = protocol;
      writeFileSync(path, JSON.stringify(settings, null, 2));
    });
    afterAll(async () => {
      await server?.close();
      await backend?.close();
      tmp?.cleanup();
    });

    async function run(scenario: Scenario): Promise<FullResult> {
      const project = join(tmp.path, `${scenario.name}-${++runs}`);
      mkdirSync(project);
      for (const [name, text] of Object.entries(scenario.files)) writeFileSync(join(project, name), text);
      const api = await startFakeAnthropicApi(scenario.script(project));
      try {
        const r = await runClaude({ home, cwd: project, apiUrl: api.url, prompt: scenario.prompt });
        expect(r.result?.is_error, `${r.stdout}\n${r.stderr}`).toBe(false);
        return JSON.parse(r.stdout) as FullResult;
      } finally {
        await api.close();
      }
    }

    async function detail(id: string): Promise<SessionDetail> {
      const res = await fetch(`${server.url}/api/sessions/${id}`);
      expect(res.status).toBe(200);
      return res.json();
    }

    /** Claude Code flushes its exporters as it exits; the session is complete once metrics arrived too. */
    async function complete(id: string, check: (d: SessionDetail) => void): Promise<SessionDetail> {
      let last: SessionDetail | null = null;
      await vi.waitFor(
        async () => {
          last = await detail(id);
          // Not the status: SessionEnd has a ~1.5 s hook budget in Claude Code, which a loaded
          // machine can miss; the metrics, flushed last, say the export is complete.
          expect(last.activity?.sessionStarts).toBe(1);
          check(last);
        },
        { timeout: 20_000, interval: 50 },
      );
      return last!;
    }

    it("shows exactly the cost and tokens Claude Code reports, and its LLM requests in the turn", async () => {
      const result = await run(SCENARIOS.bash);
      const d = await complete(result.session_id, (s) => expect(s.llmRequests?.every((r) => r.spanId)).toBe(true));
      expect(d.usageSource).toBe("otlp_logs");
      expect(d.totalCostUsd).toBe(result.total_cost_usd);
      expect(d.tokens).toEqual({
        inputTokens: result.usage.input_tokens,
        outputTokens: result.usage.output_tokens,
        cacheReadTokens: result.usage.cache_read_input_tokens,
        cacheCreationTokens: result.usage.cache_creation_input_tokens,
      });
      const [model, usage] = Object.entries(result.modelUsage)[0]!;
      expect(d.models).toEqual([
        expect.objectContaining({ model, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens }),
      ]);
      // Two LLM requests around the one Bash call, in the session's only turn, with their native spans.
      expect(d.llmRequests).toHaveLength(2);
      for (const r of d.llmRequests!) {
        expect(r).toMatchObject({ turnIndex: 1, model, status: "ok", source: "otlp_log" });
        expect(r.ttftMs).toBeGreaterThanOrEqual(0);
        expect(r.durationMs).toBeGreaterThanOrEqual(r.ttftMs!);
        expect(d.nativeSpans?.find((s) => s.spanId === r.spanId)?.name).toBe("claude_code.llm_request");
      }
      expect(d.turns[0]).toMatchObject({ llmRequestCount: 2 });
      expect(d.turns[0]!.costUsd).toBeCloseTo(result.total_cost_usd, 12);
      // The LLM requests sit between the tool call's edges on the timeline.
      const [first, second] = d.llmRequests!;
      const call = d.toolCalls[0]!;
      expect(call.native).toMatchObject({ decision: "accept", success: true });
      expect(first!.endedAt <= call.startedAt && call.endedAt! <= second!.startedAt).toBe(true);
      const stats: Stats = await (await fetch(`${server.url}/api/stats`)).json();
      expect(stats.otlp?.logs.requests).toBeGreaterThan(0);
      expect(stats.otlp?.traces.requests).toBeGreaterThan(0);
      expect(stats.otlp?.metrics.requests).toBeGreaterThan(0);
      expect(stats.otlp?.rejectedRequests).toBe(0);
      // Claude Code really spoke the encoding under test, on all three signals.
      const encoding = protocol === "http/json" ? "json" : "protobuf";
      expect(new Set(received)).toEqual(new Set(["traces", "logs", "metrics"].map((sig) => `${sig} ${encoding}`)));
    });

    it("counts a subagent's requests into the session, matching Claude Code's per-model totals", async () => {
      const result = await run(SCENARIOS.subagent);
      const d = await complete(result.session_id, () => {});
      expect(d.totalCostUsd).toBeCloseTo(result.total_cost_usd, 12);
      const [model, usage] = Object.entries(result.modelUsage)[0]!;
      expect(d.models?.[0]).toMatchObject({ model, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens });
      expect(d.models?.[0]?.costUsd).toBeCloseTo(usage.costUSD, 12);
      const sub = d.subagents[0]!;
      expect(d.llmRequests?.filter((r) => r.subagentId === sub.agentId).length).toBeGreaterThan(0);
    });

    it("forwards Claude Code's native spans, unchanged, beside the hook-derived spans", async () => {
      const result = await run(SCENARIOS.bash);
      const d = await complete(result.session_id, () => {});
      const native = d.nativeSpans!;
      await backend.waitFor(() => native.every((n) => backend.spans().some((s) => s.spanId === n.spanId)));
      for (const n of native) {
        const got = backend.spans().find((s) => s.spanId === n.spanId)!;
        expect(got).toMatchObject({ traceId: n.traceId, name: n.name, parentSpanId: n.parentSpanId });
        expect(got.attributes["session.id"]).toBe(result.session_id);
      }
      await backend.waitFor(() =>
        backend
          .spans()
          .some((s) => s.name === "invoke_agent claude-code" && s.attributes["session.id"] === result.session_id),
      );
      const encoding = protocol === "http/json" ? "application/json" : "application/x-protobuf";
      expect(backend.posts.every((p) => p.contentType === encoding)).toBe(true);
    });
  },
);

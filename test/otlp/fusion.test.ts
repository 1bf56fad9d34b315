import { describe, expect, it } from "vitest";
import type { SessionDetail, Stats } from "../../src/schema/mod.ts";
import { replayScenario, testSpanlight } from "../helpers/app.ts";
import { scenarios } from "../helpers/fixtures.ts";
import { type ClaudeResult, finalResults, loadAllExports } from "./helpers/otlp-fixtures.ts";
import { postScenarioOtlp, type WireFormat } from "./helpers/post-otlp.ts";

async function detail(app: ReturnType<typeof testSpanlight>["app"], id: string): Promise<SessionDetail> {
  const res = await app.request(`/api/sessions/${id}`);
  expect(res.status).toBe(200);
  return res.json();
}

async function stats(app: ReturnType<typeof testSpanlight>["app"]): Promise<Stats> {
  return (await app.request("/api/stats")).json();
}

/** Claude Code's own totals for a session, summed over its models. */
function expected(r: ClaudeResult) {
  const models = Object.values(r.modelUsage);
  const sum = (k: keyof (typeof models)[number]) => models.reduce((a, m) => a + (m[k] as number), 0);
  return {
    cost: r.total_cost_usd,
    tokens: {
      inputTokens: sum("inputTokens"),
      outputTokens: sum("outputTokens"),
      cacheReadTokens: sum("cacheReadInputTokens"),
      cacheCreationTokens: sum("cacheCreationInputTokens"),
    },
  };
}

/** Log events of a kind in a scenario's captured exports, per session. */
function logEventCount(scenario: string, name: string, sessionId: string): number {
  let n = 0;
  for (const exp of loadAllExports(scenario)) {
    if (exp.signal !== "logs") continue;
    const text = JSON.stringify(exp.body);
    const re = /"event\.name","value":\{"stringValue":"([a-z_]+)"\}/g;
    for (const record of text.split('{"timeUnixNano"').slice(1)) {
      const m = re.exec(record);
      re.lastIndex = 0;
      if (m?.[1] === name && record.includes(sessionId)) n++;
    }
  }
  return n;
}

const FORMATS: WireFormat[] = ["json", "protobuf+gzip"];
const cases = scenarios().flatMap((scenario) => FORMATS.map((format) => ({ scenario, format })));

describe("hooks and Claude Code's own telemetry fused into one session", () => {
  it.each(cases)(
    "$scenario over $format: the session's cost and tokens equal Claude Code's result",
    async ({ scenario, format }) => {
      const s = testSpanlight();
      await replayScenario(s.app, scenario);
      await postScenarioOtlp(s.app, scenario, format);
      for (const result of finalResults(scenario)) {
        const d = await detail(s.app, result.session_id);
        const want = expected(result);
        expect(d.usageSource).toBe("otlp_logs");
        expect(d.totalCostUsd).toBeCloseTo(want.cost, 12);
        expect(d.tokens).toEqual(want.tokens);
        const [model, usage] = Object.entries(result.modelUsage)[0]!;
        expect(d.models?.[0]).toMatchObject({
          model,
          inputTokens: usage.inputTokens,
          outputTokens: usage.outputTokens,
        });
        expect(d.models?.[0]?.costUsd).toBeCloseTo(usage.costUSD, 12);
        // Every api_request and api_error is an LLM request; turns add up to the session.
        const requests = logEventCount(scenario, "api_request", result.session_id);
        const errors = logEventCount(scenario, "api_error", result.session_id);
        expect(d.llmRequests).toHaveLength(requests + errors);
        expect(d.llmRequestCount).toBe(requests + errors);
        expect(d.apiErrorCount).toBe(errors);
        // Requests of prompts that made no turn (slash commands such as /compact) stay outside turns.
        const outside = d.llmRequests!.filter((r) => r.turnIndex === null);
        expect(outside.every((r) => !d.turns.some((t) => t.promptId === r.promptId))).toBe(true);
        const turnCost = d.turns.reduce((a, t) => a + (t.costUsd ?? 0), 0);
        expect(turnCost + outside.reduce((a, r) => a + (r.costUsd ?? 0), 0)).toBeCloseTo(want.cost, 12);
        expect(d.llmRequests?.every((r) => r.source === "otlp_log")).toBe(true);
      }
    },
  );
});

describe("joins", () => {
  it("gives each LLM request its model, tokens, cost, time to first token and native span", async () => {
    const s = testSpanlight();
    await replayScenario(s.app, "bash-echo");
    await postScenarioOtlp(s.app, "bash-echo");
    const d = await detail(s.app, "49d06c98-aa42-444f-a8a6-08ed5d7724c8");
    expect(d.llmRequests).toHaveLength(2);
    const first = d.llmRequests![0]!;
    expect(first).toMatchObject({
      requestId: "req_fake_1",
      turnIndex: 1,
      model: "claude-opus-5-5",
      inputTokens: 2367,
      outputTokens: 34,
      cacheCreationTokens: 10560,
      costUsd: 0.062948,
      ttftMs: 39,
      durationMs: 72,
      stopReason: "tool_use",
      traceId: "1fbfeccfe3147f6e1b38319e12a03db1",
      spanId: "1de2da320e29d355",
      status: "ok",
    });
    // The span's exact times replace the estimate from the log event's timestamp and duration.
    expect(first.startedAt).toBe("2026-11-21T05:34:29.891Z");
    expect(d.turns[0]).toMatchObject({ llmRequestCount: 2 });
  });

  it("joins Claude Code's tool decision and result to the hook tool call by tool_use_id", async () => {
    const s = testSpanlight();
    await replayScenario(s.app, "failing-tool");
    await postScenarioOtlp(s.app, "failing-tool");
    const d = await detail(s.app, "9cb35c5a-fb1b-4a5b-813f-cbf66847ed57");
    const failed = d.toolCalls.find((c) => c.toolUseId === "toolu_019c8007579d2c7a1eb3b59e")!;
    expect(failed.status).toBe("error");
    expect(failed.native).toEqual({
      decision: "accept",
      decisionSource: "config",
      success: false,
      durationMs: 29,
      resultBytes: null,
      error: "Shell command failed",
    });
    // Every call that ran has Claude Code's record; the two it refused before running have none.
    const ran = d.toolCalls.filter((c) => c.startSeq !== null);
    expect(ran.length).toBe(d.toolCalls.length - 2);
    expect(ran.every((c) => c.native !== null)).toBe(true);
    // The failures were counted once, from the hooks, not again from tool_result.
    const hooksOnly = testSpanlight();
    await replayScenario(hooksOnly.app, "failing-tool");
    const before = await detail(hooksOnly.app, d.sessionId);
    expect(d.errorCount).toBe(before.errorCount);
  });

  it("joins Claude Code's tool events that arrive before their hooks, and counts each failure once", async () => {
    // A batch of OTLP logs can beat a slow hook (the command hook spools first): same result.
    const hooksFirst = testSpanlight();
    await replayScenario(hooksFirst.app, "failing-tool");
    await postScenarioOtlp(hooksFirst.app, "failing-tool");
    const otlpFirst = testSpanlight();
    await postScenarioOtlp(otlpFirst.app, "failing-tool");
    await replayScenario(otlpFirst.app, "failing-tool");
    const first = await detail(hooksFirst.app, "9cb35c5a-fb1b-4a5b-813f-cbf66847ed57");
    const late = await detail(otlpFirst.app, "9cb35c5a-fb1b-4a5b-813f-cbf66847ed57");
    expect(late.toolCalls.map((c) => [c.toolUseId, c.native])).toEqual(
      first.toolCalls.map((c) => [c.toolUseId, c.native]),
    );
    expect(late.toolCalls.filter((c) => c.native !== null)).toHaveLength(late.toolCalls.length - 2);
    expect([late.errorCount, late.turns.map((t) => t.errorCount)]).toEqual([
      first.errorCount,
      first.turns.map((t) => t.errorCount),
    ]);
  });

  it("holds few early tool events for a session no hook reports (telemetry only)", async () => {
    const s = testSpanlight();
    const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
    const logRecords = Array.from({ length: 100 }, (_, i) => ({
      timeUnixNano: "1795000000000000000",
      body: { stringValue: "claude_code.tool_result" },
      attributes: [
        attr("event.name", "tool_result"),
        attr("session.id", "otlp-only"),
        attr("tool_use_id", `toolu_${i}`),
        attr("tool_name", "Bash"),
        attr("success", "true"),
      ],
    }));
    const body = { resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ logRecords }] }] };
    const res = await s.app.request("/v1/logs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    // Nothing may ever join them: a hooked session holds up to 256, this one an eighth.
    expect(s.store.session("otlp-only")!.earlyNative.size).toBe(32);
  });

  it("keeps native spans in the session, each on its turn, with tool and request joins", async () => {
    const s = testSpanlight();
    await replayScenario(s.app, "multi-turn");
    await postScenarioOtlp(s.app, "multi-turn");
    const d = await detail(s.app, "be0d04c3-c728-4f65-b490-fde71b80d6fb");
    const names = d.nativeSpans!.map((x) => x.name);
    expect(names.filter((n) => n === "claude_code.interaction")).toHaveLength(3);
    expect(names.filter((n) => n === "claude_code.llm_request")).toHaveLength(6);
    for (const span of d.nativeSpans!) expect(span.turnIndex, span.name).not.toBeNull();
    const interactions = d.nativeSpans!.filter((x) => x.name === "claude_code.interaction");
    expect(interactions.map((x) => x.turnIndex)).toEqual([1, 2, 3]);
    const tool = d.nativeSpans!.find((x) => x.name === "claude_code.tool")!;
    expect(d.toolCalls.map((c) => c.toolUseId)).toContain(tool.toolUseId);
    // Identity attributes every span repeats are left out of what is kept.
    expect(tool.attributes).not.toHaveProperty("user.id");
  });

  it("marks API errors on the session, the turn and the LLM request", async () => {
    const s = testSpanlight();
    await replayScenario(s.app, "api-error");
    await postScenarioOtlp(s.app, "api-error");
    const d = await detail(s.app, "81b721a2-39fe-410d-b7dc-d68ea7e5107f");
    const failed = d.llmRequests!.filter((r) => r.status === "error");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ statusCode: 500, attempt: 2, error: "Internal server error (scripted)" });
    expect(d.apiErrorCount).toBe(1);
    // One failure: the StopFailure hook, not again Claude Code's api_error and retries_exhausted.
    expect(d.turns[0]!.errorCount).toBe(1);
    expect(d.errorCount).toBe(1);
    const stats = (await (await s.app.request("/api/stats")).json()) as { topErrors: Array<{ count: number }> };
    expect(stats.topErrors.reduce((n, e) => n + e.count, 0)).toBe(1);
  });

  it("counts each failed tool call once in the error list, though Claude Code's telemetry reports it too", async () => {
    const s = testSpanlight();
    await replayScenario(s.app, "failing-tool");
    const hooksOnly = (await (await s.app.request("/api/stats")).json()) as { topErrors: unknown };
    await postScenarioOtlp(s.app, "failing-tool");
    const both = (await (await s.app.request("/api/stats")).json()) as { topErrors: unknown };
    expect(both.topErrors).toEqual(hooksOnly.topErrors);
  });

  it("counts API errors as the session's errors when no hooks report it (telemetry only)", async () => {
    const s = testSpanlight();
    await postScenarioOtlp(s.app, "api-error");
    const d = await detail(s.app, "81b721a2-39fe-410d-b7dc-d68ea7e5107f");
    expect(d.apiErrorCount).toBe(1);
    expect(d.errorCount).toBeGreaterThanOrEqual(1);
  });
});

describe("counting cost and tokens without double counting", () => {
  const SID = "49d06c98-aa42-444f-a8a6-08ed5d7724c8";
  const COST = 0.06620820000000001;

  it("takes the totals from metrics alone when the logs exporter is off", async () => {
    const s = testSpanlight();
    await postScenarioOtlp(s.app, "bash-echo", "json", (sig) => sig === "metrics");
    const d = await detail(s.app, SID);
    expect(d.usageSource).toBe("otlp_metrics");
    expect(d.totalCostUsd).toBeCloseTo(COST, 12);
    expect(d.tokens).toEqual({
      inputTokens: 2409,
      outputTokens: 52,
      cacheReadTokens: 13161,
      cacheCreationTokens: 10580,
    });
    expect(d.models?.[0]).toMatchObject({ model: "claude-opus-5-5", requests: null });
    expect((await stats(s.app)).totalCostUsd).toBeCloseTo(COST, 12);
  });

  it.each([
    ["metrics before logs", ["metrics", "logs", "traces"]],
    ["logs before metrics", ["logs", "metrics", "traces"]],
    ["everything twice (client retries)", ["logs", "metrics", "traces", "logs", "traces"]],
  ] as const)("counts every dollar once with %s", async (_name, order) => {
    const s = testSpanlight();
    for (const signal of order) await postScenarioOtlp(s.app, "bash-echo", "json", (sig) => sig === signal);
    const d = await detail(s.app, SID);
    expect(d.usageSource).toBe("otlp_logs");
    expect(d.totalCostUsd).toBeCloseTo(COST, 12);
    expect(d.tokens.inputTokens).toBe(2409);
    expect(d.llmRequests).toHaveLength(2);
    expect(d.nativeSpans).toHaveLength(6);
    const st = await stats(s.app);
    expect(st.totalCostUsd).toBeCloseTo(COST, 12);
    expect(st.tokens.inputTokens).toBe(2409);
    expect(st.models?.[0]).toMatchObject({ model: "claude-opus-5-5", requests: 2 });
  });

  it("adds up Claude Code's activity metrics per session and store-wide", async () => {
    const s = testSpanlight();
    await postScenarioOtlp(s.app, "file-ops", "json", (sig) => sig === "metrics");
    const d = await detail(s.app, "d6e2c272-ed5e-499c-853e-6cb190381afb");
    expect(d.activity).toMatchObject({ sessionStarts: 1, linesAdded: 5, linesRemoved: 1, editsAccepted: 2 });
    expect(d.activity?.activeTimeCliSec).toBeCloseTo(0.874, 9);
    expect((await stats(s.app)).activity).toMatchObject({ linesAdded: 5, editsAccepted: 2 });
  });

  it("turns cumulative metric sums into deltas", async () => {
    const s = testSpanlight();
    const point = (value: number) => ({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: "claude_code.cost.usage",
                  sum: {
                    aggregationTemporality: 2,
                    isMonotonic: true,
                    dataPoints: [
                      {
                        attributes: [
                          { key: "session.id", value: { stringValue: "s-cumulative" } },
                          { key: "model", value: { stringValue: "m" } },
                        ],
                        startTimeUnixNano: "1",
                        timeUnixNano: "2",
                        asDouble: value,
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    for (const v of [0.5, 0.75, 1.25]) {
      const res = await s.app.request("/v1/metrics", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(point(v)),
      });
      expect(res.status).toBe(200);
    }
    expect((await detail(s.app, "s-cumulative")).totalCostUsd).toBeCloseTo(1.25, 12);
  });
});

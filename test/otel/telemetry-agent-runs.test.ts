import { describe, expect, it } from "vitest";
import type { FinishedSpan } from "../../otel/span-command.ts";
import type { NormalizedEvent } from "../../src/schema/mod.ts";
import { postTelemetry, testSpanlight } from "../helpers/app.ts";
import { mapEvents } from "./helpers/map-scenario.ts";

// TelemetryEvent runs as traces when several agents share a sessionId (a workflow's), when reports
// come late or out of order, and when a call carries its own tokenUsage: each run's spans stay in
// that run's trace, whole, and timed by their events.

const T0 = Date.parse("2026-11-21T10:00:00Z");

function ev(agentId: string, id: string, type: string, atS: number, extra: Record<string, unknown> = {}) {
  return { id, type, agentId, timestamp: new Date(T0 + atS * 1000).toISOString(), data: {}, ...extra };
}

async function spansOf(...batches: unknown[][]): Promise<FinishedSpan[]> {
  const s = testSpanlight();
  for (const batch of batches) expect((await postTelemetry(s.app, batch)).status).toBe(202);
  const events: NormalizedEvent[] = [...s.store.query({ limit: 1000 }).events].reverse();
  return mapEvents(events, { capture: { prompts: false, toolInput: false, toolOutput: false } }).spans;
}

const named = (spans: FinishedSpan[], name: string) => spans.filter((s) => s.name === name);
const one = (spans: FinishedSpan[], name: string) => {
  const found = named(spans, name);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe("agents sharing a sessionId", () => {
  it("give each agent's run a trace of its own, with its own calls, neither ended by the other", async () => {
    const sessionId = "wf-run-7";
    const spans = await spansOf([
      ev("planner", "1", "agent_start", 0, { sessionId }),
      ev("coder", "1", "agent_start", 1, { sessionId }),
      ev("planner", "2", "tool_call", 2, { sessionId, toolName: "plan", durationMs: 500 }),
      ev("coder", "2", "tool_call", 3, { sessionId, toolName: "edit", durationMs: 700 }),
      ev("planner", "3", "agent_complete", 4, { sessionId }),
      ev("coder", "3", "bash_command", 5, { sessionId, command: "npm test", commandExitCode: 0 }),
      ev("coder", "4", "agent_complete", 6, { sessionId }),
    ]);
    const planner = one(spans, "invoke_agent planner");
    const coder = one(spans, "invoke_agent coder");
    expect([planner.startMs, planner.endMs, coder.startMs, coder.endMs]).toEqual([T0, T0 + 4000, T0 + 1000, T0 + 6000]);
    expect(planner.traceId).not.toBe(coder.traceId);
    const calls = (root: FinishedSpan) =>
      spans.filter((s) => s.parentSpanId === root.spanId && s.traceId === root.traceId).map((s) => s.name);
    expect(calls(planner)).toEqual(["execute_tool plan"]);
    expect(calls(coder)).toEqual(["execute_tool edit", "execute_tool Bash"]);
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(spans.length);
    expect(spans.filter((s) => s.attributes["spanlight.incomplete"])).toEqual([]);
    expect(new Set(spans.map((s) => s.attributes["session.id"]))).toEqual(new Set([sessionId]));
  });
});

describe("late and out-of-order reports in a named session", () => {
  it("keeps a report timed within the run before in that run, though the next one is open", async () => {
    const sessionId = "s-1";
    const spans = await spansOf(
      [ev("a", "1", "agent_start", 0, { sessionId }), ev("a", "2", "agent_complete", 4, { sessionId })],
      [ev("a", "3", "agent_start", 10, { sessionId })],
      // Run 1's call, delivered after run 2 began (a retried batch).
      [ev("a", "4", "tool_call", 3, { sessionId, toolName: "late", durationMs: 1000 })],
      [ev("a", "5", "agent_complete", 14, { sessionId })],
    );
    const [first, second] = named(spans, "invoke_agent a");
    const late = one(spans, "execute_tool late");
    expect([late.traceId, late.parentSpanId]).toEqual([first!.traceId, first!.spanId]);
    expect([second!.startMs, second!.endMs]).toEqual([T0 + 10_000, T0 + 14_000]);
  });

  it("makes no second trace of an end that follows an error (error, then finalized)", async () => {
    const sessionId = "s-2";
    const spans = await spansOf([
      ev("a", "1", "custom", 0, { sessionId, lifecycleStage: "start" }),
      ev("a", "2", "custom", 2, { sessionId, lifecycleStage: "error", errorMessage: "build failed" }),
      ev("a", "3", "custom", 3, { sessionId, lifecycleStage: "finalized" }),
    ]);
    const run = one(spans, "invoke_agent a");
    expect(run.status).toEqual({ code: "error", message: "build failed" });
    const finalized = one(spans, "lifecycle_finalized");
    expect([finalized.parentSpanId, finalized.startMs, finalized.endMs]).toEqual([run.spanId, T0 + 3000, T0 + 3000]);
  });
});

describe("tokenUsage on a tool call", () => {
  it("is a usage event on the run, as on any event; on the call itself once the run has ended", async () => {
    const usage = (n: number) => ({ inputTokens: n, outputTokens: 1, estimatedCostUsd: 0.01, model: "gpt-x" });
    const spans = await spansOf([
      ev("a", "1", "agent_start", 0),
      ev("a", "2", "tool_call", 1, { toolName: "search", tokenUsage: usage(300) }),
      ev("a", "3", "agent_complete", 2),
      ev("a", "4", "bash_command", 3, { command: "ls", tokenUsage: usage(40) }),
    ]);
    const run = one(spans, "invoke_agent a");
    expect(run.attributes["gen_ai.request.model"]).toBe("gpt-x");
    const onRun = run.events.filter((e) => e.name === "usage");
    expect(onRun.map((e) => [e.atMs, e.attributes["gen_ai.usage.input_tokens"]])).toEqual([[T0 + 1000, 300]]);
    const late = one(spans, "execute_tool Bash");
    expect(late.parentSpanId).toBe(run.spanId);
    expect(late.events.find((e) => e.name === "usage")?.attributes).toMatchObject({
      "gen_ai.usage.input_tokens": 40,
      "gen_ai.request.model": "gpt-x",
    });
  });
});

describe("many agents at once", () => {
  it("keeps 600 concurrent runs without a sessionId whole: none evicted, each its own trace", async () => {
    const agents = Array.from({ length: 600 }, (_, i) => `worker-${i}`);
    const s = testSpanlight();
    for (const [k, type] of ["agent_start", "tool_call", "agent_complete"].entries()) {
      const batch = agents.map((a) => ev(a, String(k + 1), type, k, { toolName: "run" }));
      expect((await postTelemetry(s.app, batch)).status).toBe(202);
    }
    const events: NormalizedEvent[] = [...s.store.query({ limit: 2000 }).events].reverse();
    expect(events).toHaveLength(1800);
    const spans = mapEvents(events, { capture: { prompts: false, toolInput: false, toolOutput: false } }).spans;
    const roots = spans.filter((x) => x.name.startsWith("invoke_agent"));
    expect(roots).toHaveLength(600);
    expect(roots.filter((r) => r.attributes["spanlight.incomplete"])).toEqual([]);
    expect(new Set(spans.map((x) => `${x.traceId}/${x.spanId}`)).size).toBe(spans.length);
  });
});

describe("runs that end and start within the same second (second-precision clocks)", () => {
  it("give the new run what is timed at its start, its own end included", async () => {
    const sessionId = "s";
    const spans = await spansOf([
      ev("bot", "1", "agent_start", 0, { sessionId }),
      ev("bot", "2", "agent_complete", 5, { sessionId }),
      ev("bot", "3", "agent_start", 5, { sessionId }),
      ev("bot", "4", "tool_call", 5, { sessionId, toolName: "quick" }),
      ev("bot", "5", "agent_complete", 5, { sessionId }),
    ]);
    const roots = named(spans, "invoke_agent bot").sort(
      (a, b) => (a.attributes["spanlight.turn.index"] as number) - (b.attributes["spanlight.turn.index"] as number),
    );
    expect(roots).toHaveLength(2);
    const call = one(spans, "execute_tool quick");
    expect(call.traceId).toBe(roots[1]!.traceId);
    expect(roots.map((r) => r.attributes["spanlight.incomplete"])).toEqual([undefined, undefined]);
  });

  it("still gives the run before a report timed before its end, though the next run now starts earlier", async () => {
    const sessionId = "s";
    const spans = await spansOf([
      ev("bot", "1", "agent_start", 0, { sessionId }),
      ev("bot", "2", "agent_complete", 10, { sessionId }),
      ev("bot", "3", "agent_start", 12, { sessionId }),
      // Reported at 20 after 15 s of work: run 2 now reaches back to 5.
      ev("bot", "4", "tool_call", 20, { sessionId, toolName: "long", durationMs: 15_000 }),
      // A retried report of run 1, timed before its end.
      ev("bot", "5", "tool_call", 8, { sessionId, toolName: "retried" }),
    ]);
    const roots = named(spans, "invoke_agent bot").sort(
      (a, b) => (a.attributes["spanlight.turn.index"] as number) - (b.attributes["spanlight.turn.index"] as number),
    );
    expect(one(spans, "execute_tool retried").traceId).toBe(roots[0]!.traceId);
    expect(one(spans, "execute_tool long").traceId).toBe(roots[1]!.traceId);
  });
});

describe("a usage report after a named session's run ended", () => {
  it("goes to that run, opening no run of its own that only a timeout would end", async () => {
    const sessionId = "s";
    const usage = { inputTokens: 10, outputTokens: 2, estimatedCostUsd: 0.01, model: "m" };
    const spans = await spansOf([
      ev("bot", "1", "agent_start", 0, { sessionId }),
      ev("bot", "2", "agent_complete", 5, { sessionId }),
      ev("bot", "3", "metric", 6, { sessionId, tokenUsage: usage }),
    ]);
    const [root, ...others] = named(spans, "invoke_agent bot");
    expect(others).toEqual([]);
    expect(root!.attributes["spanlight.incomplete"]).toBeUndefined();
    const report = spans.find((x) => x.name === "usage");
    expect(report?.traceId).toBe(root!.traceId);
  });
});

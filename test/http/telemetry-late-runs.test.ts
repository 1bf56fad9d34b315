import { describe, expect, it } from "vitest";
import type { SessionDetail } from "../../src/schema/mod.ts";
import { postTelemetry, testSpanlight } from "../helpers/app.ts";
import { mapEvents } from "../otel/helpers/map-scenario.ts";

// An agent without a sessionId whose batch failed and was retried after its next run had begun:
// each report must land in the run (session and trace) it is timed in, and the run still going
// must not be ended by the one before's agent_complete.

const T0 = Date.parse("2026-11-21T10:00:00Z");

function ev(id: string, type: string, atS: number, extra: Record<string, unknown> = {}) {
  return { id, type, agentId: "codex", timestamp: new Date(T0 + atS * 1000).toISOString(), data: {}, ...extra };
}

describe("a retried batch of a run, delivered after the next run began", () => {
  it("goes to its own run; the next one goes on", async () => {
    const s = testSpanlight();
    await postTelemetry(s.app, [ev("1", "agent_start", 0), ev("2", "tool_call", 1, { toolName: "read" })]);
    // Run 1's tail failed to send; run 2 began meanwhile.
    await postTelemetry(s.app, [ev("5", "agent_start", 10), ev("6", "tool_call", 11, { toolName: "plan" })]);
    const tail = [ev("3", "tool_call", 3, { toolName: "write", durationMs: 500 }), ev("4", "agent_complete", 4)];
    expect((await postTelemetry(s.app, tail)).body.accepted).toBe(2);

    const detail = async (id: string) => (await (await s.app.request(`/api/sessions/${id}`)).json()) as SessionDetail;
    const [first, second] = [await detail("1"), await detail("5")];
    expect([first.status, first.completedAt, first.toolCalls.map((c) => c.toolName)]).toEqual([
      "ended",
      tail[1]!.timestamp,
      ["read", "write"],
    ]);
    expect([second.status, second.startedAt, second.toolCalls.map((c) => c.toolName)]).toEqual([
      "active",
      new Date(T0 + 10_000).toISOString(),
      ["plan"],
    ]);

    const events = [...s.store.query({ limit: 100 }).events].reverse();
    const spans = mapEvents(events, { capture: { prompts: false, toolInput: false, toolOutput: false } }).spans;
    const [run1, run2] = spans.filter((x) => x.name === "invoke_agent codex").sort((a, b) => a.startMs - b.startMs);
    const write = spans.find((x) => x.name === "execute_tool write")!;
    expect(write.parentSpanId).toBe(run1!.spanId);
    expect([run1!.endMs, run1!.attributes["spanlight.incomplete"]]).toEqual([T0 + 4000, undefined]);
    expect(run2!.startMs).toBe(T0 + 10_000);
  });
});

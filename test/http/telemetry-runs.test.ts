import { describe, expect, it } from "vitest";
import type { SessionDetail } from "../../src/schema/mod.ts";
import { postTelemetry, testSpanlight } from "../helpers/app.ts";

// TelemetryEvents that name no session (the envelope's sessionId is optional), and the optional
// durationMs of a tool call: an agent without CLAUDE_SESSION_ID must still be seen working.

let n = 0;
function ev(agentId: string, type: string, extra: Record<string, unknown> = {}) {
  n++;
  return {
    id: `ev-${n}`,
    type,
    agentId,
    timestamp: new Date(Date.parse("2026-11-21T10:00:00Z") + n * 1000).toISOString(),
    data: {},
    ...extra,
  };
}

// Always a batch, as an agent flushing its buffer sends: errors come back per item.
const post = (s: ReturnType<typeof testSpanlight>, ...events: unknown[]) => postTelemetry(s.app, events);

async function detail(s: ReturnType<typeof testSpanlight>, id: string): Promise<SessionDetail> {
  const res = await s.app.request(`/api/sessions/${encodeURIComponent(id)}`);
  expect(res.status).toBe(200);
  return (await res.json()) as SessionDetail;
}

describe("TelemetryEvents without a sessionId", () => {
  it("make one session per run of each agent, named by the run's first event", async () => {
    const s = testSpanlight();
    const start = ev("codex-1", "agent_start");
    const other = ev("aider-2", "tool_call", { toolName: "read_file", filePaths: ["/repo/x.py"] });
    expect(
      (
        await post(
          s,
          start,
          other,
          ev("codex-1", "tool_call", { toolName: "write_file", filePaths: ["/repo/a.ts"] }),
          ev("codex-1", "bash_command", { command: "npm test", commandExitCode: 1 }),
          ev("codex-1", "metric", {
            tokenUsage: { inputTokens: 5, outputTokens: 1, estimatedCostUsd: 0.2, model: "m" },
          }),
          ev("codex-1", "agent_complete"),
        )
      ).status,
    ).toBe(202);

    const codex = await detail(s, start.id);
    expect(codex).toMatchObject({ agentId: "codex-1", status: "ended", errorCount: 1, totalCostUsd: 0.2 });
    expect(codex.toolCalls.map((c) => [c.toolName, c.status])).toEqual([
      ["write_file", "ok"],
      ["Bash", "error"],
    ]);
    expect((await detail(s, other.id)).agentId).toBe("aider-2");
    expect(s.store.files().map((f) => [f.path, f.sessions.map((x) => x.sessionId)])).toEqual(
      expect.arrayContaining([
        ["/repo/a.ts", [start.id]],
        ["/repo/x.py", [other.id]],
      ]),
    );
    // The events can be found by the session they were put in, and the agent shows it as current.
    const events = await (await s.app.request(`/api/events?sessionId=${start.id}&limit=100`)).json();
    expect((events as { events: unknown[] }).events).toHaveLength(5);
    const agents = (await (await s.app.request("/api/agents")).json()) as Array<Record<string, unknown>>;
    expect(agents.find((a) => a.agentId === "codex-1")?.currentSessionId).toBe(start.id);
  });

  it("begins a new run at each start; a late report joins the finished run without reopening it", async () => {
    const s = testSpanlight();
    const first = ev("codex-1", "agent_start");
    await post(s, first, ev("codex-1", "agent_complete"));
    await post(
      s,
      ev("codex-1", "metric", { tokenUsage: { inputTokens: 1, outputTokens: 1, estimatedCostUsd: 0.1, model: "m" } }),
    );
    expect(s.store.sessions()).toHaveLength(1);
    expect(await detail(s, first.id)).toMatchObject({ status: "ended", totalCostUsd: 0.1 });

    const second = ev("codex-1", "custom", { lifecycleStage: "start", stepIndex: 0, stepName: "plan" });
    await post(s, second, ev("codex-1", "tool_call", { toolName: "read_file" }));
    expect(await detail(s, second.id)).toMatchObject({ status: "active", currentStepName: "plan" });
    expect((await detail(s, first.id)).toolCalls).toEqual([]);
  });

  it("keeps the runs of one agent id in several containers apart", async () => {
    const s = testSpanlight();
    const [c1, c2] = ["c1", "c2"].map((containerId) => ev("codex", "agent_start", { containerId }));
    const call = (containerId: string) => ev("codex", "tool_call", { containerId, toolName: `in-${containerId}` });
    await post(s, c1, c2, call("c1"), call("c2"), ev("codex", "agent_complete", { containerId: "c1" }));
    expect((await detail(s, c1!.id)).toolCalls.map((c) => c.toolName)).toEqual(["in-c1"]);
    expect(await detail(s, c1!.id)).toMatchObject({ status: "ended", containerId: "c1" });
    expect((await detail(s, c2!.id)).toolCalls.map((c) => c.toolName)).toEqual(["in-c2"]);
    expect((await detail(s, c2!.id)).status).toBe("active");
  });

  it("leaves events that name their session in it", async () => {
    const s = testSpanlight();
    await post(
      s,
      ev("codex-1", "agent_start", { sessionId: "named" }),
      ev("codex-1", "tool_call", { sessionId: "named" }),
    );
    expect(s.store.sessions().map((x) => x.sessionId)).toEqual(["named"]);
  });

  it("starts a fresh run when the agent's run was evicted, rather than a stub of it", async () => {
    const s = testSpanlight({ store: { maxSessions: 1 } });
    const first = ev("codex-1", "tool_call", { toolName: "read_file" });
    await post(s, first);
    await post(
      s,
      ev("other", "tool_call", { sessionId: "busy" }),
      ev("other", "agent_complete", { sessionId: "busy" }),
    );
    expect(s.store.session(first.id)).toBeUndefined();
    const next = ev("codex-1", "tool_call", { toolName: "write_file" });
    await post(s, next);
    expect(s.store.sessions().map((x) => x.sessionId)).toEqual([next.id]);
  });
});

describe("TelemetryEvent durationMs", () => {
  it("times the tool call it reports (ending at its timestamp) and its tool's percentiles", async () => {
    const s = testSpanlight();
    const call = ev("codex-1", "tool_call", { sessionId: "timed", toolName: "run_tests", durationMs: 1500 });
    await post(s, call, ev("codex-1", "tool_call", { sessionId: "timed", toolName: "run_tests" }));
    const [timed, untimed] = (await detail(s, "timed")).toolCalls;
    expect(timed).toMatchObject({ durationMs: 1500, endedAt: call.timestamp });
    expect(Date.parse(timed!.startedAt)).toBe(Date.parse(call.timestamp) - 1500);
    expect(untimed).toMatchObject({ durationMs: 0 });
    const tools = (await (await s.app.request("/api/tools")).json()) as Array<Record<string, unknown>>;
    expect(tools[0]).toMatchObject({ toolName: "run_tests", count: 2, p95Ms: 1500 });
  });

  it.each([-1, 1e308, "12"])("rejects durationMs %s naming the field", async (durationMs) => {
    const s = testSpanlight();
    const res = await post(s, ev("codex-1", "tool_call", { sessionId: "x", durationMs }));
    expect(res.status).toBe(400);
    expect(res.body.results[0].error.issues[0].path).toBe("[0].durationMs");
    expect(s.store.buffer().events).toBe(0);
  });
});

describe("two agents that number their events alike (1, 2, 3), without a sessionId", () => {
  it("keep a session and a trace each, the second named after its agent", async () => {
    const s = testSpanlight();
    const numbered = (agentId: string, id: string, type: string, extra: Record<string, unknown> = {}) => ({
      ...ev(agentId, type, extra),
      id,
    });
    await post(
      s,
      numbered("codex", "1", "agent_start"),
      numbered("aider", "1", "agent_start"),
      numbered("codex", "2", "tool_call", { toolName: "read_file" }),
      numbered("aider", "2", "tool_call", { toolName: "write_file" }),
      numbered("codex", "3", "agent_complete"),
      numbered("aider", "3", "agent_complete"),
    );
    const codex = await detail(s, "1");
    const aider = await detail(s, "aider/1");
    expect([codex.agentId, codex.status, codex.toolCalls.map((c) => c.toolName)]).toEqual([
      "codex",
      "ended",
      ["read_file"],
    ]);
    expect([aider.agentId, aider.status, aider.toolCalls.map((c) => c.toolName)]).toEqual([
      "aider",
      "ended",
      ["write_file"],
    ]);
    // The same agent id in another container, numbering from 1 too: a run of its own as well.
    await post(s, numbered("aider", "1", "agent_start", { containerId: "worker-2" }));
    expect(s.store.sessions().map((x) => x.sessionId)).toContain(`aider/1#${s.store.buffer().newestSeq}`);
  });
});

import { describe, expect, it } from "vitest";
import type { Agent, EventsPage, SessionDetail, Stats, ToolStats } from "../../src/schema/mod.ts";
import { SessionIndex } from "../../src/store/session-index.ts";
import { postHook, testSpanlight } from "../helpers/app.ts";

async function json<T>(res: Response | Promise<Response>): Promise<T> {
  return (await (await res).json()) as T;
}

describe("store bounds", () => {
  it("keeps store-wide per-type and per-tool counters bounded when clients invent names", async () => {
    const s = testSpanlight();
    for (let i = 0; i < 1100; i++) {
      await postHook(s.app, { session_id: "s", hook_event_name: `Custom${i}` });
      await postHook(s.app, {
        session_id: "s",
        hook_event_name: "PreToolUse",
        tool_name: `T${i}`,
        tool_use_id: `u${i}`,
      });
      await postHook(s.app, {
        session_id: "s",
        hook_event_name: "PostToolUse",
        tool_name: `T${i}`,
        tool_use_id: `u${i}`,
      });
    }
    const stats = await json<Stats>(s.app.request("/api/stats"));
    expect(Object.keys(stats.byType).length).toBeLessThanOrEqual(501);
    expect(Object.values(stats.byType).reduce((a, b) => a + b, 0)).toBe(stats.totalEvents);
    const tools = await json<ToolStats[]>(s.app.request("/api/tools"));
    expect(tools.length).toBeLessThanOrEqual(1001);
    expect(tools.reduce((a, t) => a + t.count, 0)).toBe(1100);
    expect(tools.every((t) => t.running === 0)).toBe(true);
  });

  it("never drops a running call to make room, so its Post is not counted as a second call", async () => {
    const s = testSpanlight({ store: { maxToolCallsPerSession: 2 } });
    const call = (type: string, id: string) =>
      postHook(s.app, { session_id: "s", hook_event_name: type, tool_name: "Bash", tool_use_id: id, tool_input: {} });
    await call("PreToolUse", "long");
    for (const id of ["a", "b", "c"]) {
      await call("PreToolUse", id);
      await call("PostToolUse", id);
    }
    await call("PostToolUse", "long");
    const detail = await json<SessionDetail>(s.app.request("/api/sessions/s"));
    expect(detail.toolCallCount).toBe(4);
    expect(detail.toolCalls.find((c) => c.toolUseId === "long")?.startSeq).toBe(1);
    expect(detail.truncated.toolCalls).toBe(2);
    const [bash] = await json<ToolStats[]>(s.app.request("/api/tools"));
    expect(bash).toMatchObject({ toolName: "Bash", count: 4, running: 0 });
  });

  it("reports sessions evicted past maxSessions in /api/stats and /status", async () => {
    const s = testSpanlight({ store: { maxSessions: 2 } });
    for (const id of ["a", "b", "c", "d"]) await postHook(s.app, { session_id: id, hook_event_name: "SessionStart" });
    const stats = await json<Stats>(s.app.request("/api/stats"));
    expect(stats).toMatchObject({ sessions: 2, sessionsEvicted: 2 });
    const status = await json<{ sessions: { total: number; evicted: number } }>(s.app.request("/status"));
    expect(status.sessions).toMatchObject({ total: 2, evicted: 2 });
    expect((await s.app.request("/api/sessions/a")).status).toBe(404);
  });

  it("evicts the least recently active idle sessions once all together hold more than maxCalls", async () => {
    const s = testSpanlight({ store: { maxCalls: 100 } });
    const calls = async (session: string, n: number, finish = true) => {
      for (let i = 0; i < n; i++) {
        const call = { session_id: session, tool_name: "Read", tool_use_id: `${session}-${i}` };
        await postHook(s.app, { ...call, hook_event_name: "PreToolUse" });
        if (finish) await postHook(s.app, { ...call, hook_event_name: "PostToolUse" });
      }
    };
    // "working" is the least recently active, but its turn runs: it stays.
    await postHook(s.app, { session_id: "working", hook_event_name: "UserPromptSubmit", prompt: "go" });
    await calls("working", 30, false);
    for (const id of ["old", "mid", "new"]) {
      await postHook(s.app, { session_id: id, hook_event_name: "UserPromptSubmit", prompt: "go" });
      await calls(id, 30);
      await postHook(s.app, { session_id: id, hook_event_name: "Stop" });
    }
    s.store.sweep();
    expect(
      s.store
        .sessions()
        .map((x) => x.sessionId)
        .sort(),
    ).toEqual(["mid", "new", "working"]);
    expect((await json<Stats>(s.app.request("/api/stats"))).sessionsEvicted).toBe(1);
    s.store.sweep();
    expect(s.store.sessions()).toHaveLength(3);
  });

  it("counts LLM requests, native spans and subagents toward maxCalls as well as tool calls", () => {
    const limits = { maxSessions: 10, maxTurnsPerSession: 10, maxToolCallsPerSession: 100, maxFilesPerSession: 10 };
    const index = new SessionIndex(limits);
    for (const id of ["a", "b", "c"]) {
      const state = index.ensure(id, "2026-11-21T10:00:00.000Z", "otlp");
      for (let i = 0; i < 40; i++) state.llmRequests.set(`${id}-${i}`, {} as never);
    }
    index.trimCalls(100);
    expect(
      index
        .list()
        .map((x) => x.sessionId)
        .sort(),
    ).toEqual(["b", "c"]);
  });

  it("bounds the models one session breaks its usage into, keeping the totals whole", async () => {
    const s = testSpanlight();
    for (let i = 0; i < 60; i++) {
      const usage = { inputTokens: 10, outputTokens: 1, estimatedCostUsd: 0.01, model: `m${i}` };
      await s.app.request("/telemetry", {
        method: "POST",
        body: JSON.stringify({
          id: `u${i}`,
          type: "metric",
          agentId: "a",
          timestamp: "2026-11-21T10:00:00Z",
          data: {},
          sessionId: "s",
          tokenUsage: usage,
        }),
      });
    }
    const detail = await json<SessionDetail>(s.app.request("/api/sessions/s"));
    expect(detail.models ?? []).toHaveLength(51);
    expect(detail.models?.find((m) => m.model === "(other)")).toMatchObject({ requests: 10, inputTokens: 100 });
    expect(detail.tokens.inputTokens).toBe(600);
  });

  it("never points an agent card at a session that was evicted", async () => {
    const s = testSpanlight({ store: { maxSessions: 2 } });
    const agent = { "x-spanlight-agent": "box-1" };
    await postHook(s.app, { session_id: "mine", hook_event_name: "SessionStart" }, agent);
    for (const id of ["b", "c"]) await postHook(s.app, { session_id: id, hook_event_name: "SessionStart" });
    const [card] = await json<Agent[]>(s.app.request("/api/agents"));
    expect(card).toMatchObject({ agentId: "box-1", currentSessionId: null, sessionIds: [], status: "idle" });
  });

  it("bounds one session's subagents and pending Agent calls, and counts what it drops", async () => {
    const s = testSpanlight({ store: { maxToolCallsPerSession: 3, maxFilesPerSession: 2 } });
    for (let i = 0; i < 6; i++) {
      await postHook(s.app, { session_id: "s", hook_event_name: "SubagentStart", agent_id: `a${i}`, agent_type: "x" });
      await postHook(s.app, { session_id: "s", hook_event_name: "SubagentStop", agent_id: `a${i}`, agent_type: "x" });
    }
    for (let i = 0; i < 6; i++) {
      await postHook(s.app, {
        session_id: "s",
        hook_event_name: "PreToolUse",
        tool_name: "Agent",
        tool_use_id: `g${i}`,
        tool_input: {},
      });
    }
    for (let i = 0; i < 3; i++) {
      await postHook(s.app, {
        session_id: "s",
        hook_event_name: "PostToolUse",
        tool_name: "Read",
        tool_use_id: `r${i}`,
        tool_input: { file_path: `/f${i}` },
      });
    }
    const state = s.store.session("s")!;
    expect(state.subagents.size).toBe(3);
    expect(state.pendingAgentCalls.length).toBeLessThanOrEqual(3);
    const detail = await json<SessionDetail>(s.app.request("/api/sessions/s"));
    expect(detail.subagentCount).toBe(6);
    expect(detail.truncated).toMatchObject({ subagents: 3, files: 1 });
    expect(detail.fileCount).toBe(2);
  });
});

describe("GET /api/events since", () => {
  it("rejects a time that is not ISO 8601 instead of guessing a date", async () => {
    const s = testSpanlight();
    await postHook(s.app, { session_id: "s", hook_event_name: "Stop" });
    for (const since of ["May%205", "a%201", "2026-13-45"]) {
      const res = await s.app.request(`/api/events?since=${since}`);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "invalid_query", issues: [{ path: "since" }] } });
    }
    const ok = await json<EventsPage>(s.app.request("/api/events?since=2026-11-21T09:59:59Z"));
    expect(ok.events).toHaveLength(1);
  });
});

describe("session eviction", () => {
  it("stops counting an evicted session's running calls as running", async () => {
    const s = testSpanlight({ store: { maxSessions: 1 } });
    await postHook(s.app, { session_id: "a", hook_event_name: "PreToolUse", tool_name: "Bash", tool_use_id: "x" });
    await postHook(s.app, { session_id: "b", hook_event_name: "SessionStart" });
    expect(s.store.session("a")).toBeUndefined();
    const [bash] = await json<ToolStats[]>(s.app.request("/api/tools"));
    expect(bash).toMatchObject({ toolName: "Bash", count: 1, running: 0, failures: 0 });
  });
});

import { describe, expect, it } from "vitest";
import type { SessionDetail } from "../../src/schema/mod.ts";
import { toSessionDetail } from "../../src/store/mod.ts";
import { fixedClock, postHook, testSpanlight } from "../helpers/app.ts";

const SID = "sess-1";

function session() {
  const clock = fixedClock();
  const s = testSpanlight({ store: { turnIdleTimeoutMs: 60_000 } }, clock);
  const send = async (payload: Record<string, unknown>) => {
    const res = await postHook(s.app, { session_id: SID, cwd: "/work/app", ...payload });
    expect(res.status).toBe(204);
    clock.advance(1000);
  };
  const detail = (): SessionDetail => toSessionDetail(s.store.session(SID)!);
  return { s, clock, send, detail };
}

describe("session and turn state machine", () => {
  it("goes active on a prompt, waiting on a permission request, active again when the tool runs, idle on Stop", async () => {
    const { send, detail } = session();
    await send({ hook_event_name: "SessionStart", source: "startup" });
    expect(detail().status).toBe("idle");
    await send({ hook_event_name: "UserPromptSubmit", prompt: "fix the bug", prompt_id: "p1" });
    expect(detail().status).toBe("active");
    await send({
      hook_event_name: "PreToolUse",
      prompt_id: "p1",
      tool_name: "Bash",
      tool_use_id: "t1",
      tool_input: { command: "rm -rf build" },
    });
    await send({
      hook_event_name: "PermissionRequest",
      prompt_id: "p1",
      tool_name: "Bash",
      tool_input: { command: "rm -rf build" },
    });
    expect(detail()).toMatchObject({ status: "waiting", waitingFor: "permission: Bash" });
    // Claude Code's notification that follows says less than the request: the tool stays named.
    await send({ hook_event_name: "Notification", notification_type: "permission_prompt", message: "needs approval" });
    expect(detail()).toMatchObject({ status: "waiting", waitingFor: "permission: Bash" });
    expect(detail().turns[0]!.status).toBe("waiting");
    await send({
      hook_event_name: "PostToolUse",
      prompt_id: "p1",
      tool_name: "Bash",
      tool_use_id: "t1",
      duration_ms: 120,
    });
    expect(detail().status).toBe("active");
    expect(detail().notices[0]!.resolvedAt).not.toBeNull();
    await send({ hook_event_name: "Stop", prompt_id: "p1" });
    expect(detail()).toMatchObject({ status: "idle", currentTool: null });
    expect(detail().turns[0]).toMatchObject({ status: "completed", outcome: "stop", promptPreview: "fix the bug" });
  });

  it("waits on a notification that asks for input", async () => {
    const { send, detail } = session();
    await send({ hook_event_name: "UserPromptSubmit", prompt: "go", prompt_id: "p1" });
    await send({
      hook_event_name: "Notification",
      notification_type: "idle_prompt",
      message: "Claude is waiting for your input",
    });
    expect(detail()).toMatchObject({ status: "waiting", waitingFor: "input: idle_prompt" });
  });

  it("marks a turn interrupted when a new prompt arrives without its Stop (Esc fires no hook)", async () => {
    const { send, detail } = session();
    await send({ hook_event_name: "UserPromptSubmit", prompt: "first", prompt_id: "p1" });
    await send({
      hook_event_name: "PreToolUse",
      prompt_id: "p1",
      tool_name: "Read",
      tool_use_id: "t1",
      tool_input: { file_path: "/a" },
    });
    await send({ hook_event_name: "UserPromptSubmit", prompt: "second", prompt_id: "p2" });
    const d = detail();
    expect(d.turns.map((t) => t.status)).toEqual(["interrupted", "running"]);
    expect(d.turns[0]!.outcome).toBe("new prompt without Stop");
    expect(d.toolCalls[0]).toMatchObject({ status: "interrupted" });
    expect(d.status).toBe("active");
  });

  it("marks a silent turn interrupted after the idle timeout", async () => {
    const { s, clock, send, detail } = session();
    await send({ hook_event_name: "UserPromptSubmit", prompt: "long", prompt_id: "p1" });
    clock.advance(58_000); // 59 s after the prompt
    s.store.sweep();
    expect(detail().status).toBe("active");
    clock.advance(2_000);
    s.store.sweep();
    expect(detail()).toMatchObject({ status: "interrupted" });
    expect(detail().turns[0]).toMatchObject({ status: "interrupted", outcome: "idle timeout" });
  });

  it.each([
    ["SessionEnd", "session ended"],
    ["silence", "idle timeout"],
  ])("ends a subagent and its running calls on %s, not only the turn", async (how, outcome) => {
    const { s, clock, send, detail } = session();
    await send({ hook_event_name: "UserPromptSubmit", prompt: "go", prompt_id: "p1" });
    await send({
      hook_event_name: "PreToolUse",
      prompt_id: "p1",
      tool_name: "Agent",
      tool_use_id: "a1",
      tool_input: {},
    });
    await send({ hook_event_name: "SubagentStart", agent_id: "sub1", agent_type: "Explore" });
    await send({ hook_event_name: "PreToolUse", agent_id: "sub1", tool_name: "Bash", tool_use_id: "b1" });
    if (how === "SessionEnd") await send({ hook_event_name: "SessionEnd", reason: "other" });
    else {
      clock.advance(60_000);
      s.store.sweep();
    }
    const d = detail();
    expect(d.subagents[0]).toMatchObject({ status: "interrupted" });
    expect(d.toolCalls.find((c) => c.toolUseId === "b1")).toMatchObject({ status: "interrupted", error: outcome });
    expect(d.currentTool).toBeNull();
    const bash = (await (await s.app.request("/api/tools")).json()).find(
      (t: { toolName: string }) => t.toolName === "Bash",
    );
    expect(bash.running).toBe(0);
  });

  it("ends a subagent's running call on SessionEnd, also when its subagent already stopped", async () => {
    const { send, detail } = session();
    await send({ hook_event_name: "SubagentStart", agent_id: "sub1", agent_type: "Explore" });
    await send({ hook_event_name: "PreToolUse", agent_id: "sub1", tool_name: "Bash", tool_use_id: "b1" });
    await send({ hook_event_name: "SubagentStop", agent_id: "sub1" });
    await send({ hook_event_name: "PreToolUse", agent_id: "never-started", tool_name: "Read", tool_use_id: "r1" });
    await send({ hook_event_name: "SessionEnd", reason: "other" });
    expect(detail().toolCalls.map((c) => [c.toolUseId, c.status])).toEqual([
      ["b1", "interrupted"],
      ["r1", "interrupted"],
    ]);
  });

  it("takes back the idle timeout's verdict when the subagent's call ends after all", async () => {
    const { s, clock, send, detail } = session();
    await send({ hook_event_name: "UserPromptSubmit", prompt: "go", prompt_id: "p1" });
    await send({ hook_event_name: "SubagentStart", agent_id: "sub1", agent_type: "Explore" });
    await send({ hook_event_name: "Stop", prompt_id: "p1" });
    const bash = { agent_id: "sub1", tool_name: "Bash", tool_use_id: "b1" };
    await send({ hook_event_name: "PreToolUse", ...bash });
    clock.advance(60_000); // a long build, no event meanwhile
    s.store.sweep();
    expect(detail().status).toBe("interrupted");
    await send({ hook_event_name: "PostToolUse", ...bash, duration_ms: 61_000 });
    expect([detail().status, detail().subagents[0]!.status]).toEqual(["active", "running"]);
    expect(detail().toolCalls[0]).toMatchObject({ status: "ok", durationMs: 61_000 });
    const [stats] = (await (await s.app.request("/api/tools")).json()) as Array<Record<string, unknown>>;
    expect(stats).toMatchObject({ toolName: "Bash", count: 1, running: 0, failures: 0, p50Ms: 61_000 });
  });

  it("marks a session silent while only a background subagent runs interrupted after the idle timeout", async () => {
    const { s, clock, send, detail } = session();
    await send({ hook_event_name: "UserPromptSubmit", prompt: "go", prompt_id: "p1" });
    await send({ hook_event_name: "SubagentStart", agent_id: "sub1", agent_type: "Explore" });
    await send({ hook_event_name: "Stop", prompt_id: "p1" });
    expect(detail().status).toBe("active");
    clock.advance(60_000);
    s.store.sweep();
    expect([detail().status, detail().subagents[0]!.status]).toEqual(["interrupted", "interrupted"]);
  });

  it("counts files only for calls that ran: a failed Read read nothing", async () => {
    const { s, send } = session();
    await send({ hook_event_name: "UserPromptSubmit", prompt: "go", prompt_id: "p1" });
    for (const [id, path, hook] of [
      ["r1", "/work/app/missing.txt", "PostToolUseFailure"],
      ["r2", "/work/app/there.txt", "PostToolUse"],
    ]) {
      const call = { prompt_id: "p1", tool_name: "Read", tool_use_id: id, tool_input: { file_path: path } };
      await send({ hook_event_name: "PreToolUse", ...call });
      await send({ hook_event_name: hook, ...call, error: "File does not exist." });
    }
    const files = (await (await s.app.request("/api/files")).json()) as Array<{ path: string }>;
    expect(files.map((f) => f.path)).toEqual(["/work/app/there.txt"]);
  });

  it("does not count a denied call as the tool failing, nor its wait as the tool's duration", async () => {
    const { s, send } = session();
    await send({ hook_event_name: "UserPromptSubmit", prompt: "go", prompt_id: "p1" });
    await send({ hook_event_name: "PreToolUse", prompt_id: "p1", tool_name: "Write", tool_use_id: "w1" });
    await send({ hook_event_name: "PermissionDenied", prompt_id: "p1", tool_name: "Write", tool_use_id: "w1" });
    const [write] = (await (await s.app.request("/api/tools")).json()) as Array<Record<string, unknown>>;
    expect(write).toMatchObject({ toolName: "Write", count: 1, running: 0, failures: 0, p50Ms: null });
  });

  it("ends in error on StopFailure and recovers on the next prompt", async () => {
    const { send, detail } = session();
    await send({ hook_event_name: "UserPromptSubmit", prompt: "x", prompt_id: "p1" });
    await send({
      hook_event_name: "StopFailure",
      prompt_id: "p1",
      error: "rate_limit",
      last_assistant_message: "API Error",
    });
    expect(detail()).toMatchObject({ status: "error", errorCount: 1 });
    await send({ hook_event_name: "UserPromptSubmit", prompt: "y", prompt_id: "p2" });
    expect(detail().status).toBe("active");
  });

  it("ends on SessionEnd (interrupting an open turn) and reopens on resume", async () => {
    const { send, detail } = session();
    await send({ hook_event_name: "UserPromptSubmit", prompt: "x", prompt_id: "p1" });
    await send({ hook_event_name: "SessionEnd", reason: "other" });
    expect(detail()).toMatchObject({ status: "ended" });
    expect(detail().completedAt).not.toBeNull();
    expect(detail().turns[0]).toMatchObject({ status: "interrupted", outcome: "session ended" });
    await send({ hook_event_name: "SessionStart", source: "resume" });
    expect(detail()).toMatchObject({ status: "idle", completedAt: null });
  });

  it("rebuilds a tool call whose PreToolUse was never seen from its PostToolUse", async () => {
    const { send, detail } = session();
    await send({
      hook_event_name: "PostToolUse",
      tool_name: "Write",
      tool_use_id: "t9",
      duration_ms: 40,
      tool_input: { file_path: "/w.txt", content: "x" },
    });
    expect(detail().toolCalls[0]).toMatchObject({ toolName: "Write", status: "ok", durationMs: 40, startSeq: null });
    expect(detail().files[0]).toMatchObject({ path: "/w.txt", writes: 1 });
  });

  it("bounds per-session lists and says how much it dropped", async () => {
    const clock = fixedClock();
    const s = testSpanlight({ store: { maxTurnsPerSession: 3 } }, clock);
    for (let i = 0; i < 5; i++)
      await postHook(s.app, { session_id: SID, hook_event_name: "UserPromptSubmit", prompt: `p${i}` });
    const d = toSessionDetail(s.store.session(SID)!);
    expect(d.turns.map((t) => t.index)).toEqual([3, 4, 5]);
    expect(d.truncated.turns).toBe(2);
    expect(d.turnCount).toBe(5);
  });
});

describe("session index", () => {
  it("survives ring eviction and evicts the oldest idle session first when full", async () => {
    const clock = fixedClock();
    const s = testSpanlight({ store: { maxEvents: 10, maxSessions: 3 } }, clock);
    const post = async (body: Record<string, unknown>) => {
      clock.advance(1000);
      await postHook(s.app, body, { "x-spanlight-time": new Date(clock.now()).toISOString() });
    };
    await post({ session_id: "busy", hook_event_name: "UserPromptSubmit", prompt: "work" });
    for (const id of ["a", "b", "c"]) await post({ session_id: id, hook_event_name: "SessionStart" });
    for (let i = 0; i < 20; i++) await post({ session_id: "c", hook_event_name: "Notification", message: `n${i}` });
    const ids = s.store.sessions().map((x) => x.sessionId);
    expect(ids).toEqual(["busy", "c", "b"]);
    expect(s.store.buffer().events).toBe(10);
    expect(s.store.session("busy")!.eventCount).toBe(1);
  });

  it("evicts the least recently active session, also when one session posts many events in a row", async () => {
    const s = testSpanlight({ store: { maxSessions: 3 } });
    const post = (id: string, event = "SessionStart") => postHook(s.app, { session_id: id, hook_event_name: event });
    for (const id of ["a", "b", "c"]) await post(id);
    for (let i = 0; i < 3; i++) await post("b", "Notification"); // b becomes newest, then stays so
    await post("a", "Notification"); // least recently active now: c
    await post("d");
    expect(new Set(s.store.sessions().map((x) => x.sessionId))).toEqual(new Set(["b", "a", "d"]));
    await post("e"); // then b
    expect(new Set(s.store.sessions().map((x) => x.sessionId))).toEqual(new Set(["a", "d", "e"]));
  });
});

describe("late delivery", () => {
  it("moves the session start back when an earlier event arrives late", async () => {
    const s = testSpanlight();
    await postHook(
      s.app,
      { session_id: "late", hook_event_name: "UserPromptSubmit", prompt: "x" },
      { "x-spanlight-time": "2026-11-21T10:00:05.000Z" },
    );
    await postHook(
      s.app,
      { session_id: "late", hook_event_name: "SessionStart" },
      { "x-spanlight-time": "2026-11-21T10:00:01.000Z" },
    );
    expect(s.store.sessions()[0]).toMatchObject({
      startedAt: "2026-11-21T10:00:01.000Z",
      lastEventAt: "2026-11-21T10:00:05.000Z",
    });
  });

  it("gives an HTTP hook that names no agent (shared project settings) its session's agent", async () => {
    const s = testSpanlight();
    const start = { session_id: "s-http", hook_event_name: "SessionStart", source: "startup" };
    await postHook(s.app, start, { "x-spanlight-agent": "vm", "x-spanlight-host": "vm" });
    await postHook(s.app, { session_id: "s-http", hook_event_name: "UserPromptSubmit", prompt: "x" });
    const page = await (await s.app.request("/api/events?agentId=vm")).json();
    expect(page.events.map((e: { type: string; hostName: string }) => [e.type, e.hostName])).toEqual([
      ["UserPromptSubmit", "vm"],
      ["SessionStart", "vm"],
    ]);
  });

  it("stays ended when an event from before its end arrives late (a spooled SessionStart)", async () => {
    const s = testSpanlight();
    const at = (t: string) => ({ "x-spanlight-time": `2026-11-21T10:00:0${t}.000Z` });
    await postHook(s.app, { session_id: "late", hook_event_name: "UserPromptSubmit", prompt: "x" }, at("2"));
    await postHook(s.app, { session_id: "late", hook_event_name: "SessionEnd", reason: "exit" }, at("5"));
    await postHook(s.app, { session_id: "late", hook_event_name: "SessionStart", source: "startup" }, at("1"));
    expect(s.store.sessions()[0]).toMatchObject({ status: "ended", completedAt: "2026-11-21T10:00:05.000Z" });
    // A call spooled from before the end is ended with it, not left running.
    await postHook(
      s.app,
      { session_id: "late", hook_event_name: "PreToolUse", tool_name: "Bash", tool_use_id: "t-late" },
      at("4"),
    );
    expect(s.store.session("late")!.toolCalls.get("t-late")).toMatchObject({ status: "interrupted" });
    // A prompt spooled from before the end opens no work that would later read as interrupted.
    await postHook(s.app, { session_id: "late", hook_event_name: "UserPromptSubmit", prompt: "y" }, at("3"));
    s.clock.advance(3_600_000);
    s.store.sweep();
    expect(s.store.sessions()[0]).toMatchObject({ status: "ended" });
    // A resume (a start after the end) still reopens it.
    await postHook(s.app, { session_id: "late", hook_event_name: "SessionStart", source: "resume" }, at("8"));
    expect(s.store.sessions()[0]).toMatchObject({ status: "idle", completedAt: null });
  });

  it("puts each subagent under the Agent call that asked for its type, even when they start out of order", async () => {
    const { send, detail } = session();
    await send({ hook_event_name: "UserPromptSubmit", prompt: "look around", prompt_id: "p1" });
    const agent = (id: string, input: Record<string, unknown>) =>
      send({ hook_event_name: "PreToolUse", prompt_id: "p1", tool_name: "Agent", tool_use_id: id, tool_input: input });
    await agent("call-gp", { description: "general" }); // no subagent_type: general-purpose
    await agent("call-explore", { description: "explore", subagent_type: "Explore" });
    await send({ hook_event_name: "SubagentStart", agent_id: "sub-explore", agent_type: "Explore" });
    await send({ hook_event_name: "SubagentStart", agent_id: "sub-gp", agent_type: "general-purpose" });
    const parents = () => Object.fromEntries(detail().subagents.map((a) => [a.agentId, a.parentToolUseId]));
    expect(parents()).toEqual({ "sub-explore": "call-explore", "sub-gp": "call-gp" });
  });

  it("takes the subagent an Agent call's Post names (tool_response.agentId) over a match by order", async () => {
    const { send, detail } = session();
    await send({ hook_event_name: "UserPromptSubmit", prompt: "two of a kind", prompt_id: "p1" });
    for (const id of ["call-1", "call-2"]) {
      await send({
        hook_event_name: "PreToolUse",
        prompt_id: "p1",
        tool_name: "Agent",
        tool_use_id: id,
        tool_input: {},
      });
    }
    // Same type: matched in launch order, and here the second call's subagent started first.
    await send({ hook_event_name: "SubagentStart", agent_id: "sub-b", agent_type: "general-purpose" });
    await send({ hook_event_name: "SubagentStart", agent_id: "sub-a", agent_type: "general-purpose" });
    const post = (id: string, agentId: string) =>
      send({
        hook_event_name: "PostToolUse",
        prompt_id: "p1",
        tool_name: "Agent",
        tool_use_id: id,
        tool_response: { status: "async_launched", agentId },
      });
    await post("call-1", "sub-a");
    await post("call-2", "sub-b");
    const parents = Object.fromEntries(detail().subagents.map((a) => [a.agentId, a.parentToolUseId]));
    expect(parents).toEqual({ "sub-a": "call-1", "sub-b": "call-2" });
  });

  it("does not give a later subagent to an Agent call that failed before starting one", async () => {
    const { send, detail } = session();
    await send({ hook_event_name: "UserPromptSubmit", prompt: "try twice", prompt_id: "p1" });
    await send({
      hook_event_name: "PreToolUse",
      prompt_id: "p1",
      tool_name: "Agent",
      tool_use_id: "bad",
      tool_input: {},
    });
    await send({
      hook_event_name: "PostToolUseFailure",
      prompt_id: "p1",
      tool_name: "Agent",
      tool_use_id: "bad",
      error: "Agent type not found",
    });
    await send({
      hook_event_name: "PreToolUse",
      prompt_id: "p1",
      tool_name: "Agent",
      tool_use_id: "good",
      tool_input: {},
    });
    await send({ hook_event_name: "SubagentStart", agent_id: "sub", agent_type: "general-purpose" });
    expect(detail().subagents[0]!.parentToolUseId).toBe("good");
  });

  it("shows on an agent's card the session it still runs, when its latest event ended another", async () => {
    const { s } = session();
    const post = (payload: Record<string, unknown>) =>
      postHook(s.app, { cwd: "/w", ...payload }, { "x-spanlight-agent": "build-box" });
    await post({ session_id: "long", hook_event_name: "UserPromptSubmit", prompt: "refactor", prompt_id: "p1" });
    await post({ session_id: "short", hook_event_name: "UserPromptSubmit", prompt: "quick", prompt_id: "p2" });
    await post({ session_id: "short", hook_event_name: "Stop", prompt_id: "p2" });
    await post({ session_id: "short", hook_event_name: "SessionEnd", reason: "exit" });
    expect(s.store.agents()[0]).toMatchObject({ key: "build-box", currentSessionId: "long", status: "active" });
  });

  it("begins when its first call began, for a call timed back from its duration", async () => {
    const { s, send, detail } = session();
    const start = new Date(s.clock.now()).toISOString();
    // Spanlight started while the tool ran: only its Post arrives, 4.5 s after the call began.
    await send({ hook_event_name: "PostToolUse", tool_name: "Bash", tool_use_id: "t1", duration_ms: 4500 });
    const call = detail().toolCalls[0]!;
    expect(call.startedAt).toBe(new Date(Date.parse(start) - 4500).toISOString());
    expect(detail().startedAt).toBe(call.startedAt);
  });
});

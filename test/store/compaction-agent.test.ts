import { describe, expect, it } from "vitest";
import type { SessionDetail, SessionSummary } from "../../src/schema/mod.ts";
import { postHook, replayScenario, testSpanlight } from "../helpers/app.ts";
import { type HookCapture, loadHooks } from "../helpers/fixtures.ts";

// When Claude Code compacts the context it forks an agent of its own: the hooks show a
// SubagentStop with an empty `agent_type` between PreCompact and PostCompact, and no SubagentStart.

type App = ReturnType<typeof testSpanlight>["app"];

async function detail(app: App, id: string): Promise<SessionDetail> {
  const res = await app.request(`/api/sessions/${id}`);
  expect(res.status).toBe(200);
  return res.json();
}

async function summary(app: App, id: string): Promise<SessionSummary> {
  const list = (await (await app.request("/api/sessions")).json()) as SessionSummary[];
  return list.find((s) => s.sessionId === id)!;
}

const captured = (hooks: HookCapture[], name: string) => hooks.find((h) => h.payload.hook_event_name === name)!;

describe("the agent Claude Code forks to compact the context", () => {
  it("is a subagent of the session, named compact, from its PreCompact to its SubagentStop (/compact)", async () => {
    const hooks = loadHooks("session-lifecycle");
    const stop = captured(hooks, "SubagentStop");
    // What the capture shows: no SubagentStart, a stop with an empty type.
    expect(hooks.some((h) => h.payload.hook_event_name === "SubagentStart")).toBe(false);
    expect(stop.payload.agent_type).toBe("");
    const sid = stop.payload.session_id as string;

    const s = testSpanlight();
    await replayScenario(s.app, "session-lifecycle");
    const d = await detail(s.app, sid);
    expect(d.subagents).toEqual([
      {
        agentId: stop.payload.agent_id,
        agentType: "compact",
        parentToolUseId: null,
        // `/compact` was typed between turns: it made no turn of its own.
        turnIndex: null,
        startedAt: captured(hooks, "PreCompact").receivedAt,
        endedAt: stop.receivedAt,
        status: "completed",
        background: false,
        toolCallCount: 0,
      },
    ]);
    expect(d.subagentCount).toBe(1);
    expect((await summary(s.app, sid)).subagentCount).toBe(1);
    // It changed nothing else: the session ended as the capture did.
    expect(d.status).toBe("ended");
    expect(d.turns.map((t) => t.status)).toEqual(["completed", "completed"]);
  });

  describe("compacting automatically within a turn", () => {
    const SID = "s-auto-compact";
    const at = (s: number) => new Date(Date.parse("2026-11-21T05:00:00.000Z") + s * 1000).toISOString();
    const fromCapture = (name: string, fields: Record<string, unknown>) => {
      const { transcript_path: _t, cwd: _c, ...payload } = captured(loadHooks("session-lifecycle"), name).payload;
      return { ...payload, session_id: SID, prompt_id: "p1", ...fields };
    };
    const prompt = { session_id: SID, hook_event_name: "UserPromptSubmit", prompt_id: "p1", prompt: "go on" };

    async function send(app: App, events: Array<[number, Record<string, unknown>]>) {
      for (const [s, payload] of events) {
        expect((await postHook(app, payload, { "x-spanlight-time": at(s) })).status).toBe(204);
      }
    }

    it("puts the agent in the turn it compacted; the turn goes on", async () => {
      const s = testSpanlight();
      await send(s.app, [
        [0, prompt],
        [10, fromCapture("PreCompact", { trigger: "auto" })],
        [40, fromCapture("SubagentStop", { agent_id: "a-compact" })],
        [41, fromCapture("PostCompact", { trigger: "auto" })],
      ]);
      const d = await detail(s.app, SID);
      expect(d.subagents).toEqual([
        expect.objectContaining({
          agentId: "a-compact",
          agentType: "compact",
          turnIndex: 1,
          startedAt: at(10),
          endedAt: at(40),
          status: "completed",
        }),
      ]);
      expect([d.status, d.turns[0]!.status]).toEqual(["active", "running"]);
    });

    it("names only the agent that stops during a compaction compact", async () => {
      const s = testSpanlight();
      await send(s.app, [
        [0, prompt],
        [10, fromCapture("PreCompact", { trigger: "auto" })],
        [40, fromCapture("SubagentStop", { agent_id: "a-compact" })],
        [41, fromCapture("PostCompact", { trigger: "auto" })],
        // A forked agent after the compaction is over, and a subagent whose start was not seen.
        [50, fromCapture("SubagentStop", { agent_id: "a-forked" })],
        [
          60,
          {
            session_id: SID,
            hook_event_name: "PreToolUse",
            prompt_id: "p1",
            agent_id: "a-explore",
            agent_type: "Explore",
            tool_name: "Read",
            tool_use_id: "toolu_r",
            tool_input: { file_path: "/tmp/x" },
          },
        ],
        [
          65,
          {
            session_id: SID,
            hook_event_name: "PostToolUse",
            prompt_id: "p1",
            agent_id: "a-explore",
            agent_type: "Explore",
            tool_name: "Read",
            tool_use_id: "toolu_r",
            tool_input: { file_path: "/tmp/x" },
            tool_response: "",
          },
        ],
        [70, fromCapture("SubagentStop", { agent_id: "a-explore", agent_type: "Explore" })],
      ]);
      const d = await detail(s.app, SID);
      expect(d.subagents.map((a) => [a.agentId, a.agentType, a.startedAt, a.endedAt, a.toolCallCount])).toEqual([
        ["a-compact", "compact", at(10), at(40), 0],
        ["a-forked", "subagent", at(50), at(50), 0],
        ["a-explore", "Explore", at(60), at(70), 1],
      ]);
      expect(d.subagentCount).toBe(3);
    });
  });
});

describe("a subagent whose SubagentStart the server did not see (it ran before a restart)", () => {
  it("is listed under the Agent call whose Post named it, as the traces put it", async () => {
    const hooks = loadHooks("subagent-background");
    const start = hooks.findIndex((h) => h.payload.hook_event_name === "SubagentStart");
    const s = testSpanlight();
    for (const h of hooks.slice(start + 1)) await postHook(s.app, h.payload);
    const sessionId = String(hooks[0]!.payload.session_id);
    const agentPost = hooks.find(
      (h) => h.payload.hook_event_name === "PostToolUse" && h.payload.tool_name === "Agent",
    )!;
    const d = await detail(s.app, sessionId);
    const stop = captured(hooks, "SubagentStop");
    expect(d.subagents.map((x) => [x.agentId, x.parentToolUseId])).toEqual([
      [stop.payload.agent_id, agentPost.payload.tool_use_id],
    ]);
  });
  it("is listed, running, from its first hook, and completed by its SubagentStop", async () => {
    const hooks = loadHooks("subagent");
    const start = hooks.findIndex((h) => h.payload.hook_event_name === "SubagentStart");
    const stopAt = hooks.findIndex((h) => h.payload.hook_event_name === "SubagentStop");
    const agentId = String(hooks[start]!.payload.agent_id);
    const s = testSpanlight();
    const sessionId = String(hooks[0]!.payload.session_id);
    for (const h of hooks.slice(start + 1, stopAt)) await postHook(s.app, h.payload);
    const running = (await detail(s.app, sessionId)).subagents;
    const own = hooks
      .slice(start + 1, stopAt)
      .filter((h) => h.payload.agent_id === agentId && h.payload.hook_event_name === "PreToolUse");
    expect(own.length).toBeGreaterThan(0);
    expect(running.map((x) => [x.agentId, x.agentType, x.status, x.toolCallCount])).toEqual([
      [agentId, "general-purpose", "running", own.length],
    ]);
    for (const h of hooks.slice(stopAt)) await postHook(s.app, h.payload);
    const done = (await detail(s.app, sessionId)).subagents;
    expect(done.map((x) => [x.agentId, x.status, x.toolCallCount])).toEqual([[agentId, "completed", own.length]]);
  });
});

describe("a subagent's hook that overtakes its SubagentStart", () => {
  it("lists it at once, and its SubagentStart still names the Agent call that launched it", async () => {
    const hooks = loadHooks("subagent");
    const start = hooks.findIndex((h) => h.payload.hook_event_name === "SubagentStart");
    const agentId = hooks[start]!.payload.agent_id;
    const firstOwn = hooks.findIndex((h, i) => i > start && h.payload.agent_id === agentId);
    const order = [...hooks];
    const [startHook] = order.splice(start, 1);
    order.splice(firstOwn, 0, startHook!);
    const s = testSpanlight();
    // Up to the late SubagentStart: the Agent call's Post, which names the subagent too, is yet to come.
    for (const h of order.slice(0, firstOwn + 1)) await postHook(s.app, h.payload);
    const agentPre = hooks.find((h) => h.payload.hook_event_name === "PreToolUse" && h.payload.tool_name === "Agent")!;
    const d = await detail(s.app, String(hooks[0]!.payload.session_id));
    expect(d.subagents.map((x) => [x.agentId, x.status, x.parentToolUseId])).toEqual([
      [agentId, "running", agentPre.payload.tool_use_id],
    ]);
  });
});

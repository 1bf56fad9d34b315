import { describe, expect, it } from "vitest";
import type { Agent, SessionDetail } from "../../src/schema/mod.ts";
import { postHook, postTelemetry, testSpanlight } from "../helpers/app.ts";
import { loadHooks } from "../helpers/fixtures.ts";

// Several agents of a workflow posting under one sessionId, each numbering its events 1, 2, 3 (ids
// are unique per agent only), and one agent id run in several containers: what the API says about
// each must be about that one, and a failed call must not count as a file touched.

const T0 = Date.parse("2026-11-21T10:00:00Z");
const SID = "wf-run-7";

function ev(agentId: string, id: string, type: string, atS: number, extra: Record<string, unknown> = {}) {
  return { id, type, agentId, sessionId: SID, timestamp: new Date(T0 + atS * 1000).toISOString(), data: {}, ...extra };
}

type App = ReturnType<typeof testSpanlight>;
const get = async <T>(s: App, path: string) => (await (await s.app.request(path)).json()) as T;
const detail = (s: App) => get<SessionDetail>(s, `/api/sessions/${SID}`);
const card = async (s: App, key: string) => (await get<Agent[]>(s, "/api/agents")).find((a) => a.key === key);

describe("a session several agents post to", () => {
  it("keeps every agent's tool calls, though their event ids are alike", async () => {
    const s = testSpanlight();
    await postTelemetry(s.app, [
      ev("planner", "1", "tool_call", 1, { toolName: "plan" }),
      ev("coder", "1", "tool_call", 2, { toolName: "edit" }),
      ev("coder", "2", "bash_command", 3, { command: "npm test", commandExitCode: 0 }),
      ev("planner", "2", "tool_call", 4, { toolName: "review" }),
    ]);
    const d = await detail(s);
    expect(d.toolCalls.map((c) => c.toolName)).toEqual(["plan", "edit", "Bash", "review"]);
    expect(new Set(d.toolCalls.map((c) => c.toolUseId)).size).toBe(4);
    expect(d.toolCallCount).toBe(d.toolCalls.length);
  });

  it("stays active while another agent's run goes on, and ends with the last run", async () => {
    const s = testSpanlight();
    await postTelemetry(s.app, [
      ev("planner", "1", "agent_start", 0),
      ev("coder", "1", "agent_start", 1),
      ev("planner", "2", "agent_complete", 2),
    ]);
    expect(await detail(s)).toMatchObject({ status: "active", completedAt: null });
    await postTelemetry(s.app, ev("coder", "2", "tool_call", 3, { toolName: "edit" }));
    expect((await get<{ activeSessions: number }>(s, "/api/stats")).activeSessions).toBe(1);
    const end = ev("coder", "3", "agent_complete", 4);
    await postTelemetry(s.app, end);
    expect(await detail(s)).toMatchObject({ status: "ended", completedAt: end.timestamp });
    // A late report still does not reopen it, nor keep it open past the next end.
    await postTelemetry(s.app, ev("planner", "3", "metric", 5), ev("coder", "4", "tool_call", 3.5));
    expect((await detail(s)).status).toBe("ended");
  });

  it("shows each agent's card as its own run goes: done, while the session goes on", async () => {
    const s = testSpanlight();
    await postTelemetry(s.app, [
      ev("planner", "1", "agent_start", 0),
      ev("coder", "1", "agent_start", 1),
      ev("planner", "2", "agent_error", 2, { errorMessage: "no plan" }),
      ev("coder", "2", "tool_call", 3, { toolName: "edit" }),
    ]);
    expect([(await card(s, "planner"))?.status, (await card(s, "coder"))?.status]).toEqual(["error", "active"]);
    await postTelemetry(s.app, ev("planner", "3", "agent_start", 4), ev("coder", "3", "agent_complete", 5));
    expect([(await card(s, "planner"))?.status, (await card(s, "coder"))?.status]).toEqual(["active", "ended"]);
  });

  it("is not in error for one agent's failure while another works, and each card keeps its own end", async () => {
    const s = testSpanlight();
    await postTelemetry(s.app, [
      ev("planner", "1", "agent_start", 0),
      ev("coder", "1", "agent_start", 1),
      ev("planner", "2", "agent_error", 2, { errorMessage: "no plan" }),
    ]);
    // Right after the failure, before the coder's next call: the coder still works.
    expect((await detail(s)).status).toBe("active");
    expect([(await card(s, "planner"))?.status, (await card(s, "coder"))?.status]).toEqual(["error", "active"]);
    // The other way round: the planner done, then the coder fails last.
    const t = testSpanlight();
    await postTelemetry(t.app, [
      ev("planner", "1", "agent_start", 0),
      ev("coder", "1", "agent_start", 1),
      ev("planner", "2", "agent_complete", 2),
      ev("coder", "2", "agent_error", 3, { errorMessage: "tests fail" }),
    ]);
    expect([(await card(t, "planner"))?.status, (await card(t, "coder"))?.status]).toEqual(["ended", "error"]);
  });

  it("shows on each agent's card the step that agent is at", async () => {
    const s = testSpanlight();
    const step = (agentId: string, id: string, atS: number, stepIndex: number, stepName: string) =>
      ev(agentId, id, "custom", atS, { lifecycleStage: "stepStart", stepIndex, stepName });
    await postTelemetry(s.app, [step("planner", "1", 0, 0, "plan"), step("coder", "1", 1, 2, "write code")]);
    const steps = async (key: string) => {
      const a = await card(s, key);
      return [a?.currentStepIndex, a?.currentStepName];
    };
    expect([await steps("planner"), await steps("coder")]).toEqual([
      [0, "plan"],
      [2, "write code"],
    ]);
  });
});

describe("one agent id in several containers", () => {
  it("has a card per container, each with its own session and count", async () => {
    const s = testSpanlight();
    // No sessionId: each container's run is a session of its own (telemetry-runs.test.ts).
    const worker = (containerId: string, id: string, type: string, atS: number) => {
      const { sessionId: _, ...e } = ev("worker", id, type, atS);
      return { ...e, containerId };
    };
    await postTelemetry(s.app, [
      worker("c1", "1", "agent_start", 0),
      worker("c2", "1", "agent_start", 1),
      worker("c1", "2", "agent_complete", 2),
    ]);
    const cards = await get<Agent[]>(s, "/api/agents");
    expect(cards.map((a) => [a.agentId, a.containerId, a.status, a.eventCount, a.sessionIds]).sort()).toEqual([
      ["worker", "c1", "ended", 2, ["1"]],
      ["worker", "c2", "active", 1, ["worker/1"]],
    ]);
  });
});

describe("files of TelemetryEvent calls", () => {
  it("counts none for a call that failed, as for a hook's failed call", async () => {
    const s = testSpanlight();
    await postTelemetry(s.app, [
      ev("coder", "1", "tool_call", 1, { toolName: "write_file", filePaths: ["/r/a.ts"], errorMessage: "EACCES" }),
      ev("coder", "2", "bash_command", 2, { command: "cat /r/b.ts", commandExitCode: 1 }),
      ev("coder", "3", "tool_call", 3, { toolName: "write_file", filePaths: ["/r/c.ts"], toolExitCode: 0 }),
    ]);
    expect((await get<Array<{ path: string }>>(s, "/api/files")).map((f) => f.path)).toEqual(["/r/c.ts"]);
    expect((await detail(s)).fileCount).toBe(1);
  });
});

describe("a wrapper agent posting under the session id of the Claude Code session it runs", () => {
  it("ends nothing of Claude Code's: its turn and call run on, and end by Claude Code's own hooks", async () => {
    const s = testSpanlight();
    const hooks = loadHooks("bash-echo");
    const sessionId = String(hooks[0]!.payload.session_id);
    const post = hooks.findIndex((h) => h.payload.hook_event_name === "PostToolUse");
    for (const h of hooks.slice(0, post)) await postHook(s.app, h.payload);
    const wrapper = (id: string, type: string, extra: Record<string, unknown> = {}) => ({
      id,
      type,
      agentId: "orchestrator",
      sessionId,
      timestamp: new Date().toISOString(),
      data: {},
      ...extra,
    });
    await postTelemetry(s.app, [
      wrapper("w1", "agent_error", { errorMessage: "step timed out" }),
      wrapper("w2", "agent_complete"),
    ]);
    const during = await get<SessionDetail>(s, `/api/sessions/${sessionId}`);
    expect(during.status).toBe("active");
    // The wrapper's card does not claim the Bash call Claude Code runs.
    expect((await card(s, "orchestrator"))?.currentTool).toBeNull();
    expect(during.turns.at(-1)?.status).toBe("running");
    expect(during.toolCalls.find((c) => c.toolName === "Bash")?.status).toBe("running");
    for (const h of hooks.slice(post)) await postHook(s.app, h.payload);
    const after = await get<SessionDetail>(s, `/api/sessions/${sessionId}`);
    expect(after.turns.at(-1)?.status).toBe("completed");
    expect(after.toolCalls.find((c) => c.toolName === "Bash")?.status).toBe("ok");
  });
});

describe("a wrapper's run after Claude Code's session ended", () => {
  it("leaves the session ended: a start does not reopen what its complete could not end", async () => {
    const s = testSpanlight();
    const hooks = loadHooks("bash-echo");
    const sessionId = String(hooks[0]!.payload.session_id);
    for (const h of hooks) await postHook(s.app, h.payload);
    // After the session's end as the server timed it (its clock: 10:00, hooks carry no time of their own).
    const at = (k: number) => new Date(Date.parse("2026-11-21T10:30:00Z") + k * 1000).toISOString();
    const wrapper = (id: string, type: string, k: number) => ({
      id,
      type,
      agentId: "orchestrator",
      sessionId,
      timestamp: at(k),
      data: {},
    });
    await postTelemetry(s.app, [wrapper("w1", "agent_start", 1), wrapper("w2", "agent_complete", 2)]);
    expect((await get<SessionDetail>(s, `/api/sessions/${sessionId}`)).status).toBe("ended");
  });
});

describe("one Claude Code in a container whose HTTP hooks name it by host name", () => {
  it("is one agent card, whatever container name each kind of hook sends", async () => {
    const s = testSpanlight();
    const hooks = loadHooks("bash-echo");
    const headers = (container: string) => ({
      "x-spanlight-agent": "worker-pod-7",
      "x-spanlight-container": container,
    });
    // SessionStart is a command hook (the container's id); the rest come as HTTP hooks ($HOSTNAME).
    for (const [i, h] of hooks.entries())
      await postHook(s.app, h.payload, headers(i === 0 ? "3f2a9c0d1e7b" : "worker-pod-7"));
    const cards = (await get<Agent[]>(s, "/api/agents")).filter((a) => a.key.startsWith("worker-pod-7"));
    expect(cards.map((c) => [c.key, c.eventCount])).toEqual([["worker-pod-7", hooks.length]]);
  });
});

describe("a run that starts in the same second as the one before ended (second-precision clocks)", () => {
  it("makes the session active again for the new run", async () => {
    const s = testSpanlight();
    await postTelemetry(s.app, [
      ev("bot", "1", "agent_start", 0),
      ev("bot", "2", "agent_complete", 5),
      ev("bot", "3", "agent_start", 5),
      ev("bot", "4", "tool_call", 6, { toolName: "edit" }),
    ]);
    expect([(await detail(s)).status, (await card(s, "bot"))?.status]).toEqual(["active", "active"]);
  });
});

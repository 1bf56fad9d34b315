import { describe, expect, it } from "vitest";
import type { SessionDetail } from "../../src/schema/mod.ts";
import { replayScenario, testSpanlight } from "../helpers/app.ts";
import { loadHooks } from "../helpers/fixtures.ts";

async function replayed(scenario: string): Promise<SessionDetail> {
  const s = testSpanlight();
  await replayScenario(s.app, scenario);
  const id = loadHooks(scenario)[0]!.payload.session_id as string;
  const res = await s.app.request(`/api/sessions/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as SessionDetail;
}

describe("replaying captured Claude Code sessions", () => {
  it("subagent: nests the subagent's tool calls under it and links it to its Agent call", async () => {
    const d = await replayed("subagent");
    expect(d.status).toBe("ended");
    expect(d.turns).toHaveLength(1);
    expect(d.turns[0]).toMatchObject({ status: "completed", outcome: "stop", toolCallCount: 3 });
    const agentCall = d.toolCalls.find((c) => c.toolName === "Agent")!;
    expect(d.subagents).toEqual([
      expect.objectContaining({
        agentType: "general-purpose",
        parentToolUseId: agentCall.toolUseId,
        status: "completed",
        background: false,
        toolCallCount: 2,
      }),
    ]);
    const sub = d.subagents[0]!;
    expect(d.toolCalls.filter((c) => c.subagentId === sub.agentId).map((c) => c.toolName)).toEqual(["Bash", "Read"]);
    expect(d.toolCalls.every((c) => c.status === "ok" && c.durationMs !== null)).toBe(true);
    // The Agent call spans its synchronous subagent.
    expect(agentCall.startedAt <= sub.startedAt && agentCall.endedAt! >= sub.endedAt!).toBe(true);
    expect(d.files).toEqual([expect.objectContaining({ path: "/tmp/cc-harness/subagent/project/data.txt", reads: 1 })]);
  });

  it("parallel-tools: records five overlapping calls with their reported durations", async () => {
    const d = await replayed("parallel-tools");
    expect(d.toolCalls.map((c) => c.toolName)).toEqual(["Read", "Read", "Bash", "Bash", "Bash"]);
    const hooks = loadHooks("parallel-tools").filter((h) => h.payload.hook_event_name === "PostToolUse");
    for (const post of hooks) {
      const call = d.toolCalls.find((c) => c.toolUseId === post.payload.tool_use_id)!;
      expect(call.durationMs).toBe(post.payload.duration_ms);
    }
    const [r1, r2, b1] = d.toolCalls;
    expect(r1!.startedAt < b1!.endedAt! && r2!.startedAt < r1!.endedAt!).toBe(true);
    expect(d.files.map((f) => f.path)).toEqual(
      expect.arrayContaining([
        "/tmp/cc-harness/parallel-tools/project/a.txt",
        "/tmp/cc-harness/parallel-tools/project/b.txt",
      ]),
    );
  });

  it("failing-tool: marks failures, keeps their errors and counts them", async () => {
    const d = await replayed("failing-tool");
    const failed = d.toolCalls.filter((c) => c.status === "error");
    expect(failed).toHaveLength(5);
    expect(failed[0]!.error).toMatch(/^Exit code 3/);
    expect(failed.some((c) => /timed out/.test(c.error ?? ""))).toBe(true);
    expect(d.errorCount).toBe(5);
    expect(d.turns[0]!.errorCount).toBe(5);
    expect(d.turns[0]!.toolCallCount).toBe(6);
  });

  it("failing-tool: calls Claude Code refused before running them (only in PostToolBatch) are failed calls too", async () => {
    const d = await replayed("failing-tool");
    const refused = d.toolCalls.filter((c) => c.startSeq === null);
    expect(refused.map((c) => [c.toolName, c.status, c.durationMs])).toEqual([
      ["Edit", "error", 0],
      ["Read", "error", 0],
    ]);
    expect(refused[0]!.error).toMatch(/String to replace not found/);
    expect(refused[0]!.summary).toMatch(/present\.txt$/);
    expect(refused[1]!.error).toMatch(/InputValidationError/);
    // A refused Edit changed nothing: no file counts an edit.
    expect(d.files.some((f) => f.edits > 0)).toBe(false);
  });

  it("subagent-background: the subagent outlives the Stop of the turn that launched it", async () => {
    const d = await replayed("subagent-background");
    expect(d.turns.map((t) => t.status)).toEqual(["completed", "completed"]);
    expect(d.subagents[0]).toMatchObject({ background: true, status: "completed", turnIndex: 1 });
    const sub = d.subagents[0]!;
    expect(sub.endedAt! > d.turns[0]!.endedAt!).toBe(true);
    expect(d.toolCalls.filter((c) => c.subagentId === sub.agentId).map((c) => c.toolName)).toEqual(["Bash"]);
  });

  it("permissions: waits are recorded and denied calls are closed", async () => {
    const d = await replayed("permissions");
    expect(d.notices.filter((n) => n.type === "PermissionRequest")).toHaveLength(2);
    expect(d.notices.every((n) => n.resolvedAt !== null)).toBe(true);
    expect(d.toolCalls.filter((c) => c.status === "denied").length).toBe(3);
    expect(d.toolCalls.some((c) => c.status === "running")).toBe(false);
  });

  it("multi-turn: three processes with one session id make one session of three turns", async () => {
    const d = await replayed("multi-turn");
    expect(d.turns.map((t) => [t.index, t.status])).toEqual([
      [1, "completed"],
      [2, "completed"],
      [3, "completed"],
    ]);
    expect(d.status).toBe("ended");
  });

  it("api-error: StopFailure ends the turn in error", async () => {
    const d = await replayed("api-error");
    expect(d.turns[0]).toMatchObject({ status: "error" });
    expect(d.turns[0]!.outcome).toMatch(/^stop_failure: server_error/);
    expect(d.errorCount).toBe(1);
  });

  it("session-lifecycle: model switches update the session model", async () => {
    const d = await replayed("session-lifecycle");
    expect(d.model).toBe("claude-sonnet-5-5");
  });
});

import { describe, expect, it } from "vitest";
import type { NormalizedEvent } from "../../src/schema/mod.ts";
import { createHarness, named, one } from "./helpers/mapper-harness.ts";
import { replayEvents } from "./helpers/replay.ts";

const SUBAGENT = "invoke_agent general-purpose";

/** One server run sees `before` and shuts down; the next one starts with `after`. */
function restartAt(before: NormalizedEvent[], after: NormalizedEvent[], shutdown = true) {
  const first = createHarness();
  for (const e of before) first.map(e);
  first.endAll("shutdown");
  const second = createHarness();
  for (const e of after) second.map(e);
  if (shutdown) second.endAll("shutdown");
  return { first, second };
}

function splitAfter(events: NormalizedEvent[], type: string) {
  const at = events.findIndex((e) => e.type === type) + 1;
  return [events.slice(0, at), events.slice(at)] as const;
}

describe("span mapper across a server restart", () => {
  it("gives spans a restarted server rebuilds mid-turn ids of their own (no span id twice in a trace)", () => {
    const events = replayEvents("bash-echo");
    const post = events.findIndex((e) => e.type === "PostToolUse");
    // The first server sees the prompt and the Pre, then shuts down (its open spans end as incomplete).
    // The next one starts with the Post: an implicit turn, and the call rebuilt from its Post.
    const { first: before, second: after } = restartAt(events.slice(0, post), events.slice(post));
    const [oldTurn, newTurn] = [before, after].map((h) => one(h.spans, "invoke_agent claude-code"));
    const [oldBash, newBash] = [before, after].map((h) => one(h.spans, "execute_tool Bash"));
    expect(newTurn!.traceId).toBe(oldTurn!.traceId);
    expect(newTurn!.spanId).not.toBe(oldTurn!.spanId);
    expect(newBash!.spanId).not.toBe(oldBash!.spanId);
    expect(newBash!.parentSpanId).toBe(newTurn!.spanId);
    // A span that starts with its own hook keeps its deterministic id (a re-sent hook adds nothing).
    const again = createHarness();
    for (const e of events.slice(0, post)) again.map(e);
    again.endAll("shutdown");
    expect(one(again.spans, "execute_tool Bash").spanId).toBe(oldBash!.spanId);
  });

  it("rebuilds a subagent whose SubagentStart the run before saw, and nests its calls under it", () => {
    const events = replayEvents("subagent");
    const { first, second } = restartAt(...splitAfter(events, "SubagentStart"));
    const stop = events.find((e) => e.type === "SubagentStop")!;
    const turn = one(second.spans, "invoke_agent claude-code");
    const subagent = one(second.spans, SUBAGENT);
    const old = one(first.spans, SUBAGENT);
    expect(subagent.traceId).toBe(old.traceId);
    expect(subagent.spanId).not.toBe(old.spanId);
    expect(subagent.parentSpanId).toBe(turn.spanId);
    expect(subagent.attributes).toMatchObject({
      "spanlight.subagent.implicit": true,
      "gen_ai.agent.id": stop.subagentId,
      "gen_ai.agent.name": "general-purpose",
    });
    for (const name of ["execute_tool Bash", "execute_tool Read"]) {
      const call = one(second.spans, name);
      expect(call.parentSpanId, name).toBe(subagent.spanId);
      expect(call.startMs, name).toBeGreaterThanOrEqual(subagent.startMs);
    }
    // Its SubagentStop ends it; the Agent call, rebuilt from its Post, cannot be its parent any more.
    expect(subagent.endMs).toBe(Date.parse(stop.receivedAt));
    expect(subagent.attributes["spanlight.incomplete"]).toBeUndefined();
    expect(one(second.spans, "execute_tool Agent").parentSpanId).toBe(turn.spanId);
  });

  it("does not give a rebuilt subagent the Agent call of another whose SubagentStart is yet to come", () => {
    const events = replayEvents("subagent");
    const [before, after] = splitAfter(events, "SubagentStart");
    const agentPre = events.find((e) => e.type === "PreToolUse" && e.toolName === "Agent")!;
    // After the restart the main thread launches another subagent; its SubagentStart comes after
    // the first subagent's next hook.
    const next = { ...agentPre, id: "next-pre", toolUseId: "toolu_next", seq: 90_001 };
    const firstOwn = after.findIndex((e) => e.subagentId !== null);
    const { second } = restartAt(before, [...after.slice(0, firstOwn), next, ...after.slice(firstOwn)]);
    const turn = one(second.spans, "invoke_agent claude-code");
    const rebuilt = one(second.spans, SUBAGENT);
    expect(rebuilt.parentSpanId).toBe(turn.spanId);
    expect(rebuilt.attributes["spanlight.subagent.parent_tool_call_id"]).toBeUndefined();
  });

  it("in one run, lets a late SubagentStart take its Agent call, so the next subagent cannot", () => {
    const events = replayEvents("subagent");
    const start = events.findIndex((e) => e.type === "SubagentStart");
    const firstOwn = events.findIndex((e, i) => i > start && e.subagentId !== null);
    const late = [...events];
    const [startEvent] = late.splice(start, 1);
    late.splice(firstOwn, 0, startEvent!);
    // Another subagent of the same type starts next, with no Agent call of its own.
    const other = { ...startEvent!, id: "other-start", seq: 90_002, subagentId: "agent-other" };
    late.splice(firstOwn + 1, 0, other);
    const h = createHarness();
    for (const e of late) h.map(e);
    h.endAll("shutdown");
    const agentCall = one(h.spans, "execute_tool Agent");
    const subs = named(h.spans, SUBAGENT);
    const mine = subs.find((x) => x.attributes["gen_ai.agent.id"] !== "agent-other");
    const theirs = subs.find((x) => x.attributes["gen_ai.agent.id"] === "agent-other");
    expect(mine!.attributes["spanlight.subagent.parent_tool_call_id"]).toBe(
      agentCall.attributes["gen_ai.tool.call.id"],
    );
    expect(theirs!.attributes["gen_ai.agent.id"]).toBe("agent-other");
    expect(theirs!.parentSpanId).not.toBe(agentCall.spanId);
  });

  it("nests a rebuilt background subagent under the Agent call whose Post named it", () => {
    const events = replayEvents("subagent-background");
    const { second } = restartAt(...splitAfter(events, "SubagentStart"));
    const agentCall = one(second.spans, "execute_tool Agent");
    const subagent = one(second.spans, SUBAGENT);
    const [turn] = named(second.spans, "invoke_agent claude-code").sort((a, b) => a.startMs - b.startMs);
    expect(subagent.parentSpanId).toBe(agentCall.spanId);
    expect(subagent.attributes["spanlight.subagent.parent_tool_call_id"]).toBe(
      agentCall.attributes["gen_ai.tool.call.id"],
    );
    expect(one(second.spans, "execute_tool Bash").parentSpanId).toBe(subagent.spanId);
    // The turn's Stop leaves it running, as it does a subagent that started in this run.
    expect(subagent.endMs).toBeGreaterThan(turn!.endMs);
    expect(subagent.attributes["spanlight.incomplete"]).toBeUndefined();
  });

  it("starts a subagent rebuilt from a Post whose Pre was missed where that call started", () => {
    const events = replayEvents("subagent");
    const post = events.findIndex((e) => e.type === "PostToolUse" && e.subagentId);
    const { second } = restartAt(events.slice(0, post), events.slice(post));
    const bash = one(second.spans, "execute_tool Bash");
    const subagent = one(second.spans, SUBAGENT);
    expect(bash.parentSpanId).toBe(subagent.spanId);
    expect(subagent.startMs).toBe(bash.startMs);
    expect(bash.startMs).toBe(Date.parse(events[post]!.receivedAt) - events[post]!.durationMs!);
  });

  it("names a rebuilt subagent after the agent_type its hook carries, if any", () => {
    const events = replayEvents("subagent", {}, ({ agent_type: _, ...p }) => p);
    const { second } = restartAt(...splitAfter(events, "SubagentStart"));
    expect(one(second.spans, "invoke_agent subagent").attributes["spanlight.subagent.implicit"]).toBe(true);
  });

  it("ends a rebuilt subagent at the turn timeout or at shutdown, like one that started in this run", () => {
    const events = replayEvents("subagent");
    const pre = events.find((e) => e.type === "PreToolUse" && e.subagentId)!;
    const timed = createHarness({ toolTimeoutMs: 1_000, turnTimeoutMs: 5_000 });
    timed.map(pre, 0);
    timed.sweep(2_000);
    expect(named(timed.spans, SUBAGENT)).toEqual([]);
    timed.sweep(6_000);
    expect(one(timed.spans, SUBAGENT).attributes["spanlight.incomplete.reason"]).toBe("timeout");
    const { second } = restartAt([], [pre]);
    expect(one(second.spans, SUBAGENT).attributes["spanlight.incomplete.reason"]).toBe("shutdown");
  });

  it("keeps the SubagentStop of a subagent never seen an event (a /compact's forked agent fires only that)", () => {
    const events = replayEvents("subagent");
    const { second } = restartAt([], [events.find((e) => e.type === "SubagentStop")!]);
    expect(second.spans.map((s) => s.name)).toEqual(["subagent_stop"]);
  });
});

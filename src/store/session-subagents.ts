import type { NormalizedEvent, Subagent, ToolCall } from "../schema/mod.ts";
import { dropOldestFinished, finishCall, payloadField, type SessionEffects, turnFor } from "./session-ops.ts";
import type { SessionLimits, SessionState } from "./session-state.ts";

/**
 * Claude Code does not say which Agent call started a subagent. The call whose Post already named
 * it (`tool_response.agentId`), else the oldest call asking for the same `subagent_type`, else the
 * oldest (launch order) — the rule the span mapper follows at SubagentStart, so API and traces
 * agree (for a subagent first seen by another hook, the trace can only name the call it takes).
 */
function takePendingAgentCall(state: SessionState, e: NormalizedEvent) {
  const named = takeNamedAgentCall(state, e);
  if (named) return named;
  const pending = state.pendingAgentCalls;
  const wanted = e.subagentType || "general-purpose";
  let i = pending.findIndex((p) => p.agentId === undefined && (p.agentType ?? "general-purpose") === wanted);
  if (i < 0) i = pending.findIndex((p) => p.agentId === undefined);
  return i < 0 ? undefined : pending.splice(i, 1)[0];
}

/** The Agent call whose Post named this subagent: no guess, whatever else is pending. */
function takeNamedAgentCall(state: SessionState, e: NormalizedEvent) {
  const i = state.pendingAgentCalls.findIndex((p) => p.agentId === e.subagentId);
  return i < 0 ? undefined : state.pendingAgentCalls.splice(i, 1)[0];
}

export function onSubagentStart(state: SessionState, e: NormalizedEvent, at: string, limits: SessionLimits) {
  if (!e.subagentId) return;
  const seen = state.subagents.get(e.subagentId);
  if (seen) {
    // Listed from a hook that overtook its SubagentStart (subagentSeen): the start still says
    // which Agent call launched it.
    if (seen.parentToolUseId === null && seen.status === "running") {
      const pending = takePendingAgentCall(state, e);
      seen.parentToolUseId = pending?.toolUseId ?? null;
      seen.background = pending?.background ?? seen.background;
      if (at < seen.startedAt) seen.startedAt = at;
    }
    return;
  }
  const pending = takePendingAgentCall(state, e);
  addSubagent(state, limits, {
    agentId: e.subagentId,
    agentType: e.subagentType || "subagent",
    parentToolUseId: pending?.toolUseId ?? null,
    turnIndex: turnFor(state, e.promptId)?.index ?? null,
    startedAt: at,
    endedAt: null,
    status: "running",
    background: pending?.background ?? false,
    toolCallCount: 0,
  });
}

/**
 * Claude Code's own forked agents fire a SubagentStop and no SubagentStart: the one that compacts
 * the context (`/compact`, or automatically when the context is full) stops with an empty
 * `agent_type` between PreCompact and PostCompact. Named `compact` (its requests' `query_source`,
 * what its PreCompact / PostCompact hooks are named after), it ran from its PreCompact. Another
 * subagent whose SubagentStop is the first sign of it (a live one is listed from its first hook,
 * subagentSeen) ran from its first tool call held, else just then; its parent is the Agent call
 * whose Post named it, if any (as in the traces: no guess).
 */
export function onUnknownSubagentStop(state: SessionState, e: NormalizedEvent, at: string, limits: SessionLimits) {
  if (!e.subagentId) return;
  const c = state.compaction;
  const compacting = !e.subagentType && c !== null && (!c.promptId || !e.promptId || c.promptId === e.promptId);
  let startedAt = compacting ? c.at : at;
  let toolCallCount = 0;
  for (const call of state.toolCalls.values()) {
    if (call.subagentId !== e.subagentId) continue;
    toolCallCount++;
    if (call.startedAt < startedAt) startedAt = call.startedAt;
  }
  if (compacting) state.compaction = null;
  const named = compacting ? undefined : takeNamedAgentCall(state, e);
  addSubagent(state, limits, {
    agentId: e.subagentId,
    agentType: e.subagentType || (compacting ? "compact" : "subagent"),
    parentToolUseId: named?.toolUseId ?? null,
    turnIndex: turnFor(state, e.promptId)?.index ?? null,
    startedAt,
    endedAt: at,
    status: "completed",
    background: named?.background ?? false,
    toolCallCount,
  });
}

function addSubagent(state: SessionState, limits: SessionLimits, sub: Subagent) {
  state.subagents.set(sub.agentId, sub);
  if (state.subagents.size > limits.maxToolCallsPerSession) {
    dropOldestFinished(state.subagents);
    state.truncated.subagents++;
  }
}

/**
 * Ends running subagents and every running call of a subagent (the session ended, or went silent),
 * also one whose subagent stopped without it or never reported its start.
 */
export function interruptSubagents(state: SessionState, at: string, why: string, effects: SessionEffects): void {
  for (const sub of state.subagents.values()) {
    if (sub.status !== "running") continue;
    sub.status = "interrupted";
    sub.endedAt = at;
  }
  for (const call of state.toolCalls.values()) {
    if (call.status === "running" && call.subagentId) {
      finishCall(call, at, null, "interrupted", why);
      effects.finishedCalls.push(call);
    }
  }
}

/**
 * A hook of a subagent whose SubagentStart the session never saw (the server restarted while it
 * ran, or the start was lost): listed from this first sign of it, running, under the Agent call
 * whose Post named it if one did (as the traces rebuild it), so its calls have a row to sit in.
 */
export function subagentSeen(state: SessionState, e: NormalizedEvent, at: string, limits: SessionLimits): void {
  if (!e.subagentId || e.source !== "claude-code-hook" || state.subagents.has(e.subagentId)) return;
  if (e.type === "SubagentStart" || e.type === "SubagentStop") return;
  const named = takeNamedAgentCall(state, e);
  addSubagent(state, limits, {
    agentId: e.subagentId,
    agentType: e.subagentType || "subagent",
    parentToolUseId: named?.toolUseId ?? null,
    turnIndex: turnFor(state, e.promptId)?.index ?? null,
    startedAt: e.durationMs === null ? at : new Date(Date.parse(at) - e.durationMs).toISOString(),
    endedAt: null,
    status: "running",
    background: named?.background ?? false,
    toolCallCount: 0,
  });
}

/** A subagent the idle timeout took for gone is alive after all: an event of its own came later. */
export function reviveSubagent(state: SessionState, agentId: string, at: string): void {
  const sub = state.subagents.get(agentId);
  if (sub?.status !== "interrupted" || sub.endedAt === null || at <= sub.endedAt) return;
  sub.status = "running";
  sub.endedAt = null;
}

/**
 * An Agent call's Post names the subagent it ran (`tool_response.agentId`): that settles a match
 * made by type or order, and an Agent call that failed before starting one stops waiting for it.
 */
export function settleAgentCall(state: SessionState, call: ToolCall, e: NormalizedEvent) {
  const response = payloadField(e, "tool_response");
  const agentId = response && typeof response === "object" ? (response as Record<string, unknown>).agentId : undefined;
  const i = state.pendingAgentCalls.findIndex((p) => p.toolUseId === call.toolUseId);
  if (typeof agentId !== "string") {
    if (call.status !== "ok" && i >= 0) state.pendingAgentCalls.splice(i, 1);
    return;
  }
  const sub = state.subagents.get(agentId);
  if (!sub) {
    if (i >= 0) state.pendingAgentCalls[i]!.agentId = agentId;
    return;
  }
  if (sub.parentToolUseId === call.toolUseId) return;
  // Matched to the wrong call: swap with the subagent that took this one, if any.
  for (const other of state.subagents.values()) {
    if (other.parentToolUseId === call.toolUseId) other.parentToolUseId = sub.parentToolUseId;
  }
  if (i >= 0) state.pendingAgentCalls.splice(i, 1);
  sub.parentToolUseId = call.toolUseId;
}

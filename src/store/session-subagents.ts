import type { NormalizedEvent } from "../schema/mod.ts";
import { dropOldestFinished, finishCall, type SessionEffects, turnFor } from "./session-ops.ts";
import type { SessionLimits, SessionState } from "./session-state.ts";

/**
 * Claude Code does not say which Agent call started a subagent. The call whose Post already named
 * it (`tool_response.agentId`), else the oldest call asking for the same `subagent_type`, else the
 * oldest (launch order) — the rule the span mapper follows, so API and traces agree.
 */
function takePendingAgentCall(state: SessionState, e: NormalizedEvent) {
  const pending = state.pendingAgentCalls;
  const wanted = e.subagentType || "general-purpose";
  let i = pending.findIndex((p) => p.agentId === e.subagentId);
  if (i < 0) i = pending.findIndex((p) => p.agentId === undefined && (p.agentType ?? "general-purpose") === wanted);
  if (i < 0) i = pending.findIndex((p) => p.agentId === undefined);
  return i < 0 ? undefined : pending.splice(i, 1)[0];
}

export function onSubagentStart(state: SessionState, e: NormalizedEvent, at: string, limits: SessionLimits) {
  if (!e.subagentId || state.subagents.has(e.subagentId)) return;
  const pending = takePendingAgentCall(state, e);
  state.subagents.set(e.subagentId, {
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

/** A subagent the idle timeout took for gone is alive after all: an event of its own came later. */
export function reviveSubagent(state: SessionState, agentId: string, at: string): void {
  const sub = state.subagents.get(agentId);
  if (sub?.status !== "interrupted" || sub.endedAt === null || at <= sub.endedAt) return;
  sub.status = "running";
  sub.endedAt = null;
}

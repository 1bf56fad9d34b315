import type { NormalizedEvent } from "../schema/mod.ts";
import { dropOldestFinished, turnFor } from "./session-ops.ts";
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

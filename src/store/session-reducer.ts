import { oneLine } from "../ingest/summarize.ts";
import type { NormalizedEvent } from "../schema/mod.ts";
import { closeBatch } from "./session-batch.ts";
import type { SessionEffects } from "./session-ops.ts";
import {
  addNotice,
  currentTurn,
  endCall,
  finishCall,
  hasRunningSubagents,
  interruptTurn,
  isAgentTool,
  payloadField,
  resolveWaits,
  settleStatus,
  startCall,
  startTurn,
  turnFor,
  WAITING_NOTIFICATIONS,
} from "./session-ops.ts";
import { applyOtlpEvent, withdrawUnhookedApiErrors } from "./session-otlp.ts";
import { projectName, type SessionLimits, type SessionState } from "./session-state.ts";
import {
  interruptSubagents,
  onSubagentStart,
  onUnknownSubagentStop,
  reviveSubagent,
  settleAgentCall,
  subagentSeen,
} from "./session-subagents.ts";
import { applyTelemetryEvent, expireSilentRun, startsTelemetryRun } from "./session-telemetry.ts";
import { applyEventUsage } from "./session-usage.ts";

export type { SessionEffects } from "./session-ops.ts";

/** Applies one event to its session. Mutates `state`; returns what changed for store-wide stats. */
export function applySessionEvent(state: SessionState, e: NormalizedEvent, limits: SessionLimits): SessionEffects {
  const at = e.sourceTime ?? e.receivedAt;
  // OTLP events repeat failures hooks report: applyOtlpEvent says which ones are new.
  const effects: SessionEffects = { countsError: e.status === "error" && e.source !== "otlp", finishedCalls: [] };
  state.eventCount++;
  // ISO strings compare in time order. A late-delivered event (command hooks deliver in the
  // background, so SessionStart can arrive after the first prompt) still moves the start back.
  if (at > state.lastEventAt) state.lastEventAt = at;
  if (at < state.startedAt) state.startedAt = at;
  state.lastEventMs = Date.parse(state.lastEventAt);
  if (effects.countsError) state.errorCount++;
  state.agentId ??= e.agentId;
  state.hostName ??= e.hostName;
  state.containerId ??= e.containerId;
  state.workflowId ??= e.workflowId;
  state.nodeId ??= e.nodeId;
  if (e.cwd) {
    state.cwd = e.cwd;
    state.project ??= projectName(e.cwd);
  }
  if (e.model) state.model = e.model;
  const mode = payloadField(e, "permission_mode");
  if (typeof mode === "string" && !e.subagentId) state.permissionMode = mode;
  if (e.usage) {
    const withdrawn = applyEventUsage(state, e);
    if (withdrawn.length > 0) effects.withdrawnUsage = withdrawn;
  }
  if (e.source === "otlp") {
    effects.countsError = applyOtlpEvent(state, e, limits);
    return effects;
  }
  if (e.source === "claude-code-hook" && !state.hooked) {
    state.hooked = true;
    withdrawUnhookedApiErrors(state, effects);
  }
  // Another agent's usage report or step after its `agent_complete` does not reopen the run; a start does.
  // In a session Claude Code's hooks report, a wrapper's TelemetryEvents change no status (nor could
  // its agent_complete end the session again): only Claude Code's own hooks bring it back.
  const reopens = e.source === "telemetry" ? !state.hooked && startsTelemetryRun(e) : e.type !== "SessionEnd";
  // Only what happened after the end: a spooled hook delivered late (a SessionStart held while the
  // server was down) carries its own, earlier time and must not bring the ended session back.
  // A TelemetryEvent start timed at the end itself is after it: second-precision clocks end one run
  // and start the next within the same second.
  const afterEnd =
    state.completedAt === null ||
    at > state.completedAt ||
    (reopens && e.source === "telemetry" && at === state.completedAt);
  if (state.status === "ended" && reopens && afterEnd) {
    state.status = "idle"; // resumed (claude --resume / --continue reuses the session id)
    state.completedAt = null;
  }
  const history = state.status === "ended" && !afterEnd;
  if (e.subagentId && !history) {
    reviveSubagent(state, e.subagentId, at);
    subagentSeen(state, e, at, limits);
  }

  switch (e.type) {
    case "UserPromptSubmit":
      startTurn(state, e, at, effects, limits);
      break;
    case "PreToolUse":
      resolveWaits(state, at);
      startCall(state, e, at, limits, effects);
      break;
    case "PostToolUse":
    case "PostToolUseFailure": {
      resolveWaits(state, at);
      const call = endCall(state, e, at, limits, effects);
      if (isAgentTool(call.toolName)) settleAgentCall(state, call, e);
      break;
    }
    case "PostToolBatch":
      closeBatch(state, e, at, limits, effects);
      resolveWaits(state, at);
      break;
    case "PermissionRequest": {
      addNotice(state, e.type, at, e.summary, e.toolName);
      const turn = currentTurn(state);
      if (turn) turn.status = "waiting";
      state.status = "waiting";
      state.waitingFor = `permission: ${e.toolName ?? "tool"}`;
      break;
    }
    case "PermissionDenied": {
      addNotice(state, e.type, at, e.summary, e.toolName);
      const call = e.toolUseId ? state.toolCalls.get(e.toolUseId) : undefined;
      if (call?.status === "running") {
        finishCall(call, at, null, "denied", oneLine(String(payloadField(e, "reason") ?? "denied"), 500));
        effects.finishedCalls.push(call);
      }
      break;
    }
    case "Notification":
    case "Elicitation": {
      const kind = payloadField(e, "notification_type");
      addNotice(state, e.type, at, e.summary, null);
      if (e.type === "Elicitation" || (typeof kind === "string" && WAITING_NOTIFICATIONS.has(kind))) {
        const turn = currentTurn(state);
        if (turn) turn.status = "waiting";
        state.status = "waiting";
        // Claude Code follows a PermissionRequest with a permission_prompt notification: the
        // request already said which tool waits, which the notification does not.
        const samePermission = kind === "permission_prompt" && state.waitingFor?.startsWith("permission:");
        if (!samePermission) state.waitingFor = e.type === "Elicitation" ? "input: MCP elicitation" : `input: ${kind}`;
      }
      break;
    }
    case "ElicitationResult":
      resolveWaits(state, at);
      break;
    case "Stop":
    case "StopFailure": {
      if (e.subagentId) break;
      const turn = turnFor(state, e.promptId);
      resolveWaits(state, at);
      if (turn && (turn.status === "running" || turn.status === "waiting")) {
        turn.status = e.type === "Stop" ? "completed" : "error";
        turn.endedAt = at;
        turn.outcome = e.type === "Stop" ? "stop" : `stop_failure: ${e.error ?? ""}`.trim();
        if (e.type === "StopFailure") turn.errorCount++;
      }
      state.status = e.type === "StopFailure" ? "error" : hasRunningSubagents(state) ? "active" : "idle";
      break;
    }
    case "SubagentStart":
      onSubagentStart(state, e, at, limits);
      break;
    case "SubagentStop": {
      const sub = e.subagentId ? state.subagents.get(e.subagentId) : undefined;
      if (sub) {
        sub.status = "completed";
        sub.endedAt = at;
      } else onUnknownSubagentStop(state, e, at, limits);
      break;
    }
    case "PreCompact":
      state.compaction = { at, promptId: e.promptId };
      break;
    case "PostCompact":
      state.compaction = null;
      break;
    case "SessionEnd":
    case "agent_complete": {
      // A wrapper's run ending in a session Claude Code's hooks report ends nothing of Claude Code's.
      if (e.type === "agent_complete" && state.hooked) break;
      const turn = currentTurn(state);
      if (turn) interruptTurn(state, turn, at, "session ended", effects);
      interruptSubagents(state, at, "session ended", effects);
      state.compaction = null;
      state.status = "ended";
      state.completedAt = at;
      state.waitingFor = null;
      break;
    }
  }
  if (e.source === "telemetry") {
    const call = applyTelemetryEvent(state, e, at, limits, effects);
    if (call) effects.finishedCalls.push(call);
  }
  if (history) {
    // Recorded, but the session stays ended and nothing the late event opened runs on: a turn, a
    // subagent, a call (in a turn that had already ended, or in none).
    const end = state.completedAt!;
    const open = currentTurn(state);
    if (open) interruptTurn(state, open, end, "session ended", effects);
    interruptSubagents(state, end, "session ended", effects);
    for (const call of state.toolCalls.values()) {
      if (call.status !== "running") continue;
      finishCall(call, end, null, "interrupted", "session ended");
      effects.finishedCalls.push(call);
    }
    state.status = "ended";
    state.waitingFor = null;
  }
  if (e.type !== "Stop" && e.type !== "StopFailure") settleStatus(state);
  return effects;
}

/** Marks a running turn interrupted when its session has been silent for `timeoutMs` (Esc fires no hook). */
export function expireIdleTurn(state: SessionState, nowMs: number, timeoutMs: number): SessionEffects | null {
  const turn = currentTurn(state);
  if (!turn && !hasRunningSubagents(state)) {
    return expireSilentRun(state, nowMs, timeoutMs) ? { countsError: false, finishedCalls: [] } : null;
  }
  if (nowMs - state.lastEventMs < timeoutMs) return null;
  const effects: SessionEffects = { countsError: false, finishedCalls: [] };
  const at = new Date(state.lastEventMs + timeoutMs).toISOString();
  // The whole session has been silent, subagents included (background ones outlive their turn).
  if (turn) interruptTurn(state, turn, at, "idle timeout", effects);
  interruptSubagents(state, at, "idle timeout", effects);
  state.status = "interrupted";
  state.waitingFor = null;
  return effects;
}

import { oneLine } from "../ingest/summarize.ts";
import type { ModelUsage, NormalizedEvent, ToolCall, Turn } from "../schema/mod.ts";
import { taskNotificationText } from "../text/prompt-text.ts";
import { touchFiles } from "./session-files.ts";
import { joinEarlyNative } from "./session-otlp.ts";
import { emptyTokens, MAX_NOTICES, type SessionLimits, type SessionState } from "./session-state.ts";

// Operations on a session's turns, tool calls, subagents, files and notices, used by the reducer.

/**
 * What an event changed beyond the session itself (for store-wide stats): finished tool calls,
 * and metric-derived usage a usage event replaced (the store takes it off its totals).
 */
export type SessionEffects = {
  /** The event's own failure counts on the session: only then does the store count it store-wide. */
  countsError: boolean;
  finishedCalls: ToolCall[];
  /** Calls finished before (interrupted by the idle timeout or the end) that ended again, and how they had ended. */
  correctedCalls?: Array<{ call: ToolCall; was: ToolCall["status"] }>;
  withdrawnUsage?: ModelUsage[];
  /** Calls a PostToolBatch reported failed without a failure hook of their own (refused before running). */
  batchFailures?: ToolCall[];
  /** Failures counted from Claude Code's telemetry (by their text) that the hook call now starting takes over. */
  withdrawnErrors?: string[];
};

// Notification types that mean "the agent waits for you" (Claude Code 2.1.x).
export const WAITING_NOTIFICATIONS = new Set([
  "permission_prompt",
  "idle_prompt",
  "agent_needs_input",
  "elicitation_dialog",
]);

export function payloadField(e: NormalizedEvent, key: string): unknown {
  return e.payload && typeof e.payload === "object" ? (e.payload as Record<string, unknown>)[key] : undefined;
}

export function isAgentTool(name: string): boolean {
  return name === "Agent" || name === "Task";
}

export function currentTurn(state: SessionState): Turn | null {
  const last = state.turns[state.turns.length - 1];
  return last && (last.status === "running" || last.status === "waiting") ? last : null;
}

export function turnFor(state: SessionState, promptId: string | null): Turn | null {
  if (promptId) {
    for (let i = state.turns.length - 1; i >= 0; i--) if (state.turns[i]!.promptId === promptId) return state.turns[i]!;
  }
  return currentTurn(state);
}

export function hasRunningSubagents(state: SessionState): boolean {
  for (const s of state.subagents.values()) if (s.status === "running") return true;
  return false;
}

export function settleStatus(state: SessionState): void {
  if (state.status === "ended") return;
  const turn = currentTurn(state);
  if (turn?.status === "waiting") state.status = "waiting";
  else if (turn || hasRunningSubagents(state)) state.status = "active";
}

/** Ends a turn that never got its Stop (Esc, crash, SessionEnd mid-turn); its running calls with it. */
export function interruptTurn(state: SessionState, turn: Turn, at: string, why: string, effects: SessionEffects): void {
  turn.status = "interrupted";
  turn.endedAt = at;
  turn.outcome = why;
  for (const call of state.toolCalls.values()) {
    if (call.status === "running" && call.turnIndex === turn.index && !call.subagentId) {
      finishCall(call, at, null, "interrupted", why);
      effects.finishedCalls.push(call);
    }
  }
}

export function finishCall(
  call: ToolCall,
  at: string,
  durationMs: number | null,
  status: ToolCall["status"],
  error: string | null,
) {
  call.endedAt = at;
  call.durationMs = durationMs ?? Math.max(0, Date.parse(at) - Date.parse(call.startedAt));
  call.status = status;
  call.error = error;
}

export function startTurn(
  state: SessionState,
  e: NormalizedEvent,
  at: string,
  effects: SessionEffects,
  limits: SessionLimits,
) {
  const open = currentTurn(state);
  if (open) interruptTurn(state, open, at, "new prompt without Stop", effects);
  const prompt = payloadField(e, "prompt");
  state.turnCount++;
  state.turns.push({
    index: state.turnCount,
    promptId: e.promptId,
    promptPreview: oneLine(typeof prompt === "string" ? (taskNotificationText(prompt) ?? prompt) : e.summary, 200),
    startedAt: at,
    endedAt: null,
    status: "running",
    outcome: null,
    toolCallCount: 0,
    errorCount: 0,
    traceId: null,
    traceUrl: null,
    llmRequestCount: 0,
    costUsd: 0,
    tokens: emptyTokens(),
  });
  if (state.turns.length > limits.maxTurnsPerSession) {
    state.turns.shift();
    state.truncated.turns++;
  }
  state.status = "active";
  state.waitingFor = null;
}

export function addNotice(state: SessionState, type: string, at: string, message: string, toolName: string | null) {
  state.notices.push({ type, at, message, toolName, resolvedAt: null });
  if (state.notices.length > MAX_NOTICES) {
    state.notices.shift();
    state.truncated.notices++;
  }
}

export function resolveWaits(state: SessionState, at: string) {
  for (const n of state.notices) if (n.resolvedAt === null) n.resolvedAt = at;
  const turn = currentTurn(state);
  if (turn?.status === "waiting") turn.status = "running";
  if (state.status === "waiting") state.waitingFor = null;
}

export function startCall(
  state: SessionState,
  e: NormalizedEvent,
  at: string,
  limits: SessionLimits,
  effects: SessionEffects,
): ToolCall {
  const call = addCall(
    state,
    e,
    at,
    {
      toolUseId: e.toolUseId ?? `${e.id}`,
      toolName: e.toolName ?? "unknown",
      filePaths: e.filePaths,
      command: e.command,
      summary: e.summary.replace(/^[^:]*:\s*/, ""),
      startSeq: e.seq,
    },
    limits,
    effects,
  );
  if (isAgentTool(call.toolName)) {
    const input = payloadField(e, "tool_input") as Record<string, unknown> | undefined;
    // run_in_background defaults to true in Claude Code 2.1.x.
    state.pendingAgentCalls.push({
      toolUseId: call.toolUseId,
      background: input?.run_in_background !== false,
      agentType: typeof input?.subagent_type === "string" ? input.subagent_type : null,
    });
    // A call whose subagent never starts and whose Post names none would wait here forever.
    if (state.pendingAgentCalls.length > limits.maxToolCallsPerSession) state.pendingAgentCalls.shift();
  }
  return call;
}

type CallFields = Pick<ToolCall, "toolUseId" | "toolName" | "filePaths" | "command" | "summary" | "startSeq">;

/**
 * A running call, made at `at` in the turn and subagent of event `e`, recorded on its session,
 * turn and subagent within the per-session bound.
 */
export function addCall(
  state: SessionState,
  e: NormalizedEvent,
  at: string,
  fields: CallFields,
  limits: SessionLimits,
  effects: SessionEffects,
): ToolCall {
  const turn = turnFor(state, e.promptId);
  // Field by field, not a spread: every call then has one object shape, which keeps this hot path fast.
  const call: ToolCall = {
    toolUseId: fields.toolUseId,
    toolName: fields.toolName,
    turnIndex: turn?.index ?? null,
    promptId: e.promptId,
    subagentId: e.subagentId,
    startedAt: at,
    endedAt: null,
    durationMs: null,
    status: "running",
    error: null,
    filePaths: fields.filePaths,
    command: fields.command,
    summary: fields.summary,
    startSeq: fields.startSeq,
    endSeq: null,
  };
  state.toolCalls.set(call.toolUseId, call);
  state.toolCallCount++;
  if (state.earlyNative.size > 0) joinEarlyNative(state, call, effects);
  // A call timed back from its duration (a Post whose Pre was missed, a TelemetryEvent) may have
  // begun before anything else the session saw: the session began then too.
  if (at < state.startedAt) state.startedAt = at;
  if (turn) turn.toolCallCount++;
  if (call.subagentId) {
    const sub = state.subagents.get(call.subagentId);
    if (sub) sub.toolCallCount++;
  }
  if (state.toolCalls.size > limits.maxToolCallsPerSession) {
    dropOldestFinished(state.toolCalls);
    state.truncated.toolCalls++;
  }
  return call;
}

/**
 * Drops the oldest entry that is no longer running: a running call (a long Bash, an Agent call
 * whose subagent works) would come back from its Post as a second call, and a running subagent's
 * later events would find no parent. Running ones are few, so the scan stops early; when every
 * entry runs, the oldest goes anyway.
 */
export function dropOldestFinished(map: Map<string, { status: string }>): void {
  let victim: string | null = null;
  for (const [id, v] of map) {
    if (v.status !== "running") {
      victim = id;
      break;
    }
  }
  map.delete(victim ?? (map.keys().next().value as string));
}

export function endCall(
  state: SessionState,
  e: NormalizedEvent,
  at: string,
  limits: SessionLimits,
  effects: SessionEffects,
): ToolCall {
  let call = e.toolUseId ? state.toolCalls.get(e.toolUseId) : undefined;
  const was = call?.status ?? "running";
  // The Pre may have been lost (hook not installed for it, evicted, out of order): rebuild from the Post.
  if (!call) {
    const startedAt = new Date(Date.parse(at) - (e.durationMs ?? 0)).toISOString();
    call = startCall(state, e, startedAt, limits, effects);
    call.startSeq = null;
  }
  const interrupted = payloadField(e, "is_interrupt") === true;
  const status = e.type === "PostToolUseFailure" ? (interrupted ? "interrupted" : "error") : "ok";
  finishCall(call, at, e.durationMs, status, e.error);
  call.endSeq = e.seq;
  if (status !== "ok" && (was === "running" || was === "interrupted")) {
    const turn = turnFor(state, e.promptId);
    if (turn) turn.errorCount++;
  }
  // Ended before (the idle timeout, the session's end) and now for real: counted once, as it ended.
  if (was === "running") effects.finishedCalls.push(call);
  else {
    effects.correctedCalls ??= [];
    effects.correctedCalls.push({ call, was });
  }
  // A failed Read read nothing, a failed Edit changed nothing.
  if (status === "ok") touchFiles(state, e, at, limits);
  return call;
}

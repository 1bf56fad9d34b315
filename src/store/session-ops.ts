import { toFileOps } from "../ingest/file-paths.ts";
import { oneLine } from "../ingest/summarize.ts";
import type { ModelUsage, NormalizedEvent, ToolCall, Turn } from "../schema/mod.ts";
import { emptyTokens, MAX_NOTICES, type SessionLimits, type SessionState } from "./session-state.ts";

// Operations on a session's turns, tool calls, subagents, files and notices, used by the reducer.

/**
 * What an event changed beyond the session itself (for store-wide stats): finished tool calls,
 * and metric-derived usage a usage event replaced (the store takes it off its totals).
 */
export type SessionEffects = { finishedCalls: ToolCall[]; withdrawnUsage?: ModelUsage[] };

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
    promptPreview: oneLine(typeof prompt === "string" ? prompt : e.summary, 200),
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

export function startCall(state: SessionState, e: NormalizedEvent, at: string, limits: SessionLimits): ToolCall {
  const turn = turnFor(state, e.promptId);
  const call: ToolCall = {
    toolUseId: e.toolUseId ?? `${e.id}`,
    toolName: e.toolName ?? "unknown",
    turnIndex: turn?.index ?? null,
    promptId: e.promptId,
    subagentId: e.subagentId,
    startedAt: at,
    endedAt: null,
    durationMs: null,
    status: "running",
    error: null,
    filePaths: e.filePaths,
    command: e.command,
    summary: e.summary.replace(/^[^:]*:\s*/, ""),
    startSeq: e.seq,
    endSeq: null,
  };
  state.toolCalls.set(call.toolUseId, call);
  state.toolCallCount++;
  if (turn) turn.toolCallCount++;
  if (e.subagentId) {
    const sub = state.subagents.get(e.subagentId);
    if (sub) sub.toolCallCount++;
  }
  if (state.toolCalls.size > limits.maxToolCallsPerSession) {
    const oldest = state.toolCalls.keys().next().value as string;
    state.toolCalls.delete(oldest);
    state.truncated.toolCalls++;
  }
  if (isAgentTool(call.toolName)) {
    const input = payloadField(e, "tool_input") as Record<string, unknown> | undefined;
    // run_in_background defaults to true in Claude Code 2.1.x.
    state.pendingAgentCalls.push({ toolUseId: call.toolUseId, background: input?.run_in_background !== false });
  }
  return call;
}

export function touchFiles(state: SessionState, e: NormalizedEvent, at: string, limits: SessionLimits) {
  for (const { path, op } of toFileOps(e.toolName, payloadField(e, "tool_input"))) {
    let f = state.files.get(path);
    if (!f) {
      if (state.files.size >= limits.maxFilesPerSession) continue;
      f = { path, reads: 0, writes: 0, edits: 0, searches: 0, lastAt: at };
      state.files.set(path, f);
    }
    if (op === "read") f.reads++;
    else if (op === "write") f.writes++;
    else if (op === "edit") f.edits++;
    else f.searches++;
    f.lastAt = at;
  }
}

export function endCall(
  state: SessionState,
  e: NormalizedEvent,
  at: string,
  limits: SessionLimits,
  effects: SessionEffects,
) {
  let call = e.toolUseId ? state.toolCalls.get(e.toolUseId) : undefined;
  // The Pre may have been lost (hook not installed for it, evicted, out of order): rebuild from the Post.
  if (!call) {
    const startedAt = new Date(Date.parse(at) - (e.durationMs ?? 0)).toISOString();
    call = startCall(state, e, startedAt, limits);
    call.startSeq = null;
  }
  const interrupted = payloadField(e, "is_interrupt") === true;
  const status = e.type === "PostToolUseFailure" ? (interrupted ? "interrupted" : "error") : "ok";
  finishCall(call, at, e.durationMs, status, e.error);
  call.endSeq = e.seq;
  if (status !== "ok") {
    const turn = turnFor(state, e.promptId);
    if (turn) turn.errorCount++;
  }
  effects.finishedCalls.push(call);
  touchFiles(state, e, at, limits);
}

/** PostToolBatch lists every call of a batch, including those that never got a Post (denied, invalid). */
export function closeBatch(state: SessionState, e: NormalizedEvent, at: string, effects: SessionEffects) {
  const calls = payloadField(e, "tool_calls");
  if (!Array.isArray(calls)) return;
  const denied = state.notices.some((n) => n.type === "PermissionRequest" && n.resolvedAt === null);
  for (const item of calls) {
    const id = item && typeof item === "object" ? (item as Record<string, unknown>).tool_use_id : undefined;
    const call = typeof id === "string" ? state.toolCalls.get(id) : undefined;
    if (call?.status !== "running") continue;
    const response = (item as Record<string, unknown>).tool_response;
    finishCall(
      call,
      at,
      null,
      denied ? "denied" : "error",
      typeof response === "string" ? oneLine(response, 500) : null,
    );
    effects.finishedCalls.push(call);
  }
}

export function onSubagentStart(state: SessionState, e: NormalizedEvent, at: string) {
  if (!e.subagentId || state.subagents.has(e.subagentId)) return;
  // Claude Code does not say which Agent call started a subagent: match them in launch order.
  const pending = state.pendingAgentCalls.shift();
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
}

import type { LlmRequest, NativeToolInfo, NormalizedEvent, ToolCall, Turn } from "../schema/mod.ts";
import type { SessionEffects } from "./session-ops.ts";
import { type EarlyNative, emptyTokens, type SessionLimits, type SessionState } from "./session-state.ts";
import { addAmounts } from "./session-usage.ts";
import { errorText } from "./stats-counters.ts";

/**
 * Claude Code's OTLP log events (source `otlp`) joined into a session built from hooks:
 * LLM requests to turns by `prompt.id`, tool events to hook tool calls by `tool_use_id`.
 * They arrive in batches seconds after the hooks, so they never move the session's state
 * machine (no resume, no turn start or end): they only add what hooks cannot know.
 */

function field(e: NormalizedEvent, key: string): unknown {
  return e.payload && typeof e.payload === "object" ? (e.payload as Record<string, unknown>)[key] : undefined;
}

/** Claude Code sends some numbers as strings (`"duration_ms": "26"`). */
export function numberOf(value: unknown): number | null {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  return Number.isFinite(n) ? n : null;
}

export function textOf(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

function boolOf(value: unknown): boolean | null {
  if (typeof value === "boolean") return value;
  if (value === "true") return true;
  if (value === "false") return false;
  return null;
}

/** The turn a prompt id names; without a prompt id, none (late OTLP data must not land in the running turn). */
export function turnOfPrompt(state: SessionState, promptId: string | null): Turn | null {
  if (!promptId) return null;
  for (let i = state.turns.length - 1; i >= 0; i--) if (state.turns[i]!.promptId === promptId) return state.turns[i]!;
  return null;
}

export function emptyLlmRequest(at: string, source: LlmRequest["source"]): LlmRequest {
  return {
    requestId: null,
    turnIndex: null,
    promptId: null,
    subagentId: null,
    model: null,
    startedAt: at,
    endedAt: at,
    durationMs: null,
    ttftMs: null,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheCreationTokens: 0,
    costUsd: null,
    status: "ok",
    error: null,
    statusCode: null,
    attempt: null,
    querySource: null,
    stopReason: null,
    source,
    seq: null,
    traceId: null,
    spanId: null,
  };
}

/** Adds an LLM request under its key, dropping the oldest past the per-session bound. */
export function addLlmRequest(state: SessionState, key: string, r: LlmRequest, limits: SessionLimits): void {
  state.llmRequests.set(key, r);
  state.llmRequestCount++;
  if (state.llmRequests.size > limits.maxToolCallsPerSession) {
    state.llmRequests.delete(state.llmRequests.keys().next().value as string);
    state.truncated.llmRequests++;
  }
}

function assignTurn(state: SessionState, r: LlmRequest, turn: Turn | null): void {
  if (!turn || r.turnIndex !== null) return;
  r.turnIndex = turn.index;
  turn.llmRequestCount = (turn.llmRequestCount ?? 0) + 1;
  if (r.traceId) state.traceTurns.set(r.traceId, turn.index);
}

/** `api_request` (ok) or `api_error` → the session's LLM request, created or completed; whether it counted a failure. */
function onApiEvent(state: SessionState, e: NormalizedEvent, at: string, limits: SessionLimits, ok: boolean): boolean {
  const requestId = textOf(field(e, "request_id"));
  const key = requestId ?? `#${e.seq}`;
  let r = state.llmRequests.get(key);
  if (!r) {
    r = emptyLlmRequest(at, "otlp_log");
    r.requestId = requestId;
    addLlmRequest(state, key, r, limits);
  }
  const durationMs = e.durationMs;
  if (r.spanId === null) {
    // Without the span, the log event's timestamp is the end of the request.
    r.endedAt = at;
    r.startedAt = durationMs !== null ? new Date(Date.parse(at) - durationMs).toISOString() : at;
  }
  r.durationMs = durationMs ?? r.durationMs;
  r.ttftMs = numberOf(field(e, "ttft_ms")) ?? r.ttftMs;
  r.promptId = e.promptId;
  r.subagentId = e.subagentId;
  r.model = e.model ?? r.model;
  r.querySource = textOf(field(e, "query_source")) ?? r.querySource;
  r.attempt = numberOf(field(e, "attempt")) ?? r.attempt;
  r.source = "otlp_log";
  r.seq = e.seq;
  r.status = ok ? "ok" : "error";
  const turn = turnOfPrompt(state, e.promptId);
  let counted = false;
  if (ok && e.usage) {
    r.inputTokens = e.usage.inputTokens;
    r.outputTokens = e.usage.outputTokens;
    r.cacheReadTokens = e.usage.cacheReadTokens;
    r.cacheCreationTokens = e.usage.cacheCreationTokens;
    r.costUsd = e.usage.costUsd;
    if (turn) {
      turn.costUsd = (turn.costUsd ?? 0) + (e.usage.costUsd ?? 0);
      turn.tokens ??= emptyTokens();
      addAmounts(turn.tokens, { ...e.usage, costUsd: 0 });
    }
  } else if (!ok) {
    r.error = e.error;
    r.statusCode = numberOf(field(e, "status_code"));
    state.apiErrorCount++;
    // With hooks, a request that failed for good ends the turn in StopFailure, counted there;
    // one retried successfully was no failure of the session.
    if (!state.hooked) {
      state.errorCount++;
      if (turn) turn.errorCount++;
      counted = true;
      if (state.unhookedApiErrors.length < MAX_UNHOOKED_API_ERRORS)
        state.unhookedApiErrors.push({ text: errorText(e), turn });
    }
  }
  assignTurn(state, r, turn);
  return counted;
}

function emptyNative(): NativeToolInfo {
  return { decision: null, decisionSource: null, success: null, durationMs: null, resultBytes: null, error: null };
}

const MAX_UNHOOKED_API_ERRORS = 64;

/**
 * The session's first hook: hooks report its failures from now on (StopFailure for a request that
 * failed for good), so API errors counted before, as for a telemetry-only session, are withdrawn.
 */
export function withdrawUnhookedApiErrors(state: SessionState, effects: SessionEffects): void {
  if (state.unhookedApiErrors.length === 0) return;
  effects.withdrawnErrors ??= [];
  for (const { text, turn } of state.unhookedApiErrors) {
    state.errorCount = Math.max(0, state.errorCount - 1);
    if (turn) turn.errorCount = Math.max(0, turn.errorCount - 1);
    effects.withdrawnErrors.push(text);
  }
  state.unhookedApiErrors = [];
}

/** Early tool events kept per session until their hook call starts (a batch of OTLP logs can beat a slow hook). */
const MAX_EARLY_NATIVE = 256;

/**
 * Where a tool event's facts go: its hook call, or (when the hook has not reported the call yet)
 * a holding entry joined by `joinEarlyNative` when it does. Null without a tool_use_id.
 */
function nativeFor(state: SessionState, e: NormalizedEvent): EarlyNative | null {
  if (!e.toolUseId) return null;
  const call = state.toolCalls.get(e.toolUseId);
  if (call) {
    call.native ??= emptyNative();
    return { info: call.native, countedError: null };
  }
  let early = state.earlyNative.get(e.toolUseId);
  if (!early) {
    early = { info: emptyNative(), countedError: null };
    state.earlyNative.set(e.toolUseId, early);
    // A session no hook has reported may never get one (telemetry only): it holds few.
    const max = state.hooked ? MAX_EARLY_NATIVE : MAX_EARLY_NATIVE / 8;
    if (state.earlyNative.size > max) state.earlyNative.delete(state.earlyNative.keys().next().value!);
  }
  return early;
}

/**
 * A hook call has started: what Claude Code's telemetry already said about it joins it. A failure
 * counted from the telemetry is withdrawn, here and store-wide: the call's PostToolUseFailure (or
 * its PostToolBatch entry) counts it, with the hook's own error text.
 */
export function joinEarlyNative(state: SessionState, call: ToolCall, effects: SessionEffects): void {
  const early = state.earlyNative.get(call.toolUseId);
  if (!early) return;
  state.earlyNative.delete(call.toolUseId);
  call.native = early.info;
  if (early.countedError === null) return;
  state.errorCount--;
  effects.withdrawnErrors ??= [];
  effects.withdrawnErrors.push(early.countedError);
}

/** tool_decision or tool_result joined to its call; whether it counted a failure. */
function onToolEvent(state: SessionState, e: NormalizedEvent): boolean {
  const target = nativeFor(state, e);
  if (e.type === "claude_code.tool_decision") {
    if (!target) return false;
    target.info.decision = textOf(field(e, "decision"));
    target.info.decisionSource = textOf(field(e, "source"));
    return false;
  }
  const success = boolOf(field(e, "success"));
  // A failure counts once: from the hook call's PostToolUseFailure when there is a hook call, else
  // here (undone by joinEarlyNative if the hook call turns up after all).
  const calledBefore = e.toolUseId ? state.toolCalls.has(e.toolUseId) : false;
  const counted = success === false && !calledBefore && (target === null || target.countedError === null);
  if (counted) {
    state.errorCount++;
    if (target) target.countedError = errorText(e);
  }
  if (!target) return counted;
  target.info.success = success;
  target.info.durationMs = e.durationMs;
  target.info.resultBytes = numberOf(field(e, "tool_result_size_bytes"));
  target.info.error = success === false ? (e.error ?? textOf(field(e, "error"))) : null;
  return counted;
}

/**
 * Applies one OTLP log event to its session (after the common bookkeeping in the reducer); whether
 * the session counted a failure from it (the store-wide stats count it only then).
 */
export function applyOtlpEvent(state: SessionState, e: NormalizedEvent, limits: SessionLimits): boolean {
  const at = e.sourceTime ?? e.receivedAt;
  if (state.otlpLastAt === null || at > state.otlpLastAt) state.otlpLastAt = at;
  switch (e.type) {
    case "claude_code.api_request":
      return onApiEvent(state, e, at, limits, true);
    case "claude_code.api_error":
      return onApiEvent(state, e, at, limits, false);
    case "claude_code.tool_decision":
    case "claude_code.tool_result":
      return onToolEvent(state, e);
    default:
      return false;
  }
}

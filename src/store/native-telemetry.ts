import type { NativeSpan, SessionActivity } from "../schema/mod.ts";
import { addLlmRequest, emptyLlmRequest, numberOf, textOf } from "./session-otlp.ts";
import { MAX_NATIVE_SPANS, type SessionLimits, type SessionState } from "./session-state.ts";
import { applyMetricUsage, emptyActivity, type UsageAmounts } from "./session-usage.ts";

/**
 * Claude Code's spans and metrics applied to sessions. Spans are kept (bounded) for the
 * timeline and join what the logs and hooks already built: `claude_code.llm_request` to the
 * LLM request by `request_id`, `claude_code.tool*` to the hook tool call by `tool_use_id`.
 * Their token counts never enter the totals (session-usage.ts says why).
 */

/** A native span, its session id and the attributes the joins read. */
export type NativeSpanInput = { sessionId: string; span: NativeSpan };

/** One metric delta for a session (cumulative sums are turned into deltas before they get here). */
export type MetricUpdate =
  | { kind: "usage"; sessionId: string; at: string; model: string; amounts: UsageAmounts }
  | { kind: "activity"; sessionId: string | null; at: string; field: keyof SessionActivity; value: number };

function attr(span: NativeSpan, key: string): unknown {
  return span.attributes[key];
}

function markOtlp(state: SessionState, at: string): void {
  if (state.otlpLastAt === null || at > state.otlpLastAt) state.otlpLastAt = at;
}

/** The LLM request this `llm_request` span is: completed with the span's ids and exact times, or created from it. */
function joinLlmSpan(state: SessionState, span: NativeSpan, requestId: string, limits: SessionLimits): void {
  let r = state.llmRequests.get(requestId);
  if (!r) {
    // The log event may come later (or never, with the logs exporter off): keep the span's numbers meanwhile.
    r = emptyLlmRequest(span.startedAt, "otlp_span");
    r.requestId = requestId;
    r.inputTokens = numberOf(attr(span, "input_tokens")) ?? 0;
    r.outputTokens = numberOf(attr(span, "output_tokens")) ?? 0;
    r.cacheReadTokens = numberOf(attr(span, "cache_read_tokens")) ?? 0;
    r.cacheCreationTokens = numberOf(attr(span, "cache_creation_tokens")) ?? 0;
    r.model = textOf(attr(span, "model")) ?? textOf(attr(span, "gen_ai.request.model"));
    r.subagentId = textOf(attr(span, "agent_id"));
    r.querySource = textOf(attr(span, "query_source_safe"));
    r.attempt = numberOf(attr(span, "attempt"));
    r.ttftMs = numberOf(attr(span, "ttft_ms"));
    if (span.status === "error") {
      r.status = "error";
      r.error = textOf(attr(span, "error")) ?? span.statusMessage;
      r.statusCode = numberOf(attr(span, "status_code"));
    }
    addLlmRequest(state, requestId, r, limits);
  }
  r.traceId = span.traceId;
  r.spanId = span.spanId;
  r.startedAt = span.startedAt;
  r.endedAt = span.endedAt;
  r.durationMs ??= span.durationMs;
  r.ttftMs ??= numberOf(attr(span, "ttft_ms"));
  r.stopReason = textOf(attr(span, "stop_reason")) ?? r.stopReason;
  if (r.turnIndex !== null) {
    span.turnIndex = r.turnIndex;
    state.traceTurns.set(span.traceId, r.turnIndex);
  }
}

/** Adds a native span to its session (a re-sent span is kept once) and joins it. */
export function applyNativeSpan(state: SessionState, span: NativeSpan, limits: SessionLimits): boolean {
  markOtlp(state, span.endedAt);
  if (state.nativeSpans.some((s) => s.spanId === span.spanId && s.traceId === span.traceId)) return false;
  if (span.toolUseId) {
    const call = state.toolCalls.get(span.toolUseId);
    if (call && call.turnIndex !== null) {
      span.turnIndex = call.turnIndex;
      state.traceTurns.set(span.traceId, call.turnIndex);
    }
  }
  if (span.requestId && span.name === "claude_code.llm_request") joinLlmSpan(state, span, span.requestId, limits);
  state.nativeSpans.push(span);
  if (state.nativeSpans.length > MAX_NATIVE_SPANS) {
    state.nativeSpans.shift();
    state.truncated.nativeSpans++;
  }
  // Bounded with the spans it describes: a trace whose spans are all gone needs no turn.
  if (state.traceTurns.size > MAX_NATIVE_SPANS) state.traceTurns.delete(state.traceTurns.keys().next().value as string);
  return true;
}

/** Applies one metric delta; returns the usage that entered the session totals (null: none did). */
export function applyMetricUpdate(state: SessionState, u: MetricUpdate): UsageAmounts | null {
  markOtlp(state, u.at);
  if (u.kind === "usage") return applyMetricUsage(state, u.model, u.amounts);
  state.activity ??= emptyActivity();
  state.activity[u.field] += u.value;
  return null;
}

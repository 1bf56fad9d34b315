import { redactString, sanitizePayload } from "../ingest/mod.ts";
import type { TrimLimits } from "../ingest/trim.ts";
import type { NativeSpan } from "../schema/mod.ts";
import type { NativeSpanInput } from "../store/mod.ts";
import { stringAttr, toJsonRecord } from "./any-value.ts";
import { nanosToIso, nanosToMs, type OtlpSpan, type ResourceSpans, ZERO_SPAN_ID, ZERO_TRACE_ID } from "./otlp-model.ts";

/**
 * Claude Code's spans → what a session keeps of them: ids, times, status and attributes
 * (redacted, capped), with the join keys the store uses (`tool_use_id`, `request_id`). Names and
 * the status message are free text like any other and redacted the same way.
 */

/** Attributes every Claude Code span repeats; the session already carries them. */
const REPEATED = new Set([
  "user.id",
  "session.id",
  "terminal.type",
  "anthropic.provider",
  "anthropic.custom_base_url",
  "gen_ai.provider.name",
  "gen_ai.conversation.id",
  "gen_ai.system",
]);

// Stored attributes per span: the names, numbers and ids of a span fit easily; a long command
// or prompt is cut (its full text stays in the log events and the forwarded span).
const SPAN_BYTES = 2048;
// Span events kept per span (Claude Code adds one per request attempt).
const MAX_EVENTS = 16;

/** A span the OTLP spec calls invalid: all-zero (or missing) trace or span id. */
export function isInvalidSpan(span: OtlpSpan): boolean {
  return !span.traceId || !span.spanId || span.traceId === ZERO_TRACE_ID || span.spanId === ZERO_SPAN_ID;
}

function statusOf(code: number): NativeSpan["status"] {
  return code === 2 ? "error" : code === 1 ? "ok" : "unset";
}

function toNativeSpan(span: OtlpSpan, limits: TrimLimits): NativeSpan {
  const attrs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(toJsonRecord(span.attributes))) if (!REPEATED.has(k)) attrs[k] = v;
  const clean = sanitizePayload(attrs, { ...limits, eventBytes: Math.min(limits.eventBytes, SPAN_BYTES) });
  const startMs = nanosToMs(span.startTimeUnixNano);
  const endMs = nanosToMs(span.endTimeUnixNano);
  const startedAt = nanosToIso(span.startTimeUnixNano) ?? new Date(0).toISOString();
  const isLlm = span.name === "claude_code.llm_request";
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: redactString(span.name),
    kind: span.kind,
    startedAt,
    endedAt: nanosToIso(span.endTimeUnixNano) ?? startedAt,
    durationMs: Math.max(0, Math.round((endMs - startMs) * 1000) / 1000),
    status: statusOf(span.status.code),
    statusMessage: span.status.message ? redactString(span.status.message) : null,
    turnIndex: null,
    toolUseId: stringAttr(span.attributes, "tool_use_id") ?? stringAttr(span.attributes, "gen_ai.tool.call.id"),
    requestId: isLlm
      ? (stringAttr(span.attributes, "request_id") ?? stringAttr(span.attributes, "gen_ai.response.id"))
      : null,
    attributes: clean.value as Record<string, unknown>,
    events: span.events.slice(0, MAX_EVENTS).map((e) => ({
      name: redactString(e.name),
      at: nanosToIso(e.timeUnixNano) ?? startedAt,
    })),
  };
}

/**
 * Valid spans with a `session.id` → session inputs; invalid ones are counted for the partial
 * success answer, spans of no session are only counted (they are still forwarded).
 */
export function toNativeSpans(resourceSpans: ResourceSpans[], limits: TrimLimits) {
  const spans: NativeSpanInput[] = [];
  let rejected = 0;
  let withoutSession = 0;
  for (const rs of resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        if (isInvalidSpan(span)) {
          rejected++;
          continue;
        }
        const sessionId =
          stringAttr(span.attributes, "session.id") ?? stringAttr(span.attributes, "gen_ai.conversation.id");
        if (!sessionId) {
          withoutSession++;
          continue;
        }
        spans.push({ sessionId, span: toNativeSpan(span, limits) });
      }
    }
  }
  return { spans, rejected, withoutSession };
}

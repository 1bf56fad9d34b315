import { plausibleDuration } from "../ingest/event-time.ts";
import { type IngestContext, redactString, sanitizePayload, toFileOps } from "../ingest/mod.ts";
import { firstLine, oneLine } from "../ingest/summarize.ts";
import type { TrimLimits } from "../ingest/trim.ts";
import { mayHoldSurrogateEscape, wellFormedDeep } from "../ingest/well-formed.ts";
import type { EventDraft, Usage } from "../schema/mod.ts";
import { toJsonRecord, toJsonValue } from "./any-value.ts";
import { JSON_TEXT_KEYS, redactJsonText } from "./json-text.ts";
import { nanosToIso, type OtlpLogRecord, type ResourceLogs } from "./otlp-model.ts";
import { MAX_COST_USD, MAX_TOKENS, usageAmount } from "./usage-bounds.ts";

/**
 * OTLP log records → normalized events (source `otlp`). Claude Code's events carry `event.name`,
 * `session.id`, `prompt.id` and per-event fields as attributes (all listed in docs/otlp.md);
 * the type becomes `claude_code.<event.name>` so it never collides with hook or TelemetryEvent types.
 */

/**
 * Log records accepted (counted, forwarded) but not stored as events: ~40 configuration records
 * at every start and a start/complete pair around each hook run, which the hook events already
 * show. Stored, they would outnumber the events people read five to one in the bounded ring.
 */
export const SKIPPED_LOG_EVENTS: ReadonlySet<string> = new Set([
  "hook_registered",
  "plugin_loaded",
  "managed_settings_resolved",
  "hook_execution_start",
  "hook_execution_complete",
]);

export type SessionContext = { agentId: string | null; hostName: string | null; containerId: string | null };

export type LogEventOptions = {
  limits: TrimLimits;
  context: IngestContext;
  receivedAt: string;
  newId: () => string;
  /** Who a known session belongs to, so OTLP events land on the same agent as its hooks. */
  sessionContext?: (sessionId: string) => SessionContext | undefined;
};

export type LogEventDraft = { draft: EventDraft; idempotencyKey: string | null };

type Attrs = Record<string, unknown>;

function s(a: Attrs, key: string): string | null {
  const v = a[key];
  return typeof v === "string" && v !== "" ? v : null;
}

/** Claude Code sends some numbers as strings (`"duration_ms": "26"`). */
function n(a: Attrs, key: string): number | null {
  const v = a[key];
  const x = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
  return Number.isFinite(x) ? x : null;
}

function parseJson(text: string | null): unknown {
  if (!text) return null;
  try {
    const value = JSON.parse(text);
    return mayHoldSurrogateEscape(text) ? wellFormedDeep(value) : value;
  } catch {
    return null;
  }
}

const usd = (v: number | null) => (v === null ? "" : `$${v.toFixed(4)}`);

function summaryOf(name: string, a: Attrs): string {
  const tool = s(a, "tool_name") ?? "tool";
  switch (name) {
    case "api_request":
      return oneLine(
        `${s(a, "model") ?? "model"} · ${n(a, "input_tokens") ?? 0} in / ${n(a, "output_tokens") ?? 0} out · ${usd(n(a, "cost_usd"))} · ${n(a, "duration_ms") ?? "?"} ms`,
      );
    case "api_error":
      return oneLine(
        `${s(a, "model") ?? "model"}: ${n(a, "status_code") ?? ""} ${firstLine(s(a, "error") ?? "error")} (attempt ${n(a, "attempt") ?? 1})`,
      );
    case "api_retries_exhausted":
      return oneLine(`${firstLine(s(a, "error") ?? "error")} after ${n(a, "total_attempts") ?? "?"} attempts`);
    case "tool_decision":
      return oneLine(`${tool} ${s(a, "decision") ?? "?"} (${s(a, "source") ?? "?"})`);
    case "tool_result": {
      const ok = a.success === true || a.success === "true";
      const tail = ok ? "ok" : `failed: ${firstLine(s(a, "error") ?? "")}`;
      return oneLine(`${tool} ${tail} · ${n(a, "duration_ms") ?? "?"} ms`);
    }
    case "user_prompt":
      return oneLine(s(a, "prompt") ?? `prompt (${n(a, "prompt_length") ?? "?"} characters, not logged)`);
    case "assistant_response":
      return oneLine(s(a, "response") ?? `response (${n(a, "response_length") ?? "?"} characters)`);
    case "subagent_completed": {
      const [uses, tokens] = [n(a, "total_tool_uses") ?? 0, n(a, "total_tokens") ?? 0];
      return oneLine(
        `${s(a, "agent_type") ?? "subagent"} done · ${uses} tool ${uses === 1 ? "use" : "uses"} · ${tokens} ${tokens === 1 ? "token" : "tokens"}`,
      );
    }
    case "compaction":
      return oneLine(
        `compaction (${s(a, "trigger") ?? "?"}): ${n(a, "pre_tokens") ?? "?"} → ${n(a, "post_tokens") ?? "?"} tokens`,
      );
    case "mcp_server_connection":
      return oneLine(`${s(a, "server_name") ?? "MCP server"} ${s(a, "status") ?? ""}`);
    default:
      return oneLine(s(a, "error") ?? s(a, "message") ?? s(a, "body") ?? name);
  }
}

function usageOf(name: string, a: Attrs): Usage | null {
  if (name !== "api_request") return null;
  return {
    inputTokens: usageAmount(n(a, "input_tokens"), MAX_TOKENS) ?? 0,
    outputTokens: usageAmount(n(a, "output_tokens"), MAX_TOKENS) ?? 0,
    cacheReadTokens: usageAmount(n(a, "cache_read_tokens"), MAX_TOKENS) ?? 0,
    cacheCreationTokens: usageAmount(n(a, "cache_creation_tokens"), MAX_TOKENS) ?? 0,
    costUsd: usageAmount(n(a, "cost_usd"), MAX_COST_USD),
    model: s(a, "model"),
  };
}

function statusOf(name: string, a: Attrs): "ok" | "error" | null {
  if (name === "api_error" || name === "api_retries_exhausted") return "error";
  if (name === "api_request") return "ok";
  if (name === "tool_result" || name === "compaction") {
    if (a.success === true || a.success === "true") return "ok";
    if (a.success === false || a.success === "false") return "error";
  }
  return null;
}

function timeOf(a: Attrs, r: OtlpLogRecord): string | null {
  const stamp = s(a, "event.timestamp");
  const ms = stamp ? Date.parse(stamp) : Number.NaN;
  if (!Number.isNaN(ms)) return new Date(ms).toISOString();
  return nanosToIso(r.timeUnixNano) ?? nanosToIso(r.observedTimeUnixNano);
}

function toDraft(r: OtlpLogRecord, resource: Record<string, unknown>, opts: LogEventOptions): LogEventDraft | null {
  const raw = toJsonRecord(r.attributes);
  const body = r.body === undefined ? null : toJsonValue(r.body);
  const bodyText = typeof body === "string" ? body : null;
  // The type is free text too: a plain log line with no event name is typed by its body.
  const name = redactString(
    s(raw, "event.name") ?? (r.eventName || null) ?? bodyText?.replace(/^claude_code\./, "") ?? "log",
  );
  if (SKIPPED_LOG_EVENTS.has(name)) return null;
  const fromClaude = bodyText?.startsWith("claude_code.") || resource["service.name"] === "claude-code";
  const type = fromClaude ? `claude_code.${name}` : name;
  if (body !== null && bodyText !== type) raw.body = body;
  for (const key of ["service.name", "service.version"]) if (resource[key] !== undefined) raw[key] ??= resource[key];
  // Claude Code sends a tool's input as JSON text; redacted as the object it spells, the secret
  // names inside it (`{"credentials": {"pw": "…"}}`) hold as they do for a hook's tool_input.
  for (const key of JSON_TEXT_KEYS) {
    const v = raw[key];
    if (typeof v === "string") raw[key] = redactJsonText(v, opts.limits.jsonDepth);
  }

  const clean = sanitizePayload(raw, opts.limits);
  const a = clean.value as Attrs;
  const sessionId = s(a, "session.id");
  const known = sessionId ? opts.sessionContext?.(sessionId) : undefined;
  const hostName = opts.context.hostName ?? stringAttrOf(resource, "host.name") ?? known?.hostName ?? null;
  const toolName = s(a, "tool_name");
  const toolInput = parseJson(s(a, "tool_input"));
  const params = parseJson(s(a, "tool_parameters")) as Attrs | null;
  const command =
    toolName === "Bash"
      ? (s((toolInput as Attrs) ?? {}, "command") ?? (params ? s(params, "full_command") : null))
      : null;
  const status = statusOf(name, a);
  const sourceTime = timeOf(a, r);
  const sequence = a["event.sequence"];
  return {
    idempotencyKey:
      sessionId && sequence !== undefined ? `otlp-log|${sessionId}|${type}|${sourceTime}|${String(sequence)}` : null,
    draft: {
      id: opts.newId(),
      receivedAt: opts.receivedAt,
      sourceTime,
      source: "otlp",
      type,
      sessionId,
      agentId: opts.context.agentId ?? known?.agentId ?? hostName,
      hostName,
      containerId: opts.context.containerId ?? stringAttrOf(resource, "container.id") ?? known?.containerId ?? null,
      workflowId: opts.context.workflowId,
      nodeId: opts.context.nodeId,
      subagentId: s(a, "agent_id"),
      subagentType: s(a, "agent.name") ?? s(a, "agent_type"),
      promptId: s(a, "prompt.id"),
      cwd: null,
      toolName,
      toolUseId: s(a, "tool_use_id"),
      filePaths: toFileOps(toolName, toolInput).map((o) => o.path),
      command,
      // Claude Code's own telemetry is not refused for one odd figure: an implausible one is left out.
      durationMs: plausibleDuration(n(a, "duration_ms")),
      status,
      error: status === "error" ? (s(a, "error") ?? "failed") : null,
      summary: summaryOf(name, a),
      usage: usageOf(name, a),
      model: s(a, "model"),
      payload: clean.value,
      trimmed: clean.trimmed,
      bytes: clean.bytes,
      seq: 0,
    },
  };
}

/** A resource attribute that becomes a field of the event (host, container): redacted like the payload. */
function stringAttrOf(resource: Record<string, unknown>, key: string): string | null {
  const v = resource[key];
  return typeof v === "string" && v !== "" ? redactString(v) : null;
}

/** Every log record of a request → event drafts in order, plus how many were left out as noise. */
export function toLogEvents(resourceLogs: ResourceLogs[], opts: LogEventOptions) {
  const events: LogEventDraft[] = [];
  let skipped = 0;
  for (const rl of resourceLogs) {
    const resource = toJsonRecord(rl.resource.attributes);
    for (const sl of rl.scopeLogs) {
      for (const r of sl.logRecords) {
        const event = toDraft(r, resource, opts);
        if (event) events.push(event);
        else skipped++;
      }
    }
  }
  return { events, skipped };
}

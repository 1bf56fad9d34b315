import { z } from "zod";

/**
 * Session state machine (docs/architecture.md has the diagram):
 * active — a turn is running or a subagent works in the background;
 * waiting — the agent waits for the user (permission prompt, input notification);
 * idle — between turns; ended — SessionEnd seen;
 * interrupted — the last turn never got its Stop (Esc fires no hook);
 * error — the last turn ended in StopFailure.
 */
export const SESSION_STATUSES = ["active", "waiting", "idle", "ended", "interrupted", "error"] as const;
export const sessionStatusSchema = z.enum(SESSION_STATUSES);
export type SessionStatus = z.infer<typeof sessionStatusSchema>;

export const TURN_STATUSES = ["running", "waiting", "completed", "interrupted", "error"] as const;
export const turnStatusSchema = z.enum(TURN_STATUSES);
export type TurnStatus = z.infer<typeof turnStatusSchema>;

export const TOOL_CALL_STATUSES = ["running", "ok", "error", "interrupted", "denied"] as const;
export const toolCallStatusSchema = z.enum(TOOL_CALL_STATUSES);
export type ToolCallStatus = z.infer<typeof toolCallStatusSchema>;

export const tokenTotalsSchema = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheReadTokens: z.number(),
  cacheCreationTokens: z.number(),
});
export type TokenTotals = z.infer<typeof tokenTotalsSchema>;

/**
 * Where a session's cost and token totals come from (docs/otlp.md, "Counting cost and tokens"):
 * `otlp_logs` — Claude Code's `api_request` log events, exact per request;
 * `otlp_metrics` — its `cost.usage` / `token.usage` metrics, used only while no log event arrived;
 * `telemetry` — `tokenUsage` of generic TelemetryEvents. Null: no source reported any (hooks only).
 */
export const USAGE_SOURCES = ["otlp_logs", "otlp_metrics", "telemetry"] as const;
export const usageSourceSchema = z.enum(USAGE_SOURCES);
export type UsageSource = z.infer<typeof usageSourceSchema>;

/** Totals for one model, from the same source as the session's totals. */
export const modelUsageSchema = tokenTotalsSchema.extend({
  model: z.string(),
  /** LLM requests counted; null when the numbers come from metrics (they do not count requests). */
  requests: z.number().int().nullable(),
  /** US dollars. */
  costUsd: z.number(),
});
export type ModelUsage = z.infer<typeof modelUsageSchema>;

/**
 * One request to the model API, from Claude Code's native telemetry: an `api_request` /
 * `api_error` log event, joined by `request_id` with its `claude_code.llm_request` span.
 */
export const llmRequestSchema = z.object({
  /** Anthropic request id; null when the source gave none. */
  requestId: z.string().nullable(),
  turnIndex: z.number().int().nullable(),
  promptId: z.string().nullable(),
  /** Subagent (`agent_id`) that made the request; null on the main thread. */
  subagentId: z.string().nullable(),
  model: z.string().nullable(),
  /** ISO 8601; start = end − duration when only the log event is known. */
  startedAt: z.string(),
  endedAt: z.string(),
  /** Milliseconds. */
  durationMs: z.number().nullable(),
  /** Time to first token, milliseconds. */
  ttftMs: z.number().nullable(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheReadTokens: z.number(),
  cacheCreationTokens: z.number(),
  /** US dollars (from the log event); null when only the span is known. */
  costUsd: z.number().nullable(),
  status: z.enum(["ok", "error"]),
  error: z.string().nullable(),
  /** HTTP status of a failed request. */
  statusCode: z.number().int().nullable(),
  attempt: z.number().int().nullable(),
  /** Claude Code's `query_source`: `sdk`/`repl_main_thread` (main), `agent:…` (subagents), `auxiliary`, … */
  querySource: z.string().nullable(),
  stopReason: z.string().nullable(),
  /** Where the numbers come from: the log event (`otlp_log`) or, before/without it, the span (`otlp_span`). */
  source: z.enum(["otlp_log", "otlp_span"]),
  /** Store sequence id of the log event (GET /api/events/:seq); null until it arrives. */
  seq: z.number().int().nullable(),
  /** The native span (hex ids), once traces arrived. */
  traceId: z.string().nullable(),
  spanId: z.string().nullable(),
});
export type LlmRequest = z.infer<typeof llmRequestSchema>;

/** A span Claude Code exported itself (`claude_code.interaction`, `.llm_request`, `.tool`, …). */
export const nativeSpanSchema = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().nullable(),
  name: z.string(),
  /** OTLP SpanKind (1 internal, 2 server, 3 client, …). */
  kind: z.number().int(),
  startedAt: z.string(),
  endedAt: z.string(),
  /** Milliseconds, from the nanosecond times. */
  durationMs: z.number(),
  status: z.enum(["unset", "ok", "error"]),
  statusMessage: z.string().nullable(),
  turnIndex: z.number().int().nullable(),
  /** Joins: the hook tool call (`tool_use_id`) and the LLM request (`request_id`) this span is. */
  toolUseId: z.string().nullable(),
  requestId: z.string().nullable(),
  /** Span attributes, redacted and capped; identity attributes every span repeats are left out. */
  attributes: z.record(z.string(), z.unknown()),
  events: z.array(z.object({ name: z.string(), at: z.string() })),
});
export type NativeSpan = z.infer<typeof nativeSpanSchema>;

/** Claude Code's own view of a tool call (its `tool_decision` / `tool_result` events), joined by `tool_use_id`. */
export const nativeToolInfoSchema = z.object({
  /** `accept` / `reject` and who decided (`config`, `user_permanent`, `hook`, …). */
  decision: z.string().nullable(),
  decisionSource: z.string().nullable(),
  success: z.boolean().nullable(),
  /** Execution time as Claude Code measured it, milliseconds. */
  durationMs: z.number().nullable(),
  resultBytes: z.number().nullable(),
  error: z.string().nullable(),
});
export type NativeToolInfo = z.infer<typeof nativeToolInfoSchema>;

/** Counters from Claude Code's metrics that no event carries (docs/otlp.md). */
export const sessionActivitySchema = z.object({
  /** `claude_code.session.count`: process starts (fresh, resume, continue). */
  sessionStarts: z.number(),
  /** `claude_code.active_time.total`, seconds, by type. */
  activeTimeUserSec: z.number(),
  activeTimeCliSec: z.number(),
  /** `claude_code.lines_of_code.count` by type. */
  linesAdded: z.number(),
  linesRemoved: z.number(),
  commits: z.number(),
  pullRequests: z.number(),
  /** `claude_code.code_edit_tool.decision` by decision. */
  editsAccepted: z.number(),
  editsRejected: z.number(),
});
export type SessionActivity = z.infer<typeof sessionActivitySchema>;

export const turnSchema = z.object({
  /** 1-based position in the session. */
  index: z.number().int().positive(),
  promptId: z.string().nullable(),
  /** First 200 characters of the prompt, redacted. */
  promptPreview: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  status: turnStatusSchema,
  /** Why it ended: `stop`, `stop_failure: server_error`, `new prompt without Stop`, `idle timeout`, … */
  outcome: z.string().nullable(),
  toolCallCount: z.number().int(),
  errorCount: z.number().int(),
  /** Trace of this turn when OTLP export is on (hex, 32 chars); null otherwise. */
  traceId: z.string().nullable(),
  /** Ready link to the trace in Jaeger (`otel.jaegerUrl`), when export is on. */
  traceUrl: z.string().nullable(),
  /** LLM requests of this turn (its subagents' included), from `api_request` events joined by `prompt.id`. */
  llmRequestCount: z.number().int().optional(),
  /** US dollars and tokens of those requests; 0 when no OTLP log events arrived. */
  costUsd: z.number().optional(),
  tokens: tokenTotalsSchema.optional(),
});
export type Turn = z.infer<typeof turnSchema>;

export const toolCallSchema = z.object({
  toolUseId: z.string(),
  toolName: z.string(),
  turnIndex: z.number().int().nullable(),
  promptId: z.string().nullable(),
  /** Subagent that made the call; null on the main thread. */
  subagentId: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  /** From the hook's `duration_ms` when present, else end − start. */
  durationMs: z.number().nullable(),
  status: toolCallStatusSchema,
  error: z.string().nullable(),
  filePaths: z.array(z.string()),
  command: z.string().nullable(),
  /** One line: command, path or pattern. */
  summary: z.string(),
  /** Sequence ids of the Pre and Post events, for fetching the captured input/output. */
  startSeq: z.number().int().nullable(),
  endSeq: z.number().int().nullable(),
  /** Claude Code's OTLP events for this call; null until they arrive (or without OTLP). */
  native: nativeToolInfoSchema.nullable().optional(),
});
export type ToolCall = z.infer<typeof toolCallSchema>;

export const subagentSchema = z.object({
  agentId: z.string(),
  agentType: z.string(),
  /** The `Agent` tool call that launched it, when it could be matched. */
  parentToolUseId: z.string().nullable(),
  turnIndex: z.number().int().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  status: z.enum(["running", "completed", "interrupted"]),
  background: z.boolean(),
  toolCallCount: z.number().int(),
});
export type Subagent = z.infer<typeof subagentSchema>;

export const fileTouchSchema = z.object({
  path: z.string(),
  reads: z.number().int(),
  writes: z.number().int(),
  edits: z.number().int(),
  searches: z.number().int(),
  lastAt: z.string(),
});
export type FileTouch = z.infer<typeof fileTouchSchema>;

/** Permission waits and notifications, oldest first. */
export const noticeSchema = z.object({
  type: z.string(),
  at: z.string(),
  message: z.string(),
  toolName: z.string().nullable(),
  /** For permission requests: when the agent went on (next event of the turn); null while waiting. */
  resolvedAt: z.string().nullable(),
});
export type Notice = z.infer<typeof noticeSchema>;

export const sessionSummarySchema = z.object({
  sessionId: z.string(),
  agentId: z.string().nullable(),
  hostName: z.string().nullable(),
  containerId: z.string().nullable(),
  workflowId: z.string().nullable(),
  nodeId: z.string().nullable(),
  source: z.string(),
  startedAt: z.string(),
  lastEventAt: z.string(),
  /** Set when the session ended (SessionEnd, agent_complete). */
  completedAt: z.string().nullable(),
  status: sessionStatusSchema,
  /** Why the session waits, e.g. `permission: Bash`; null unless status is `waiting`. */
  waitingFor: z.string().nullable(),
  eventCount: z.number().int(),
  errorCount: z.number().int(),
  /** US dollars, from the sources that report cost; 0 when none did. */
  totalCostUsd: z.number(),
  tokens: tokenTotalsSchema,
  cwd: z.string().nullable(),
  /** Last path segment of cwd. */
  project: z.string().nullable(),
  model: z.string().nullable(),
  permissionMode: z.string().nullable(),
  currentStepIndex: z.number().int().nullable(),
  currentStepName: z.string().nullable(),
  /** The tool running now (latest started), if any. */
  currentTool: z
    .object({ toolName: z.string(), toolUseId: z.string(), startedAt: z.string(), summary: z.string() })
    .nullable(),
  turnCount: z.number().int(),
  toolCallCount: z.number().int(),
  subagentCount: z.number().int(),
  fileCount: z.number().int(),
  /** Where totalCostUsd, tokens and models come from; null when no source reported usage. */
  usageSource: usageSourceSchema.nullable().optional(),
  /** The same totals per model, most expensive first. */
  models: z.array(modelUsageSchema).optional(),
  llmRequestCount: z.number().int().optional(),
  /** `api_error` events (failed API attempts, retried or not). */
  apiErrorCount: z.number().int().optional(),
  /** Last OTLP data (log, span or metric) for this session; null when none arrived. */
  otlpLastAt: z.string().nullable().optional(),
  /** From Claude Code's metrics; null when none arrived. */
  activity: sessionActivitySchema.nullable().optional(),
});
export type SessionSummary = z.infer<typeof sessionSummarySchema>;

export const sessionDetailSchema = sessionSummarySchema.extend({
  /** Every trace of the session in Jaeger (a search by `session.id`) when export is on and `otel.jaegerUrl` is set. */
  tracesUrl: z.string().nullable().optional(),
  turns: z.array(turnSchema),
  toolCalls: z.array(toolCallSchema),
  subagents: z.array(subagentSchema),
  files: z.array(fileTouchSchema),
  notices: z.array(noticeSchema),
  /** LLM requests, oldest first (bounded like tool calls). */
  llmRequests: z.array(llmRequestSchema).optional(),
  /** Claude Code's own spans, oldest first (bounded). */
  nativeSpans: z.array(nativeSpanSchema).optional(),
  /** Set when bounded lists dropped their oldest entries. */
  truncated: z.object({
    turns: z.number().int(),
    toolCalls: z.number().int(),
    notices: z.number().int(),
    llmRequests: z.number().int().optional(),
    nativeSpans: z.number().int().optional(),
    /** Files not recorded past `store.maxFilesPerSession` (the first ones touched are kept). */
    files: z.number().int().optional(),
    /** Finished subagents dropped past `store.maxToolCallsPerSession` (each is launched by a tool call). */
    subagents: z.number().int().optional(),
  }),
});
export type SessionDetail = z.infer<typeof sessionDetailSchema>;

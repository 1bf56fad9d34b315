import { z } from "zod";

export const EVENT_SOURCES = ["claude-code-hook", "telemetry", "otlp", "import"] as const;
export const eventSourceSchema = z.enum(EVENT_SOURCES);
export type EventSource = z.infer<typeof eventSourceSchema>;

// Amounts beyond these in one report (a request, an export interval, a TelemetryEvent) are not
// usage but a broken or hostile sender: 1e308 dollars twice make every total Infinity.
/** Most tokens one report can carry: a thousand times a 1M-token context. */
export const MAX_TOKENS = 1e9;
/** Most US dollars one report can carry. */
export const MAX_COST_USD = 1e5;
/** The longest duration one report can carry (a week): more is a broken clock, and start = end − duration would leave the dates JavaScript (and OTLP) can hold. */
export const MAX_DURATION_MS = 7 * 24 * 60 * 60 * 1000;

/** Token usage and cost as far as the source reports them; absent counts are 0. */
export const usageSchema = z.object({
  inputTokens: z.number().nonnegative(),
  outputTokens: z.number().nonnegative(),
  cacheReadTokens: z.number().nonnegative(),
  cacheCreationTokens: z.number().nonnegative(),
  /** US dollars; null when the source gives tokens only. */
  costUsd: z.number().nonnegative().nullable(),
  model: z.string().nullable(),
});
export type Usage = z.infer<typeof usageSchema>;

/** A field that was cut to fit the per-event size budget. */
export const trimMarkSchema = z.object({
  /** JSON path of the field inside `payload`, e.g. `tool_response.stdout`. */
  path: z.string(),
  /** Size of the original value in bytes (UTF-8 JSON). */
  originalBytes: z.number().int().nonnegative(),
  /** sha256 of the original value's JSON text, hex. */
  sha256: z.string(),
});
export type TrimMark = z.infer<typeof trimMarkSchema>;

/**
 * The one event shape every stage after ingest works with. Built by `ingest/normalize-*`,
 * stored in the ring, streamed over SSE, mapped to spans. Times are ISO 8601 strings (UTC, ms).
 */
export const normalizedEventSchema = z.object({
  /** Store sequence id: 1, 2, 3, … for the life of the process; also the SSE `id:`. */
  seq: z.number().int().positive(),
  /** Source id (TelemetryEvent.id), the idempotency key, or a generated one. */
  id: z.string(),
  /** When Spanlight accepted the event. */
  receivedAt: z.string(),
  /** When the source says it happened; null when it does not say. */
  sourceTime: z.string().nullable(),
  source: eventSourceSchema,
  /** Hook event name (`PreToolUse`, …) or TelemetryEvent type (`tool_call`, …). */
  type: z.string(),
  sessionId: z.string().nullable(),
  /** Who sent it: X-Spanlight-Agent, TelemetryEvent.agentId, else the host name. */
  agentId: z.string().nullable(),
  hostName: z.string().nullable(),
  containerId: z.string().nullable(),
  workflowId: z.string().nullable(),
  nodeId: z.string().nullable(),
  /** Claude Code subagent (`agent_id`) the event came from; null on the main thread. */
  subagentId: z.string().nullable(),
  subagentType: z.string().nullable(),
  promptId: z.string().nullable(),
  cwd: z.string().nullable(),
  toolName: z.string().nullable(),
  toolUseId: z.string().nullable(),
  /** Paths the tool reads, writes or searches, as given in its input. */
  filePaths: z.array(z.string()),
  /** Bash command (or TelemetryEvent.command), redacted. */
  command: z.string().nullable(),
  /** Milliseconds, as reported by the source (e.g. PostToolUse `duration_ms`). */
  durationMs: z.number().nonnegative().nullable(),
  /** `error` for failures (PostToolUseFailure, StopFailure, agent_error, …). */
  status: z.enum(["ok", "error"]).nullable(),
  error: z.string().nullable(),
  /** One human line: the command, the file, the prompt preview, the error. */
  summary: z.string(),
  usage: usageSchema.nullable(),
  model: z.string().nullable(),
  /** The raw payload as received, after redaction and trimming. */
  payload: z.unknown(),
  trimmed: z.array(trimMarkSchema),
  /** Approximate stored size in bytes; what the ring's byte budget counts. */
  bytes: z.number().int().nonnegative(),
});

export type NormalizedEvent = z.infer<typeof normalizedEventSchema>;

/**
 * A normalized event before the store gives it a sequence id. Producers write `seq: 0` as the
 * literal's last field: the stored object then keeps the shape it was created with (a property
 * added later would cost every kept event an extra heap object).
 */
export type EventDraft = Omit<NormalizedEvent, "seq"> & { seq?: number };

import { z } from "zod";
import { normalizedEventSchema } from "./normalized-event.ts";
import {
  fileTouchSchema,
  modelUsageSchema,
  sessionActivitySchema,
  sessionStatusSchema,
  sessionSummarySchema,
  tokenTotalsSchema,
} from "./session.ts";

/**
 * The wire contract: every JSON body the API returns and every SSE message.
 * The dashboard imports these types only (`import type`), so zod never reaches the bundle.
 */

export const errorBodySchema = z.object({
  error: z.object({
    /** Stable machine-readable code; the table is in src/server/error-codes.ts and the README. */
    code: z.string(),
    message: z.string(),
    /** Field-level problems: `path` is the JSON path (`tokenUsage.inputTokens`, `[3].session_id`). */
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Per-item result of a batch POST. */
export const itemResultSchema = z.union([
  z.object({ index: z.number().int(), status: z.literal("accepted"), seq: z.number().int() }),
  z.object({ index: z.number().int(), status: z.literal("duplicate"), seq: z.number().int().nullable() }),
  z.object({ index: z.number().int(), status: z.literal("rejected"), error: errorBodySchema.shape.error }),
]);
export type ItemResult = z.infer<typeof itemResultSchema>;

export const ingestResponseSchema = z.object({
  accepted: z.number().int(),
  rejected: z.number().int(),
  duplicates: z.number().int(),
  /** Present for batches (JSON array or NDJSON); in the order of the input. */
  results: z.array(itemResultSchema).optional(),
  /** Sequence id of a single accepted event. */
  seq: z.number().int().optional(),
});
export type IngestResponse = z.infer<typeof ingestResponseSchema>;

export const eventsPageSchema = z.object({
  /** Newest first. */
  events: z.array(normalizedEventSchema),
  /** Pass as `cursor` to get the next (older) page; null when there is none. */
  nextCursor: z.string().nullable(),
  /** Sequence id of the oldest event still in the ring (0 when empty). */
  oldestSeq: z.number().int(),
  newestSeq: z.number().int(),
});
export type EventsPage = z.infer<typeof eventsPageSchema>;

export const bufferStatsSchema = z.object({
  events: z.number().int(),
  bytes: z.number().int(),
  /** Configured maximum number of events. */
  capacity: z.number().int(),
  capacityBytes: z.number().int(),
  /** Events dropped from the ring since start (oldest first). */
  evicted: z.number().int(),
  oldestSeq: z.number().int(),
  newestSeq: z.number().int(),
});
export type BufferStats = z.infer<typeof bufferStatsSchema>;

export const toolStatsSchema = z.object({
  toolName: z.string(),
  count: z.number().int(),
  failures: z.number().int(),
  /** failures / finished calls, 0..1. */
  failureRate: z.number(),
  running: z.number().int(),
  /** Milliseconds over the last finished calls (a bounded window per tool); null before any. */
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
});
export type ToolStats = z.infer<typeof toolStatsSchema>;

export const exportStatsSchema = z.object({
  enabled: z.boolean(),
  exported: z.number().int(),
  dropped: z.number().int(),
  failed: z.number().int(),
  queued: z.number().int(),
  lastError: z.string().nullable(),
  /** Where mapping and export run: a worker thread (the default) or the main thread. */
  thread: z.enum(["worker", "main"]).optional(),
});
export type ExportStats = z.infer<typeof exportStatsSchema>;

/** One OTLP signal at the receiver (POST /v1/traces, /v1/logs, /v1/metrics). */
export const otlpSignalStatsSchema = z.object({
  /** Requests with at least one item answered 200 (partial successes included). */
  requests: z.number().int(),
  /** Spans, log records or data points accepted. */
  items: z.number().int(),
  /** Items rejected inside accepted requests (partial success: all-zero ids). */
  rejectedItems: z.number().int(),
  /** When the last request was accepted; null before any. */
  lastAt: z.string().nullable(),
});
export type OtlpSignalStats = z.infer<typeof otlpSignalStatsSchema>;

/** Logs or metrics forwarded to their own OTLP endpoint. */
export const forwardStatsSchema = z.object({
  endpoint: z.string(),
  exported: z.number().int(),
  dropped: z.number().int(),
  failed: z.number().int(),
  queued: z.number().int(),
  lastError: z.string().nullable(),
});

export const otlpStatsSchema = z.object({
  traces: otlpSignalStatsSchema,
  logs: otlpSignalStatsSchema,
  metrics: otlpSignalStatsSchema,
  /** Requests refused with a 4xx (bad encoding, malformed body, too large). */
  rejectedRequests: z.number().int(),
  /** Log records kept as events / left out as start-up noise (docs/otlp.md). */
  storedEvents: z.number().int(),
  skippedLogRecords: z.number().int(),
  /** Native spans handed to the OTLP exporter (its counters are in `export`). */
  forwardedSpans: z.number().int(),
  forwardLogs: forwardStatsSchema.nullable(),
  forwardMetrics: forwardStatsSchema.nullable(),
});
export type OtlpStats = z.infer<typeof otlpStatsSchema>;

export const statsSchema = z.object({
  totalEvents: z.number().int(),
  /** Error events / all events, 0..1. */
  errorRate: z.number(),
  /** Events received in the last 60 s. */
  eventsPerMinute: z.number().int(),
  activeSessions: z.number().int(),
  waitingSessions: z.number().int(),
  sessions: z.number().int(),
  /** Session summaries dropped past `store.maxSessions` since start (least recently active first). */
  sessionsEvicted: z.number().int(),
  byType: z.record(z.string(), z.number().int()),
  totalCostUsd: z.number(),
  tokens: tokenTotalsSchema,
  tools: z.array(toolStatsSchema),
  /** Most frequent error messages, most frequent first. */
  topErrors: z.array(z.object({ message: z.string(), count: z.number().int(), lastAt: z.string() })),
  /** Events per minute for the last 15 minutes, oldest first (15 buckets). */
  perMinute: z.array(z.object({ at: z.string(), count: z.number().int() })),
  buffer: bufferStatsSchema,
  /** Ingest requests rejected (4xx) since start. */
  rejected: z.number().int(),
  export: exportStatsSchema,
  /** totalCostUsd and tokens per model, by the same rule as sessions (docs/otlp.md). */
  models: z.array(modelUsageSchema).optional(),
  /** Sums of the sessions' metric counters. */
  activity: sessionActivitySchema.optional(),
  /** The OTLP receiver; absent on servers without it. */
  otlp: otlpStatsSchema.optional(),
});
export type Stats = z.infer<typeof statsSchema>;

export const agentSchema = z.object({
  /** Agent id (`agentId@containerId` for the same agent id in a second container), or `container:<id>` for a container without an agent id. */
  key: z.string(),
  agentId: z.string().nullable(),
  containerId: z.string().nullable(),
  hostName: z.string().nullable(),
  workflowId: z.string().nullable(),
  nodeId: z.string().nullable(),
  currentSessionId: z.string().nullable(),
  status: sessionStatusSchema,
  currentStepIndex: z.number().int().nullable(),
  currentStepName: z.string().nullable(),
  currentTool: z.string().nullable(),
  lastEventAt: z.string(),
  eventCount: z.number().int(),
  eventsPerMinute: z.number().int(),
  sessionIds: z.array(z.string()),
});
export type Agent = z.infer<typeof agentSchema>;

/** One file across every session that touched it, most recent first. */
export const fileRowSchema = fileTouchSchema.extend({
  /** Sessions that touched it, most recently active first; `label` is the project or a short id. */
  sessions: z.array(z.object({ sessionId: z.string(), label: z.string() })),
});
export type FileRow = z.infer<typeof fileRowSchema>;

export const healthSchema = z.object({
  status: z.literal("ok"),
  /** Seconds since start. */
  uptime: z.number(),
  /** Open SSE connections. */
  connections: z.number().int(),
  version: z.string(),
  buffer: z.object({ events: z.number().int(), bytes: z.number().int(), capacity: z.number().int() }),
  export: exportStatsSchema,
});
export type Health = z.infer<typeof healthSchema>;

/** SSE messages: `event:` is `kind`, `data:` is `data`; only `event` messages carry an `id:`. */
export const streamMessageSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("hello"),
    data: z.object({
      bootId: z.string(),
      version: z.string(),
      oldestSeq: z.number().int(),
      newestSeq: z.number().int(),
      heartbeatMs: z.number().int(),
    }),
  }),
  z.object({ kind: z.literal("event"), data: normalizedEventSchema }),
  z.object({ kind: z.literal("sessions"), data: z.array(sessionSummarySchema) }),
  z.object({ kind: z.literal("stats"), data: statsSchema }),
  /** The requested Last-Event-ID fell out of the ring: refetch; replay continues from `oldestSeq`. */
  z.object({
    kind: z.literal("gap"),
    data: z.object({ lastEventId: z.number().int(), oldestSeq: z.number().int(), missed: z.number().int() }),
  }),
  /** The Last-Event-ID is from another server run (ids restart at 1): drop local state and refetch. */
  z.object({
    kind: z.literal("reset"),
    data: z.object({ lastEventId: z.number().int(), newestSeq: z.number().int(), bootId: z.string() }),
  }),
  /** The client read too slowly; the server closes the stream after this message. */
  z.object({ kind: z.literal("overflow"), data: z.object({ queued: z.number().int(), limit: z.number().int() }) }),
]);
export type StreamMessage = z.infer<typeof streamMessageSchema>;
export type StreamMessageKind = StreamMessage["kind"];

export type { NormalizedEvent, Usage } from "./normalized-event.ts";
export type {
  FileTouch,
  LlmRequest,
  ModelUsage,
  NativeSpan,
  NativeToolInfo,
  Notice,
  SessionActivity,
  SessionDetail,
  SessionStatus,
  SessionSummary,
  Subagent,
  TokenTotals,
  ToolCall,
  Turn,
  UsageSource,
} from "./session.ts";

import { z } from "zod";

const KIB = 1024;
const MIB = 1024 * KIB;

/**
 * The bearer token. Surrounding whitespace is trimmed because clients trim the header they send
 * (a token read from a CRLF env file would otherwise lock every client out); what is left must be
 * 8+ printable ASCII characters, since it travels in an HTTP header. Errors never echo the value.
 */
const tokenSchema = z
  .string()
  .trim()
  .min(8, "expected 8+ characters besides surrounding whitespace")
  .regex(/^[\x20-\x7e]+$/, "expected printable ASCII characters only (it is sent in an HTTP header)");

/**
 * Every setting with its default. Each limit carries the reason for its default;
 * docs/configuration.md renders the same table for users. Objects are strict so that a
 * misspelt setting stops the start instead of silently leaving the default in place.
 */
// `localhost:4318` is a valid URL (scheme "localhost:"), and would only fail at the first export.
const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//i.test(u), "expected an http:// or https:// URL");

/**
 * A name the Host guard and the cross-site guard compare with what a browser sends: lower case,
 * IPv6 in brackets, no port (the guards compare names only, and a 403 quotes the whole `Host`
 * header, port included, so that is what people paste here).
 */
const allowedHost = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(\[[0-9a-f:.]+\]|[0-9a-f:.]*:[0-9a-f:.]*:[0-9a-f:.]*|[^\s/:@[\]]+)(:\d+)?$/, {
    message: 'expected a host name such as "spanlight.lan" or "spanlight.lan:9292" (no scheme or path)',
  })
  .transform((h) => {
    if (h.startsWith("[")) return h.slice(0, h.indexOf("]") + 1);
    // Two colons or more: a bare IPv6 address (which has no port without brackets).
    if (h.split(":").length > 2) return `[${h}]`;
    return h.split(":")[0]!;
  });

export const configSchema = z.strictObject({
  /** Editors write a JSON schema reference at the top of a config file; it is not a setting. */
  $schema: z.string().optional(),
  server: z
    .strictObject({
      // `[::1]` is how an IPv6 address is written in a URL; listen() wants it bare.
      host: z
        .string()
        // A value from a CRLF env file keeps its "\r": listen() would fail on it, or worse, the
        // loopback check would not recognise "127.0.0.1\r" and demand a token.
        .trim()
        .min(1)
        .transform((h) => h.replace(/^\[(.+)\]$/, "$1"))
        .default("127.0.0.1"),
      port: z.number().int().min(0).max(65535).default(9292),
      /** Bearer token for ingest and API; required when host is not loopback. */
      token: tokenSchema.nullable().default(null),
      /** Extra Host header names accepted besides the bound address and localhost (DNS-rebinding guard). */
      allowedHosts: z.array(allowedHost).default([]),
    })
    .prefault({}),
  limits: z
    .strictObject({
      // Hooks carry whole files: a Write its content twice, an Edit the original file, so editing
      // a 2 MB lockfile posts 2+ MB, which a 1 MiB limit lost for good (a hook drops a payload the
      // server will never take). 8 MiB takes files up to ~4 MB; redacting and parsing an 8 MB body
      // holds the event loop ~70-110 ms (up to ~0.7 s when dense with secrets), and what is kept
      // of it is cut to limits.eventBytes.
      bodyBytes: z
        .number()
        .int()
        .min(KIB)
        .default(8 * MIB),
      // Most events are far smaller; were all this large, store.maxBytes would bound the ring first.
      eventBytes: z
        .number()
        .int()
        .min(KIB)
        .default(10 * KIB),
      // No single string (before the event budget applies) is kept beyond this many characters.
      stringChars: z.number().int().min(64).default(4096),
      // Real payloads nest < 10 deep; deeper JSON is a mistake or an attack on recursive code.
      jsonDepth: z.number().int().min(4).default(64),
      // Items in one JSON-array or NDJSON batch; the hook spool flushes in batches of at most 50.
      batchItems: z.number().int().min(1).default(1000),
    })
    .prefault({}),
  store: z
    .strictObject({
      // A busy session makes ~1,000 events an hour: ten such hours of history.
      maxEvents: z.number().int().min(10).default(10_000),
      maxBytes: z
        .number()
        .int()
        .min(MIB)
        .default(64 * MIB),
      // Session summaries outlive the ring; the oldest idle ones go first past this count.
      maxSessions: z.number().int().min(1).default(1000),
      // Per-session bounded lists, so one endless session cannot grow without bound.
      maxTurnsPerSession: z.number().int().min(1).default(500),
      maxToolCallsPerSession: z.number().int().min(1).default(5000),
      maxFilesPerSession: z.number().int().min(1).default(2000),
      // Tool calls, LLM requests, native spans and subagents held by all sessions together (~600
      // bytes each with their turns and files): past it the least recently active idle sessions
      // go, checked at each sweep (every few s).
      maxCalls: z.number().int().min(100).default(200_000),
      // A running turn with no event for this long is marked interrupted (Esc fires no hook).
      turnIdleTimeoutMs: z
        .number()
        .int()
        .min(1000)
        .default(10 * 60_000),
      // Idempotency keys remembered for duplicate detection (hook spool redelivery).
      idempotencyKeys: z.number().int().min(0).default(20_000),
    })
    .prefault({}),
  stream: z
    .strictObject({
      maxClients: z.number().int().min(1).default(100),
      // Messages queued for one SSE client before it counts as too slow and is disconnected.
      clientQueue: z.number().int().min(8).default(2000),
      heartbeatMs: z.number().int().min(1000).default(15_000),
      statsIntervalMs: z.number().int().min(100).default(1000),
      retryMs: z.number().int().min(100).default(2000),
    })
    .prefault({}),
  otel: z
    .strictObject({
      export: z
        .strictObject({
          enabled: z.boolean().default(false),
          endpoint: httpUrl.default("http://localhost:4318/v1/traces"),
          headers: z.record(z.string(), z.string()).default({}),
          protocol: z.enum(["http/json", "http/protobuf"]).default("http/protobuf"),
          batchSize: z.number().int().min(1).default(512),
          delayMs: z.number().int().min(0).default(1000),
          // Spans waiting for export; past this they are dropped and counted, never blocking ingest.
          maxQueue: z.number().int().min(1).default(20_000),
          timeoutMs: z.number().int().min(100).default(10_000),
          // Extra attempts for a batch after a retryable failure (backoff 1 s, 2 s, 4 s, 8 s): rides
          // out a collector restart; a longer outage counts the batch as failed and moves on.
          retries: z.number().int().min(0).max(10).default(4),
          // Mapping, encoding and sending on a worker thread, off the event loop that answers hooks.
          // false keeps it all on the main thread (one thread less, e.g. on a one-CPU container).
          worker: z.boolean().default(true),
        })
        .prefault({}),
      capture: z
        .strictObject({
          prompts: z.boolean().default(false),
          toolInput: z.boolean().default(false),
          toolOutput: z.boolean().default(false),
        })
        .prefault({}),
      serviceName: z.string().min(1).default("claude-code"),
      resourceAttributes: z.record(z.string(), z.string()).default({}),
      jaegerUrl: httpUrl.nullable().default("http://localhost:16686"),
      // Open spans are ended as incomplete after these; long builds and subagents need minutes.
      toolTimeoutMs: z
        .number()
        .int()
        .min(1000)
        .default(30 * 60_000),
      turnTimeoutMs: z
        .number()
        .int()
        .min(1000)
        .default(60 * 60_000),
      maxOpenSpans: z.number().int().min(16).default(10_000),
      // Attribute string values are capped (backends reject or truncate huge attributes).
      maxAttributeChars: z.number().int().min(16).default(4096),
      // Forward Claude Code's own OTLP spans to the export endpoint.
      forwardNative: z.boolean().default(true),
    })
    .prefault({}),
});

/** The resolved configuration: every field present. */
export type Config = z.infer<typeof configSchema>;
/** What a config file, env or flags may give: any subset. */
export type ConfigInput = z.input<typeof configSchema>;

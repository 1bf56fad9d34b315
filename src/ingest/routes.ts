import { Hono } from "hono";
import type { Config } from "../config/config-schema.ts";
import { eventIdentity } from "../schema/event-identity.ts";
import type { EventDraft, IngestResponse, ItemResult } from "../schema/mod.ts";
import { ApiError } from "../server/api-error.ts";
import { boundedKey, readContext } from "./context.ts";
import { plausibleTime } from "./event-time.ts";
import { ingestMediaError, parseBody } from "./parse-json.ts";
import { readBody } from "./read-body.ts";
import { type IngestKind, toDraft } from "./validate.ts";

/** Where accepted events go (the store); declared here so ingest does not import the stage after it. */
export type EventSink = {
  append(
    draft: EventDraft,
    idempotencyKey: string | null,
  ): { status: "accepted"; event: { seq: number } } | { status: "duplicate"; seq: number | null };
  countRejected(n: number): void;
};

export type IngestOptions = {
  limits: Config["limits"];
  sink: EventSink;
  now: () => number;
  newId?: () => string;
};

function listHeader(value: string | null, index: number, batch: boolean): string | null {
  if (value === null) return null;
  if (!batch) return value;
  const parts = value.split(",");
  return parts[index]?.trim() || null;
}

/** Event ids unique across server runs without a random draw per event: a run prefix and a counter. */
function sequentialIds(): () => string {
  const run = crypto.randomUUID().slice(0, 8);
  let n = 0;
  return () => `${run}-${++n}`;
}

/** What an ingest request is answered with; the same whichever transport carried it. */
export type IngestReply = { status: number; body: IngestResponse | null };

/** Header lookup: a Web `Headers`, or a thin view over Node's incoming headers. */
export type HeaderGetter = { get(name: string): string | null };

export const INGEST_PATHS: Readonly<Record<string, IngestKind>> = {
  "/v1/hooks/claude-code": "hook",
  "/hooks": "hook",
  "/telemetry": "telemetry",
};

/**
 * Ingest of one request body (already read within limits.bodyBytes): parse, validate, normalize,
 * store, reply. Store, then reply: nothing here waits on export or fan-out (listeners only
 * enqueue). Throws ApiError for a request that is rejected as a whole.
 */
export function createIngest({ limits, sink, now, newId = sequentialIds() }: IngestOptions) {
  // Under load many requests arrive within the same millisecond: format their time once.
  let lastMs = Number.NaN;
  let lastIso = "";
  function receivedAtIso(): string {
    const ms = now();
    if (ms !== lastMs) {
      lastMs = ms;
      lastIso = new Date(ms).toISOString();
    }
    return lastIso;
  }

  return function ingest(kind: IngestKind, bytes: Uint8Array, headers: HeaderGetter): IngestReply {
    let parsed: ReturnType<typeof parseBody>;
    try {
      const contentType = headers.get("content-type");
      const refused = ingestMediaError(contentType, headers.get("content-encoding"));
      if (refused) throw refused;
      parsed = parseBody(bytes, contentType, limits);
    } catch (err) {
      sink.countRejected(1);
      throw err;
    }
    const context = readContext(headers);
    const receivedAt = receivedAtIso();
    const timeHeader = headers.get("x-spanlight-time");
    const batch = parsed.kind === "batch";
    const items = parsed.kind === "single" ? [{ ok: true as const, value: parsed.value }] : parsed.items;

    const results: ItemResult[] = items.map((item, index): ItemResult => {
      const prefix = batch ? `[${index}]` : "";
      if (!item.ok) return { index, status: "rejected", error: withPrefix(item.error, prefix).toBody().error };
      const listed = listHeader(context.idempotencyKey, index, batch);
      const key = listed === null ? null : boundedKey(listed);
      const rx = {
        id: key ?? newId(),
        receivedAt,
        sourceTime: plausibleTime(listHeader(timeHeader, index, batch), receivedAt),
        context,
      };
      const draft = toDraft(kind, item.value, rx, limits, prefix, batch ? undefined : bytes.byteLength);
      if (!draft.ok) return { index, status: "rejected", error: draft.error.toBody().error };
      // TelemetryEvent ids are unique per event and agent by contract: they double as idempotency keys.
      const res = sink.append(draft.draft, key ?? (kind === "telemetry" ? eventIdentity(draft.draft) : null));
      return res.status === "accepted"
        ? { index, status: "accepted", seq: res.event.seq }
        : { index, status: "duplicate", seq: res.seq };
    });

    const rejected = results.filter((r) => r.status === "rejected").length;
    if (rejected > 0) sink.countRejected(rejected);
    if (!batch) {
      const only = results[0]!;
      if (only.status === "rejected") {
        const e = only.error;
        throw new ApiError(e.code as never, e.message, e.issues);
      }
      // Claude Code parses a 2xx body from an HTTP hook as a decision: the hook reply must be empty.
      if (kind === "hook") return { status: 204, body: null };
      return {
        status: 202,
        body: {
          accepted: only.status === "accepted" ? 1 : 0,
          rejected: 0,
          duplicates: only.status === "duplicate" ? 1 : 0,
          ...(only.seq !== null ? { seq: only.seq } : {}),
        },
      };
    }
    const body: IngestResponse = {
      accepted: results.filter((r) => r.status === "accepted").length,
      rejected,
      duplicates: results.filter((r) => r.status === "duplicate").length,
      results,
    };
    // Some items stored: 202 with per-item results; nothing stored because every item was bad: 400.
    return { status: rejected === results.length && results.length > 0 ? 400 : 202, body };
  };
}

/** POST /v1/hooks/claude-code (alias /hooks) and POST /telemetry as Hono routes. */
export function ingestRoutes(options: IngestOptions): Hono {
  const app = new Hono();
  const ingest = createIngest(options);
  async function handle(req: Request, kind: IngestKind): Promise<Response> {
    let bytes: Uint8Array;
    try {
      bytes = await readBody(req, options.limits.bodyBytes);
    } catch (err) {
      options.sink.countRejected(1);
      throw err;
    }
    const reply = ingest(kind, bytes, req.headers);
    return reply.body === null
      ? new Response(null, { status: reply.status })
      : Response.json(reply.body, { status: reply.status });
  }
  for (const [path, kind] of Object.entries(INGEST_PATHS)) app.post(path, (c) => handle(c.req.raw, kind));
  return app;
}

function withPrefix(error: ApiError, prefix: string): ApiError {
  if (!prefix) return error;
  return new ApiError(error.code, `${prefix}: ${error.message}`, error.issues);
}

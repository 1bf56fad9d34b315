import { Hono } from "hono";
import type { Config } from "../config/config-schema.ts";
import type { EventDraft, IngestResponse, ItemResult } from "../schema/mod.ts";
import { ApiError } from "../server/api-error.ts";
import { readContext } from "./context.ts";
import { parseBody } from "./parse-json.ts";
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

function parseTime(value: string | null): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/**
 * POST /v1/hooks/claude-code (alias /hooks) and POST /telemetry. Store, then reply: nothing here
 * waits on export or fan-out (listeners only enqueue).
 */
export function ingestRoutes({ limits, sink, now, newId = () => crypto.randomUUID() }: IngestOptions): Hono {
  const app = new Hono();

  async function ingest(req: Request, kind: IngestKind): Promise<Response> {
    let bytes: Uint8Array;
    try {
      bytes = await readBody(req, limits.bodyBytes);
    } catch (err) {
      sink.countRejected(1);
      throw err;
    }
    let parsed: ReturnType<typeof parseBody>;
    try {
      parsed = parseBody(bytes, req.headers.get("content-type"), limits);
    } catch (err) {
      sink.countRejected(1);
      throw err;
    }
    const context = readContext(req.headers);
    const receivedAt = new Date(now()).toISOString();
    const timeHeader = req.headers.get("x-spanlight-time");
    const batch = parsed.kind === "batch";
    const items = parsed.kind === "single" ? [{ ok: true as const, value: parsed.value }] : parsed.items;

    const results: ItemResult[] = items.map((item, index): ItemResult => {
      const prefix = batch ? `[${index}]` : "";
      if (!item.ok) return { index, status: "rejected", error: withPrefix(item.error, prefix).toBody().error };
      const key = listHeader(context.idempotencyKey, index, batch);
      const rx = {
        id: key ?? newId(),
        receivedAt,
        sourceTime: parseTime(listHeader(timeHeader, index, batch)),
        context,
      };
      const draft = toDraft(kind, item.value, rx, limits, prefix);
      if (!draft.ok) return { index, status: "rejected", error: draft.error.toBody().error };
      // TelemetryEvent ids are unique per event by contract: they double as idempotency keys.
      const res = sink.append(draft.draft, key ?? (kind === "telemetry" ? `telemetry:${draft.draft.id}` : null));
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
      if (kind === "hook") return new Response(null, { status: 204 });
      const body: IngestResponse = {
        accepted: only.status === "accepted" ? 1 : 0,
        rejected: 0,
        duplicates: only.status === "duplicate" ? 1 : 0,
        ...(only.seq !== null ? { seq: only.seq } : {}),
      };
      return Response.json(body, { status: 202 });
    }
    const body: IngestResponse = {
      accepted: results.filter((r) => r.status === "accepted").length,
      rejected,
      duplicates: results.filter((r) => r.status === "duplicate").length,
      results,
    };
    // Some items stored: 202 with per-item results; nothing stored because every item was bad: 400.
    return Response.json(body, { status: rejected === results.length && results.length > 0 ? 400 : 202 });
  }

  app.post("/v1/hooks/claude-code", (c) => ingest(c.req.raw, "hook"));
  app.post("/hooks", (c) => ingest(c.req.raw, "hook"));
  app.post("/telemetry", (c) => ingest(c.req.raw, "telemetry"));
  return app;
}

function withPrefix(error: ApiError, prefix: string): ApiError {
  if (!prefix) return error;
  return new ApiError(error.code, `${prefix}: ${error.message}`, error.issues);
}

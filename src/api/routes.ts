import { Hono } from "hono";
import type { z } from "zod";
import type { ExportStats, Health } from "../schema/mod.ts";
import { ApiError, formatPath } from "../server/api-error.ts";
import { eventFilterSchema, type SessionLinker, type Store, type TraceLinker, toSessionDetail } from "../store/mod.ts";
import { parseEventId, SSE_HEADERS, type StreamHub } from "../stream/mod.ts";

export type ApiOptions = {
  store: Store;
  hub: StreamHub;
  version: string;
  startedAtMs: number;
  now: () => number;
  exportStats: () => ExportStats;
  linkTrace?: TraceLinker;
  linkSession?: SessionLinker;
};

function parseQuery<T extends z.ZodType>(schema: T, query: Record<string, string>): z.infer<T> {
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  throw new ApiError("invalid_query", `${issues[0]?.path}: ${issues[0]?.message}`, issues);
}

const streamFilterSchema = eventFilterSchema.omit({ limit: true, cursor: true });

/**
 * A sequence id from a path or header: decimal digits only (`Number()` would also take `0x2`,
 * `2.0` or `1e3`) and within the range a number holds exactly, else 400 naming where it came from.
 */
function parseSeq(raw: string, where: string, min: 0 | 1): number {
  const seq = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (Number.isSafeInteger(seq) && seq >= min) return seq;
  const expected = min === 1 ? "a positive integer" : "a non-negative integer";
  throw new ApiError("invalid_query", `${where} must be a sequence id (${expected}); got "${raw.slice(0, 40)}".`, [
    { path: where, message: `expected ${expected}` },
  ]);
}

/** The query API and the SSE stream: read-only views of the store. */
export function apiRoutes({
  store,
  hub,
  version,
  startedAtMs,
  now,
  exportStats,
  linkTrace,
  linkSession,
}: ApiOptions): Hono {
  const app = new Hono();

  app.get("/api/events", (c) => c.json(store.query(parseQuery(eventFilterSchema, c.req.query()))));

  app.get("/api/events/:seq", (c) => {
    const event = store.event(parseSeq(c.req.param("seq"), "seq", 1));
    if (!event)
      throw new ApiError("not_found", `No event ${c.req.param("seq")} in the ring (evicted or never stored).`);
    return c.json(event);
  });

  app.get("/api/sessions", (c) => c.json(store.sessions()));

  app.get("/api/sessions/:id", (c) => {
    const state = store.session(c.req.param("id"));
    if (!state) throw new ApiError("not_found", `No session "${c.req.param("id")}".`);
    return c.json(toSessionDetail(state, linkTrace, linkSession));
  });

  app.get("/api/files", (c) => c.json(store.files()));
  app.get("/api/stats", (c) => c.json(store.stats(exportStats())));
  app.get("/api/tools", (c) => c.json(store.tools()));
  app.get("/api/agents", (c) => c.json(store.agents()));

  app.get("/api/stream", (c) => {
    const { lastEventId: lastQuery, bootId, token: _token, ...rest } = c.req.query();
    const filter = parseQuery(streamFilterSchema, rest);
    const raw = c.req.header("last-event-id") ?? lastQuery ?? null;
    // The id an event carried (`130@1a2b3c4d`, its run's tag after the @), or a bare sequence id.
    const parsed = raw === null ? null : parseEventId(raw);
    const lastEventId = raw === null ? null : (parsed?.seq ?? parseSeq(raw, "lastEventId", 0));
    // HEAD gets the headers only: it must not open a stream, whose client slot nothing would free.
    if (c.req.method === "HEAD") return new Response(null, { headers: SSE_HEADERS });
    return hub.connect(filter, lastEventId, bootId ?? null, parsed?.runTag ?? null);
  });

  app.get("/status", (c) => {
    const stats = store.stats(exportStats());
    return c.json({
      status: "ok",
      version,
      uptime: Math.round((now() - startedAtMs) / 1000),
      ingest: { totalEvents: stats.totalEvents, eventsPerMinute: stats.eventsPerMinute, rejected: stats.rejected },
      sessions: {
        total: stats.sessions,
        active: stats.activeSessions,
        waiting: stats.waitingSessions,
        evicted: stats.sessionsEvicted,
      },
      stream: { connections: hub.connections, overflows: hub.overflows },
      buffer: stats.buffer,
      export: stats.export,
    });
  });

  return app;
}

/** `GET /health` (status, uptime, version, plus the buffer and export counters); never requires a token. */
export function healthRoute({ store, hub, version, startedAtMs, now, exportStats }: ApiOptions): Hono {
  const app = new Hono();
  app.get("/health", (c) => {
    const b = store.buffer();
    const body: Health = {
      status: "ok",
      uptime: Math.round((now() - startedAtMs) / 1000),
      connections: hub.connections,
      version,
      buffer: { events: b.events, bytes: b.bytes, capacity: b.capacity },
      export: exportStats(),
    };
    return c.json(body);
  });
  return app;
}

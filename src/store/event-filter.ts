import { z } from "zod";
import type { NormalizedEvent } from "../schema/mod.ts";

// ISO 8601 only: Date.parse alone also takes "May 5" or "a 1" and would silently filter by a guess.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

const list = z
  .string()
  .transform((s) =>
    s
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .optional();

/** Filters shared by `GET /api/events` and `GET /api/stream` (query parameters). */
export const eventFilterSchema = z.object({
  sessionId: z.string().optional(),
  agentId: z.string().optional(),
  /** One type or a comma-separated list. */
  type: list,
  tool: list,
  /** ISO time (events received at or after it) or a sequence id (events after it). */
  since: z
    .string()
    .refine(
      (s) => /^\d+$/.test(s) || (ISO_TIME.test(s) && !Number.isNaN(Date.parse(s))),
      "expected an ISO 8601 time or a sequence id",
    )
    .optional(),
  /** Case-insensitive text search over summary, ids, tool, command, paths, error and payload. */
  q: z.string().max(500).optional(),
  // `limit=` (a form or a template with nothing filled in) means the default, not 0 clamped to 1.
  limit: z
    .preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().default(200))
    .transform((n) => Math.min(1000, Math.max(1, n))),
  /** Opaque cursor from `nextCursor`: returns events older than it. */
  cursor: z.string().regex(/^\d+$/, "expected a cursor from nextCursor").optional(),
});
export type EventFilter = z.infer<typeof eventFilterSchema>;

export type CompiledFilter = (e: NormalizedEvent) => boolean;

export function compileFilter(f: Omit<EventFilter, "limit" | "cursor">): CompiledFilter {
  const types = f.type && f.type.length > 0 ? new Set(f.type) : null;
  const tools = f.tool && f.tool.length > 0 ? new Set(f.tool) : null;
  const sinceSeq = f.since && /^\d+$/.test(f.since) ? Number(f.since) : null;
  const sinceTime = f.since && sinceSeq === null ? new Date(f.since).toISOString() : null;
  const q = f.q ? f.q.toLowerCase() : null;
  return (e) => {
    if (f.sessionId && e.sessionId !== f.sessionId) return false;
    if (f.agentId && e.agentId !== f.agentId && e.containerId !== f.agentId && e.subagentId !== f.agentId) return false;
    if (types && !types.has(e.type)) return false;
    if (tools && (!e.toolName || !tools.has(e.toolName))) return false;
    if (sinceSeq !== null && e.seq <= sinceSeq) return false;
    if (sinceTime !== null && e.receivedAt < sinceTime) return false;
    if (q && !matchesText(e, q)) return false;
    return true;
  };
}

function matchesText(e: NormalizedEvent, q: string): boolean {
  const fields = [
    e.summary,
    e.type,
    e.sessionId,
    e.agentId,
    e.containerId,
    e.toolName,
    e.command,
    e.error,
    e.subagentType,
    ...e.filePaths,
  ];
  for (const f of fields) if (f?.toLowerCase().includes(q)) return true;
  return (JSON.stringify(e.payload) ?? "").toLowerCase().includes(q);
}

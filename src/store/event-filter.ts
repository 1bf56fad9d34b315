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
  const q = f.q ? textMatcher(f.q) : null;
  return (e) => {
    if (f.sessionId && e.sessionId !== f.sessionId) return false;
    if (f.agentId && e.agentId !== f.agentId && e.containerId !== f.agentId && e.subagentId !== f.agentId) return false;
    if (types && !types.has(e.type)) return false;
    if (tools && (!e.toolName || !tools.has(e.toolName))) return false;
    if (sinceSeq !== null && e.seq <= sinceSeq) return false;
    if (sinceTime !== null && e.receivedAt < sinceTime) return false;
    if (q && !q(e)) return false;
    return true;
  };
}

// Characters of JSON's own syntax, or that JSON.stringify escapes: a search holding one can only be
// meant for the serialized text (`"tool_name":"Bash"`), so it is matched against that.
const JSON_SYNTAX = /["\\{}[\]:,\u0000-\u001f]/;

/**
 * Case-insensitive text search over an event's fields and payload. Each string is tested where
 * it lies, keys included, with one compiled pattern: serializing and lower-casing every payload
 * made a search that matches little cost 3x as much over a full ring, on the event loop.
 */
function textMatcher(query: string): (e: NormalizedEvent) => boolean {
  const pattern = new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i");
  if (JSON_SYNTAX.test(query)) {
    return (e) => fieldsMatch(e, pattern) || pattern.test(JSON.stringify(e.payload) ?? "");
  }
  return (e) => fieldsMatch(e, pattern) || valueMatches(e.payload, pattern, 0);
}

function fieldsMatch(e: NormalizedEvent, p: RegExp): boolean {
  if (p.test(e.summary) || p.test(e.type)) return true;
  for (const f of [e.sessionId, e.agentId, e.containerId, e.toolName, e.command, e.error, e.subagentType]) {
    if (f && p.test(f)) return true;
  }
  for (const path of e.filePaths) if (p.test(path)) return true;
  return false;
}

// Stored payloads are at most limits.jsonDepth deep; the bound only guards the recursion.
const MAX_DEPTH = 256;

function valueMatches(v: unknown, p: RegExp, depth: number): boolean {
  if (typeof v === "string") return p.test(v);
  if (typeof v === "number" || typeof v === "boolean" || v === null) return p.test(String(v));
  if (typeof v !== "object" || depth > MAX_DEPTH) return false;
  if (Array.isArray(v)) {
    for (const item of v) if (valueMatches(item, p, depth + 1)) return true;
    return false;
  }
  for (const key in v as Record<string, unknown>) {
    if (p.test(key) || valueMatches((v as Record<string, unknown>)[key], p, depth + 1)) return true;
  }
  return false;
}

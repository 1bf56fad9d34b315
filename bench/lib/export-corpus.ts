/** The export benchmarks' corpus: every captured hook, copied with fresh ids, through the real ingest stage. */
import { configSchema } from "../../src/config/config-schema.ts";
import { toDraft } from "../../src/ingest/mod.ts";
import type { NormalizedEvent } from "../../src/schema/mod.ts";
import { loadHooks, scenarios } from "../../test/helpers/fixtures.ts";

export const defaults = configSchema.parse({});
const CONTEXT = {
  agentId: "bench",
  containerId: null,
  hostName: "bench-host",
  workflowId: null,
  nodeId: null,
  idempotencyKey: null,
};
export const BASE = scenarios().flatMap((s) => loadHooks(s));

/** A captured hook with session/prompt/tool/agent ids made unique for copy `k`. */
export function copyOf(payload: Record<string, unknown>, k: number | string): Record<string, unknown> {
  const suffix = (v: unknown) => (typeof v === "string" ? `${v}-${k}` : v);
  const p: Record<string, unknown> = { ...payload };
  for (const key of ["session_id", "prompt_id", "tool_use_id", "agent_id"]) if (key in p) p[key] = suffix(p[key]);
  if (Array.isArray(p.tool_calls)) {
    p.tool_calls = p.tool_calls.map((c: Record<string, unknown>) => ({ ...c, tool_use_id: suffix(c.tool_use_id) }));
  }
  return p;
}

/**
 * Every captured hook as JSON split where the copy number goes: `parts.join(String(k))` is the body of
 * copy k, so a load generator pays a join per request instead of a copy and a stringify.
 */
export const TEMPLATES: string[][] = BASE.map((h) => JSON.stringify(copyOf(h.payload, "\u0001")).split("\\u0001"));

export type CorpusItem = { payload: Record<string, unknown>; receivedAt: string };

/** Every captured hook `copies` times over, ids unique per copy; `from` offsets the copy numbers. */
export function corpus(copies: number, from = 0): CorpusItem[] {
  const out: CorpusItem[] = [];
  for (let k = from; k < from + copies; k++)
    for (const h of BASE) out.push({ payload: copyOf(h.payload, k), receivedAt: h.receivedAt });
  return out;
}

/** Item `i` of the corpus through the real ingest stage (validate, redact, trim, normalize). */
export function draftOf(item: CorpusItem, i: number) {
  const r = toDraft(
    "hook",
    item.payload,
    { id: `e${i}`, receivedAt: item.receivedAt, sourceTime: null, context: CONTEXT },
    defaults.limits,
  );
  if (!r.ok) throw new Error(r.error.message);
  return r.draft;
}

export function normalize(items: CorpusItem[]): NormalizedEvent[] {
  return items.map((item, i) => ({ ...draftOf(item, i), seq: i + 1 }));
}

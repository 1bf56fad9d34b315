import type { Attributes, FinishedSpan, SpanStatusCode } from "../../../otel/span-command.ts";

/** A span as the golden files show it: times relative to the scenario's first event, children nested. */
export type SpanNode = {
  name: string;
  spanId: string;
  startMs: number;
  durationMs: number;
  status?: { code: SpanStatusCode; message: string | null };
  attributes: Attributes;
  events?: Array<{ name: string; atMs: number; attributes: Attributes }>;
  /** Set when the parent span is not among the exported spans. */
  missingParent?: string;
  children?: SpanNode[];
};
export type SpanTree = { traces: Array<{ traceId: string; spans: SpanNode[] }> };

function byStart(a: { startMs: number; name: string }, b: { startMs: number; name: string }) {
  return a.startMs - b.startMs || a.name.localeCompare(b.name);
}

function sortedAttributes(attrs: Attributes): Attributes {
  return Object.fromEntries(Object.entries(attrs).sort(([a], [b]) => a.localeCompare(b)));
}

/** Finished spans → one tree per trace, traces in order of their first span. */
export function toSpanTree(spans: FinishedSpan[], t0: number): SpanTree {
  const ids = new Set(spans.map((s) => s.spanId));
  const nodes = new Map<string, SpanNode>();
  for (const s of spans) {
    const node: SpanNode = {
      name: s.name,
      spanId: s.spanId,
      startMs: s.startMs - t0,
      durationMs: s.endMs - s.startMs,
      attributes: sortedAttributes(s.attributes),
    };
    if (s.status.code !== "unset") node.status = s.status;
    if (s.events.length > 0) {
      node.events = s.events.map((e) => ({
        name: e.name,
        atMs: e.atMs - t0,
        attributes: sortedAttributes(e.attributes),
      }));
    }
    if (s.parentSpanId && !ids.has(s.parentSpanId)) node.missingParent = s.parentSpanId;
    nodes.set(s.spanId, node);
  }
  const traces = new Map<string, { traceId: string; first: number; spans: SpanNode[] }>();
  for (const s of [...spans].sort(byStart)) {
    const node = nodes.get(s.spanId)!;
    const parent = s.parentSpanId ? nodes.get(s.parentSpanId) : undefined;
    if (parent) {
      parent.children ??= [];
      parent.children.push(node);
      continue;
    }
    let trace = traces.get(s.traceId);
    if (!trace) {
      trace = { traceId: s.traceId, first: s.startMs, spans: [] };
      traces.set(s.traceId, trace);
    }
    trace.spans.push(node);
  }
  for (const node of nodes.values()) node.children?.sort(byStart);
  return {
    traces: [...traces.values()].sort((a, b) => a.first - b.first).map(({ traceId, spans }) => ({ traceId, spans })),
  };
}

/** All nodes of a tree, depth first. */
export function flatten(tree: SpanTree): SpanNode[] {
  const out: SpanNode[] = [];
  const walk = (n: SpanNode) => {
    out.push(n);
    n.children?.forEach(walk);
  };
  for (const t of tree.traces) t.spans.forEach(walk);
  return out;
}

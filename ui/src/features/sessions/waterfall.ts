import type {
  LlmRequest,
  SessionDetail,
  Subagent,
  TokenTotals,
  ToolCall,
  Turn,
} from "../../../../src/schema/session.ts";
import { readablePrompt } from "../../../../src/text/prompt-text.ts";
import { plural } from "../../lib/format.ts";
import { outsideText } from "./outside-group.ts";
import { sumRequests, toLlmRow } from "./waterfall-llm.ts";
import { callAwaitingPermission } from "./waterfall-status.ts";

export type WaterfallRef =
  | { kind: "turn"; index: number }
  | { kind: "tool"; toolUseId: string }
  | { kind: "subagent"; agentId: string }
  /** An LLM request from Claude Code's telemetry; `id` from `llmId`. */
  | { kind: "llm"; id: string }
  | { kind: "group" };

/** One bar of the session timeline, positioned in milliseconds from the session start. */
export type WaterfallRow = {
  /** Stable key: `turn:3`, `tool:<toolUseId>`, `agent:<agentId>`, `llm:<requestId>`, `outside`. */
  key: string;
  ref: WaterfallRef;
  depth: number;
  label: string;
  detail: string;
  startMs: number;
  endMs: number;
  /** False while the item runs (its bar ends at "now"). */
  finished: boolean;
  status: string;
  toolName: string | null;
  /** Rows with children can fold. */
  parent: boolean;
  /** The turn's trace in Jaeger, when OTLP export is on. */
  traceUrl: string | null;
  /** US dollars and tokens of the row's LLM requests (turns, subagents, requests); null when unknown. */
  costUsd: number | null;
  tokens: TokenTotals | null;
  /** LLM requests: where the first token arrived, as a fraction of the bar. */
  firstTokenAt: number | null;
};

export type Waterfall = {
  rows: WaterfallRow[];
  spanMs: number;
  originMs: number;
  /** True when the session has cost or token data to show per row. */
  usage: boolean;
};

export type WaterfallOptions = {
  /** Show LLM requests as their own rows (default true). */
  llmRequests?: boolean;
};

const NO_USAGE = { costUsd: null, tokens: null, firstTokenAt: null } as const;

const ms = (iso: string) => Date.parse(iso);

function byStart<T extends { startedAt: string }>(a: T, b: T): number {
  return a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0;
}

export function rowKey(ref: WaterfallRef): string {
  switch (ref.kind) {
    case "turn":
      return `turn:${ref.index}`;
    case "tool":
      return `tool:${ref.toolUseId}`;
    case "subagent":
      return `agent:${ref.agentId}`;
    case "llm":
      return `llm:${ref.id}`;
    case "group":
      return "outside";
  }
}

/**
 * Lays a session out as Jaeger-style nested bars: turns → tool calls and LLM requests →
 * subagents (under the `Agent` call that launched them) → the subagents' own tool calls and LLM
 * requests. Pure: the session detail, the clock and the folded keys in; rows out.
 */
export function toWaterfall(
  detail: SessionDetail,
  nowMs: number,
  folded: ReadonlySet<string> = new Set(),
  { llmRequests = true }: WaterfallOptions = {},
): Waterfall {
  const originMs = ms(detail.startedAt);
  const rows: WaterfallRow[] = [];
  const endOf = (endedAt: string | null, startedAt: string, durationMs: number | null = null) => {
    if (durationMs !== null) return ms(startedAt) + durationMs - originMs;
    return (endedAt ? ms(endedAt) : nowMs) - originMs;
  };

  const awaiting = callAwaitingPermission(detail);
  const mainCalls = new Map<number | null, ToolCall[]>();
  const subCalls = new Map<string, ToolCall[]>();
  const agentIds = new Set(detail.subagents.map((s) => s.agentId));
  for (const c of [...detail.toolCalls].sort(byStart)) {
    if (c.subagentId && agentIds.has(c.subagentId)) {
      const list = subCalls.get(c.subagentId) ?? [];
      list.push(c);
      subCalls.set(c.subagentId, list);
    } else {
      const list = mainCalls.get(c.turnIndex) ?? [];
      list.push(c);
      mainCalls.set(c.turnIndex, list);
    }
  }
  // A request of a subagent the hooks never announced stays on its turn's main lane.
  const mainLlm = new Map<number | null, LlmRequest[]>();
  const subLlm = new Map<string, LlmRequest[]>();
  const allLlm = [...(detail.llmRequests ?? [])].sort(byStart);
  if (llmRequests) {
    for (const r of allLlm) {
      if (r.subagentId && agentIds.has(r.subagentId)) append(subLlm, r.subagentId, r);
      else append(mainLlm, r.turnIndex, r);
    }
  }
  const byParent = new Map<string, Subagent[]>();
  const unparented = new Map<number | null, Subagent[]>();
  const callIds = new Set(detail.toolCalls.map((c) => c.toolUseId));
  for (const s of [...detail.subagents].sort(byStart)) {
    if (s.parentToolUseId && callIds.has(s.parentToolUseId)) {
      byParent.set(s.parentToolUseId, [...(byParent.get(s.parentToolUseId) ?? []), s]);
    } else unparented.set(s.turnIndex, [...(unparented.get(s.turnIndex) ?? []), s]);
  }

  function pushSubagent(s: Subagent, depth: number) {
    const ref: WaterfallRef = { kind: "subagent", agentId: s.agentId };
    const key = rowKey(ref);
    const calls = subCalls.get(s.agentId) ?? [];
    const llm = subLlm.get(s.agentId) ?? [];
    const used = sumRequests(allLlm.filter((r) => r.subagentId === s.agentId));
    rows.push({
      key,
      ref,
      depth,
      label: s.agentType,
      detail: `${s.background ? "background " : ""}subagent · ${plural(s.toolCallCount, "tool call")}`,
      startMs: ms(s.startedAt) - originMs,
      endMs: endOf(s.endedAt, s.startedAt),
      finished: s.endedAt !== null,
      status: s.status,
      toolName: null,
      parent: calls.length + llm.length > 0,
      traceUrl: null,
      ...used,
      firstTokenAt: null,
    });
    if (folded.has(key)) return;
    const items = [
      ...calls.map((c) => ({ startedAt: c.startedAt, push: () => pushCall(c, depth + 1) })),
      ...llm.map((r) => ({ startedAt: r.startedAt, push: () => rows.push(toLlmRow(r, originMs, depth + 1)) })),
    ];
    for (const item of items.sort(byStart)) item.push();
  }

  function pushCall(c: ToolCall, depth: number) {
    const ref: WaterfallRef = { kind: "tool", toolUseId: c.toolUseId };
    const key = rowKey(ref);
    const children = byParent.get(c.toolUseId) ?? [];
    rows.push({
      key,
      ref,
      depth,
      label: c.toolName,
      detail: c.error ?? c.summary,
      startMs: ms(c.startedAt) - originMs,
      endMs: endOf(c.endedAt, c.startedAt, c.durationMs),
      finished: c.status !== "running",
      // A call blocked on the user's permission waits rather than runs.
      status: c === awaiting ? "waiting" : c.status,
      toolName: c.toolName,
      parent: children.length > 0,
      traceUrl: null,
      ...NO_USAGE,
    });
    if (folded.has(key)) return;
    for (const s of children) pushSubagent(s, depth + 1);
  }

  function pushChildren(turnIndex: number | null, depth: number) {
    const items: Array<{ startedAt: string; push: () => void }> = [
      ...(mainCalls.get(turnIndex) ?? []).map((c) => ({ startedAt: c.startedAt, push: () => pushCall(c, depth) })),
      ...(unparented.get(turnIndex) ?? []).map((s) => ({ startedAt: s.startedAt, push: () => pushSubagent(s, depth) })),
      ...(mainLlm.get(turnIndex) ?? []).map((r) => ({
        startedAt: r.startedAt,
        push: () => rows.push(toLlmRow(r, originMs, depth)),
      })),
    ];
    for (const item of items.sort(byStart)) item.push();
  }

  function pushTurn(t: Turn) {
    const ref: WaterfallRef = { kind: "turn", index: t.index };
    const key = rowKey(ref);
    rows.push({
      key,
      ref,
      depth: 0,
      label: `Turn ${t.index}`,
      detail: readablePrompt(t.promptPreview),
      startMs: ms(t.startedAt) - originMs,
      endMs: endOf(t.endedAt, t.startedAt),
      finished: t.status !== "running" && t.status !== "waiting",
      status: t.status,
      toolName: null,
      parent:
        (mainCalls.get(t.index)?.length ?? 0) +
          (unparented.get(t.index)?.length ?? 0) +
          (mainLlm.get(t.index)?.length ?? 0) >
        0,
      traceUrl: t.traceUrl,
      ...turnUsage(t),
      firstTokenAt: null,
    });
    if (!folded.has(key)) pushChildren(t.index, 1);
  }

  // Top-level rows (turns, and the calls outside any turn) in start order, like everything below them.
  const tops = detail.turns.map((t) => ({ startMs: ms(t.startedAt) - originMs, push: () => pushTurn(t) }));
  // Calls outside any known turn: before the first prompt, or turns dropped by the per-session bound.
  const turnIndexes = new Set(detail.turns.map((t) => t.index));
  const orphanTurns = new Set<number | null>(
    [...mainCalls.keys(), ...unparented.keys(), ...mainLlm.keys()].filter((k) => k === null || !turnIndexes.has(k)),
  );
  if (orphanTurns.size > 0) {
    const spans = [...orphanTurns].flatMap((k) => [
      ...(mainCalls.get(k) ?? []).map((c) => [ms(c.startedAt) - originMs, endOf(c.endedAt, c.startedAt, c.durationMs)]),
      ...(unparented.get(k) ?? []).map((a) => [ms(a.startedAt) - originMs, endOf(a.endedAt, a.startedAt)]),
      ...(mainLlm.get(k) ?? []).map((r) => [ms(r.startedAt) - originMs, ms(r.endedAt) - originMs]),
    ]);
    const outsideLlm = [...orphanTurns].flatMap((k) => mainLlm.get(k) ?? []);
    const hasCalls = [...orphanTurns].some((k) => mainCalls.has(k));
    const hasSubagents = [...orphanTurns].some((k) => unparented.has(k));
    const row: WaterfallRow = {
      key: "outside",
      ref: { kind: "group" },
      depth: 0,
      ...outsideText(detail.source === "telemetry", {
        calls: hasCalls,
        subagents: hasSubagents,
        llm: outsideLlm.length > 0,
      }),
      startMs: Math.min(...spans.map((s) => s[0] as number)),
      endMs: Math.max(...spans.map((s) => s[1] as number)),
      finished: true,
      status: "completed",
      toolName: null,
      parent: true,
      traceUrl: null,
      ...sumRequests(outsideLlm),
      firstTokenAt: null,
    };
    tops.push({
      startMs: row.startMs,
      push: () => {
        rows.push(row);
        if (!folded.has("outside")) for (const k of orphanTurns) pushChildren(k, 1);
      },
    });
  }
  // A stable sort: turns that start together keep their order.
  for (const top of tops.sort((a, b) => a.startMs - b.startMs)) top.push();

  const endMs = Math.max(ms(detail.completedAt ?? detail.lastEventAt) - originMs, ...rows.map((r) => r.endMs), 1);
  const usage = allLlm.length > 0 || detail.turns.some((t) => (t.costUsd ?? 0) > 0 || (t.llmRequestCount ?? 0) > 0);
  return { rows, spanMs: endMs, originMs, usage };
}

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A turn's numbers as the server summed them (its subagents included); null before any request. */
function turnUsage(t: Turn): { costUsd: number | null; tokens: TokenTotals | null } {
  if (!t.llmRequestCount && !t.costUsd) return { costUsd: null, tokens: null };
  return { costUsd: t.costUsd ?? null, tokens: t.tokens ?? null };
}

export function findTurn(detail: SessionDetail, index: number): Turn | null {
  return detail.turns.find((t) => t.index === index) ?? null;
}

import type { LlmRequest, TokenTotals } from "../../../../src/schema/session.ts";
import { formatCount, formatDuration } from "../../lib/format.ts";
import type { WaterfallRow } from "./waterfall.ts";

/**
 * A stable id for an LLM request row: the Anthropic request id when the source gave one, else
 * the native span, else the log event. Keys must survive refetches (selection lives in the URL).
 */
export function llmId(r: LlmRequest): string {
  if (r.requestId) return r.requestId;
  if (r.spanId) return `span-${r.spanId}`;
  if (r.seq !== null) return `seq-${r.seq}`;
  return `at-${r.startedAt}`;
}

export function findLlmRequest(requests: readonly LlmRequest[] | undefined, id: string): LlmRequest | null {
  return requests?.find((r) => llmId(r) === id) ?? null;
}

export function tokensOf(r: Pick<LlmRequest, keyof TokenTotals>): TokenTotals {
  return {
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    cacheReadTokens: r.cacheReadTokens,
    cacheCreationTokens: r.cacheCreationTokens,
  };
}

/** Cost and tokens of some requests; cost stays null when none of them knows its cost (span-only). */
export function sumRequests(requests: readonly LlmRequest[]): { costUsd: number | null; tokens: TokenTotals | null } {
  if (requests.length === 0) return { costUsd: null, tokens: null };
  let cost: number | null = null;
  const tokens = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0 };
  for (const r of requests) {
    if (r.costUsd !== null) cost = (cost ?? 0) + r.costUsd;
    tokens.inputTokens += r.inputTokens;
    tokens.outputTokens += r.outputTokens;
    tokens.cacheReadTokens += r.cacheReadTokens;
    tokens.cacheCreationTokens += r.cacheCreationTokens;
  }
  return { costUsd: cost, tokens };
}

/**
 * Where the first token came, as a fraction of the bar. The bar is the native span, which spans
 * retries; `durationMs` and `ttftMs` are the last attempt's (the log event's), so the attempt
 * starts at end − duration.
 */
export function firstTokenAt(r: LlmRequest, startMs: number, endMs: number): number | null {
  if (r.ttftMs === null) return null;
  const width = endMs - startMs;
  if (width <= 0) return null;
  const attemptStart = r.durationMs !== null ? endMs - r.durationMs : startMs;
  return Math.min(1, Math.max(0, (attemptStart + r.ttftMs - startMs) / width));
}

/** `ttft 35 ms · 2367 in · 76 out · 10.6k cache`, or the error of a failed request. */
export function describeRequest(r: LlmRequest): string {
  if (r.status === "error") {
    return [r.statusCode, r.error ?? "failed", r.attempt !== null ? `(attempt ${r.attempt})` : null]
      .filter((v) => v !== null)
      .join(" ");
  }
  const cache = r.cacheReadTokens + r.cacheCreationTokens;
  // Time to first token leads: the row is narrow, and the tokens column already shows the total.
  return [
    r.ttftMs !== null ? `ttft ${formatDuration(r.ttftMs)}` : null,
    `${formatCount(r.inputTokens)} in`,
    `${formatCount(r.outputTokens)} out`,
    cache > 0 ? `${formatCount(cache)} cache` : null,
  ]
    .filter(Boolean)
    .join(" · ");
}

export function toLlmRow(r: LlmRequest, originMs: number, depth: number): WaterfallRow {
  const startMs = Date.parse(r.startedAt) - originMs;
  const endMs = Math.max(startMs, Date.parse(r.endedAt) - originMs);
  const id = llmId(r);
  return {
    key: `llm:${id}`,
    ref: { kind: "llm", id },
    depth,
    label: r.model ?? "LLM request",
    detail: describeRequest(r),
    startMs,
    endMs,
    finished: true,
    status: r.status,
    toolName: null,
    parent: false,
    traceUrl: null,
    costUsd: r.costUsd,
    tokens: tokensOf(r),
    firstTokenAt: firstTokenAt(r, startMs, endMs),
  };
}

import type { ModelUsage, SessionSummary, TokenTotals, UsageSource } from "../../../src/schema/session.ts";
import { TINY_COST_USD } from "./format.ts";

/** How the dashboard names where cost and token numbers come from (docs/otlp.md, "Counting cost and tokens"). */
export type UsageOrigin = {
  /** One word for table cells. */
  short: "exact" | "metrics" | "reported" | "none";
  /** The rest of "Cost and tokens are …", for the session header. */
  phrase: string;
  /** The same as a sentence, for titles. */
  long: string;
};

/** Shown where no source reported cost: hooks carry none, Claude Code's own telemetry does. */
export const OTEL_HINT = "spanlight init --otel";

const PHRASES: Record<UsageOrigin["short"], string> = {
  exact: "exact, from Claude Code's own telemetry (one api_request event per LLM request)",
  metrics: "from Claude Code's cost and token metrics (totals only: no per-request events arrived)",
  reported: "as reported in the TelemetryEvent envelope (tokenUsage)",
  none: "not reported: hooks carry no cost or tokens",
};

const BY_SOURCE: Record<UsageSource, UsageOrigin["short"]> = {
  otlp_logs: "exact",
  otlp_metrics: "metrics",
  telemetry: "reported",
};

export function toUsageOrigin(source: UsageSource | null | undefined): UsageOrigin {
  const short = source ? BY_SOURCE[source] : "none";
  const phrase = PHRASES[short];
  return { short, phrase, long: phrase.charAt(0).toUpperCase() + phrase.slice(1) };
}

/** Input, output and both cache counts: what the model was billed on. */
export function totalTokens(t: TokenTotals | null | undefined): number {
  return t ? t.inputTokens + t.outputTokens + t.cacheReadTokens + t.cacheCreationTokens : 0;
}

export function hasUsage(s: Pick<SessionSummary, "totalCostUsd" | "tokens" | "usageSource">): boolean {
  return (s.usageSource ?? null) !== null || s.totalCostUsd > 0 || totalTokens(s.tokens) > 0;
}

const EXACT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** Exact token counts with separators (`32,021`), for tables that claim exactness. */
export function formatExact(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? "—" : EXACT.format(n);
}

/** Dollars to the hundredth of a cent that single LLM requests need: `$0.0638`, `$1.2345`. */
export function formatCostFine(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return "—";
  return usd > 0 && usd < TINY_COST_USD ? "<$0.0001" : `$${usd.toFixed(4)}`;
}

/** `5,029 input · 169 output · 32,021 cache read · 17,840 cache write`, for titles. */
export function describeTokens(t: TokenTotals): string {
  return [
    `${formatExact(t.inputTokens)} input`,
    `${formatExact(t.outputTokens)} output`,
    `${formatExact(t.cacheReadTokens)} cache read`,
    `${formatExact(t.cacheCreationTokens)} cache write`,
  ].join(" · ");
}

/** Sessions counted by where their numbers come from, for the Overview's note. */
export function countBySource(sessions: readonly SessionSummary[]): Partial<Record<UsageOrigin["short"], number>> {
  const out: Partial<Record<UsageOrigin["short"], number>> = {};
  for (const s of sessions) {
    const key = toUsageOrigin(hasUsage(s) ? (s.usageSource ?? "telemetry") : null).short;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** Models sorted most expensive first, ties by name, so tables do not reshuffle on equal cost. */
export function sortModels(models: readonly ModelUsage[] | undefined): ModelUsage[] {
  return [...(models ?? [])].sort((a, b) => b.costUsd - a.costUsd || a.model.localeCompare(b.model));
}

import type { ModelUsage, NormalizedEvent, SessionActivity, TokenTotals } from "../schema/mod.ts";
import type { SessionState } from "./session-state.ts";

/**
 * Cost and token accounting without double counting (docs/otlp.md, "Counting cost and tokens").
 * Claude Code reports the same money three times: per request in `api_request` log events, as
 * `cost.usage` / `token.usage` metric sums, and as token attributes on `llm_request` spans.
 * Per session, events win: metric sums count only while no usage event has arrived, and the
 * first usage event withdraws what the metrics had added. Spans never count.
 */

export type UsageAmounts = TokenTotals & { costUsd: number };

export const UNKNOWN_MODEL = "unknown";
// Models broken out per session: a session uses a handful; one inventing names must not grow it.
// Past the bound, usage is counted under OTHER_MODEL, so the session's totals still add up.
const MAX_SESSION_MODELS = 50;
const OTHER_MODEL = "(other)";

export function emptyModelUsage(model: string, requests: number | null): ModelUsage {
  return { model, requests, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0, costUsd: 0 };
}

export function addAmounts(target: TokenTotals & { costUsd?: number }, d: UsageAmounts, sign = 1): void {
  target.inputTokens += sign * d.inputTokens;
  target.outputTokens += sign * d.outputTokens;
  target.cacheReadTokens += sign * d.cacheReadTokens;
  target.cacheCreationTokens += sign * d.cacheCreationTokens;
  if (target.costUsd !== undefined) target.costUsd += sign * d.costUsd;
}

function modelEntry(models: Map<string, ModelUsage>, model: string, requests: number | null): ModelUsage {
  const name = models.has(model) || models.size < MAX_SESSION_MODELS ? model : OTHER_MODEL;
  let m = models.get(name);
  if (!m) {
    m = emptyModelUsage(name, requests);
    models.set(name, m);
  }
  return m;
}

function addToTotals(state: SessionState, d: UsageAmounts, sign: number): void {
  addAmounts(state.tokens, d, sign);
  state.totalCostUsd += sign * d.costUsd;
  // Withdrawing the exact amounts added can leave -0.0000000001 from float rounding.
  if (Math.abs(state.totalCostUsd) < 1e-12) state.totalCostUsd = 0;
}

/**
 * A usage-carrying event (OTLP `api_request`, TelemetryEvent `tokenUsage`) → the session totals.
 * Returns the metric-derived amounts it withdrew, which the store takes off its own totals.
 */
export function applyEventUsage(state: SessionState, e: NormalizedEvent): ModelUsage[] {
  const usage = e.usage;
  if (!usage) return [];
  const withdrawn: ModelUsage[] = [];
  if (state.usageSource === "otlp_metrics") {
    for (const m of state.metricModels.values()) {
      addToTotals(state, m, -1);
      withdrawn.push({ ...m });
    }
  }
  const amounts: UsageAmounts = {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cacheReadTokens: usage.cacheReadTokens,
    cacheCreationTokens: usage.cacheCreationTokens,
    costUsd: usage.costUsd ?? 0,
  };
  addToTotals(state, amounts, 1);
  state.usageSource = e.source === "otlp" || state.usageSource === "otlp_logs" ? "otlp_logs" : "telemetry";
  const model = usage.model ?? e.model ?? UNKNOWN_MODEL;
  const m = modelEntry(state.models, model, 0);
  addAmounts(m, amounts);
  m.requests = (m.requests ?? 0) + 1;
  return withdrawn;
}

/**
 * A metric delta for one model → the session's metric totals; also its cost/token totals while
 * no usage event has arrived. Returns the amounts that entered the totals (for the store's), or null.
 */
export function applyMetricUsage(state: SessionState, model: string, d: UsageAmounts): UsageAmounts | null {
  const m = modelEntry(state.metricModels, model, null);
  addAmounts(m, d);
  state.usageSource ??= "otlp_metrics";
  if (state.usageSource !== "otlp_metrics") return null;
  addToTotals(state, d, 1);
  return d;
}

export function emptyActivity(): SessionActivity {
  return {
    sessionStarts: 0,
    activeTimeUserSec: 0,
    activeTimeCliSec: 0,
    linesAdded: 0,
    linesRemoved: 0,
    commits: 0,
    pullRequests: 0,
    editsAccepted: 0,
    editsRejected: 0,
  };
}

import type { SessionActivity } from "../schema/mod.ts";
import type { MetricUpdate, UsageAmounts } from "../store/mod.ts";
import { stringAttr } from "./any-value.ts";
import { type NumberDataPoint, nanosToIso, type OtlpMetric, type ResourceMetrics } from "./otlp-model.ts";
import { MAX_COST_USD, MAX_TOKENS, usageAmount } from "./usage-bounds.ts";

/**
 * Claude Code's metrics → per-session deltas. Claude Code exports delta sums by default;
 * cumulative sums (OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=cumulative) are turned into
 * deltas against the previous point of the same series, a reset (new start time, lower value)
 * starting over. How the usage deltas avoid double counting with the log events is the store's
 * rule (store/session-usage.ts, docs/otlp.md).
 */

const ZERO: UsageAmounts = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0, costUsd: 0 };

const TOKEN_FIELDS: Record<string, keyof UsageAmounts> = {
  input: "inputTokens",
  output: "outputTokens",
  cacheRead: "cacheReadTokens",
  cacheCreation: "cacheCreationTokens",
};

/** Metric (and the attribute that splits it) → activity counter. */
function activityField(name: string, p: NumberDataPoint): keyof SessionActivity | null {
  const type = stringAttr(p.attributes, "type");
  switch (name) {
    case "claude_code.session.count":
      return "sessionStarts";
    case "claude_code.active_time.total":
      return type === "user" ? "activeTimeUserSec" : "activeTimeCliSec";
    case "claude_code.lines_of_code.count":
      return type === "added" ? "linesAdded" : type === "removed" ? "linesRemoved" : null;
    case "claude_code.commit.count":
      return "commits";
    case "claude_code.pull_request.count":
      return "pullRequests";
    case "claude_code.code_edit_tool.decision": {
      const decision = stringAttr(p.attributes, "decision");
      return decision === "accept" ? "editsAccepted" : decision === "reject" ? "editsRejected" : null;
    }
    default:
      return null;
  }
}

function seriesKey(resource: string, metric: string, p: NumberDataPoint): string {
  const attrs = Object.keys(p.attributes)
    .sort()
    .map((k) => `${k}=${JSON.stringify(p.attributes[k])}`)
    .join(",");
  return `${resource}|${metric}|${attrs}`;
}

// Cumulative series remembered for delta conversion; each Claude Code session has ~10 series.
const MAX_SERIES = 20_000;

export function createMetricDeltas(maxSeries = MAX_SERIES) {
  const last = new Map<string, { start: string; value: number }>();

  /** The increase a data point reports: itself for delta sums, the change since the last point for cumulative ones. */
  function delta(key: string, temporality: number, p: NumberDataPoint): number {
    if (temporality !== 2) return p.value;
    const prev = last.get(key);
    last.delete(key);
    last.set(key, { start: p.startTimeUnixNano, value: p.value });
    if (last.size > maxSeries) last.delete(last.keys().next().value as string);
    if (!prev || prev.start !== p.startTimeUnixNano || p.value < prev.value) return p.value;
    return p.value - prev.value;
  }

  function updatesOf(resourceMetrics: ResourceMetrics[], receivedAt: string): MetricUpdate[] {
    const updates: MetricUpdate[] = [];
    for (const rm of resourceMetrics) {
      const resource = JSON.stringify(rm.resource.attributes);
      for (const sm of rm.scopeMetrics) {
        for (const m of sm.metrics) updates.push(...metricUpdates(m, resource, receivedAt));
      }
    }
    return updates;
  }

  function metricUpdates(m: OtlpMetric, resource: string, receivedAt: string): MetricUpdate[] {
    // Only monotonic sums count up; gauges and histograms say nothing Spanlight adds up.
    if (m.data.kind !== "sum") return [];
    const out: MetricUpdate[] = [];
    for (const p of m.data.points) {
      const value = delta(seriesKey(resource, m.name, p), m.data.temporality, p);
      if (!Number.isFinite(value) || value <= 0) continue;
      const sessionId = stringAttr(p.attributes, "session.id");
      const at = nanosToIso(p.timeUnixNano) ?? receivedAt;
      if (m.name === "claude_code.cost.usage" || m.name === "claude_code.token.usage") {
        if (!sessionId) continue; // without a session there is nothing to check against the log events
        const field =
          m.name === "claude_code.cost.usage" ? "costUsd" : TOKEN_FIELDS[stringAttr(p.attributes, "type") ?? ""];
        if (!field) continue;
        if (usageAmount(value, field === "costUsd" ? MAX_COST_USD : MAX_TOKENS) === null) continue;
        const model = stringAttr(p.attributes, "model") ?? "unknown";
        out.push({ kind: "usage", sessionId, at, model, amounts: { ...ZERO, [field]: value } });
        continue;
      }
      const field = activityField(m.name, p);
      if (field) out.push({ kind: "activity", sessionId, at, field, value });
    }
    return out;
  }

  return { updatesOf, seriesCount: () => last.size };
}

export type MetricDeltas = ReturnType<typeof createMetricDeltas>;

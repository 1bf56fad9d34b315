import type { OtlpSignalStats, Stats } from "../schema/mod.ts";
import type { OtlpSignal } from "./otlp-model.ts";

/**
 * For `spanlight doctor`: does Claude Code's own telemetry reach this server? An empty export
 * proves the route and the token work; the server's OTLP counters say whether real data has
 * arrived since it started, per signal, and whether any was refused.
 */

export type OtlpArrival = {
  /** The receiver answered an empty export with 200. */
  accepting: boolean;
  /** Per signal: null when the server has no OTLP counters (an older server). */
  signals: Record<OtlpSignal, OtlpSignalStats | null>;
  rejectedRequests: number;
  /** One line per finding, ready to print. */
  lines: string[];
  /** ok: all three signals arrived; partial: some; none: receiver works but nothing came yet; failed: it does not work. */
  verdict: "ok" | "partial" | "none" | "failed";
};

const SIGNALS: OtlpSignal[] = ["traces", "logs", "metrics"];

// What to switch on when a signal is missing (Claude Code 2.1 settings `env`).
const MISSING_HINT: Record<OtlpSignal, string> = {
  traces: "OTEL_TRACES_EXPORTER=otlp and CLAUDE_CODE_ENHANCED_TELEMETRY_BETA=1",
  logs: "OTEL_LOGS_EXPORTER=otlp",
  metrics: "OTEL_METRICS_EXPORTER=otlp",
};

export async function checkOtlpArrival(options: {
  baseUrl: string;
  token?: string | null;
  fetch?: typeof fetch;
}): Promise<OtlpArrival> {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, "");
  const auth: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const empty: OtlpArrival["signals"] = { traces: null, logs: null, metrics: null };
  let accepting = false;
  try {
    const res = await doFetch(`${base}/v1/logs`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: '{"resourceLogs":[]}',
    });
    await res.body?.cancel();
    accepting = res.status === 200;
    if (!accepting) {
      return {
        accepting,
        signals: empty,
        rejectedRequests: 0,
        verdict: "failed",
        lines: [`POST ${base}/v1/logs answered ${res.status}${res.status === 401 ? " (token missing or wrong)" : ""}`],
      };
    }
  } catch (err) {
    return {
      accepting,
      signals: empty,
      rejectedRequests: 0,
      verdict: "failed",
      lines: [`${base} is unreachable: ${err instanceof Error ? err.message : String(err)}`],
    };
  }
  let stats: Stats | null = null;
  try {
    const res = await doFetch(`${base}/api/stats`, { headers: auth });
    if (res.ok) stats = (await res.json()) as Stats;
  } catch {
    // Reported below as "no counters".
  }
  const otlp = stats?.otlp;
  if (!otlp) {
    return {
      accepting,
      signals: empty,
      rejectedRequests: 0,
      verdict: "none",
      lines: ["the server accepts OTLP but reports no OTLP counters"],
    };
  }
  const signals = { traces: otlp.traces, logs: otlp.logs, metrics: otlp.metrics };
  const arrived = SIGNALS.filter((s) => signals[s].requests > 0);
  const lines = SIGNALS.map((s) =>
    signals[s].requests > 0
      ? `${s}: ${signals[s].items} received in ${signals[s].requests} exports, last at ${signals[s].lastAt}`
      : `${s}: nothing yet (needs ${MISSING_HINT[s]} in Claude Code's env, and a session run since the server started)`,
  );
  if (otlp.rejectedRequests > 0) lines.push(`${otlp.rejectedRequests} OTLP requests were refused (see the server log)`);
  return {
    accepting,
    signals,
    rejectedRequests: otlp.rejectedRequests,
    lines,
    verdict: arrived.length === SIGNALS.length ? "ok" : arrived.length > 0 ? "partial" : "none",
  };
}

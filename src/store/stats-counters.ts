import type {
  BufferStats,
  ExportStats,
  ModelUsage,
  NormalizedEvent,
  OtlpStats,
  SessionActivity,
  Stats,
} from "../schema/mod.ts";
import { RateWindow } from "./rate-window.ts";
import { emptyTokens } from "./session-state.ts";
import { addAmounts, emptyActivity, emptyModelUsage, UNKNOWN_MODEL, type UsageAmounts } from "./session-usage.ts";
import { ToolStatsTable } from "./tool-stats.ts";

// Distinct error messages tracked for "top errors"; past this the rarest is forgotten.
const MAX_ERROR_KINDS = 200;
// Model names seen store-wide; a handful in practice, bounded against a client inventing them.
const MAX_MODELS = 200;
// Event types broken out in `byType`: Claude Code has a few dozen; any client may invent more.
const MAX_TYPES = 500;
const OTHER_KEY = "(other)";
const TOP_ERRORS = 10;

/** The text an error event is counted under in the top errors. */
export function errorText(e: NormalizedEvent): string {
  return e.error ?? e.summary;
}

function errorKey(message: string): string {
  return message.split("\n")[0]!.slice(0, 200);
}

/** Store-wide counters behind `GET /api/stats`. */
export class StatsCounters {
  readonly tools = new ToolStatsTable();
  readonly #byType = new Map<string, number>();
  readonly #perSecond = new RateWindow(60, 1000);
  readonly #perMinute = new RateWindow(15, 60_000);
  readonly #errors = new Map<string, { count: number; lastAt: string }>();
  readonly #tokens = emptyTokens();
  #total = 0;
  #errorEvents = 0;
  #cost = 0;
  #rejected = 0;
  readonly #models = new Map<string, ModelUsage>();
  readonly #activity = emptyActivity();
  #otlp: (() => OtlpStats) | null = null;

  /** Usage entering (sign 1) or leaving (−1) the totals outside of an event: Claude Code's metrics. */
  adjustUsage(model: string, d: UsageAmounts, sign: 1 | -1, requests: number | null = null): void {
    addAmounts(this.#tokens, d, sign);
    this.#cost += sign * d.costUsd;
    if (Math.abs(this.#cost) < 1e-12) this.#cost = 0;
    const m = this.#model(model, requests === null ? null : 0);
    if (m) {
      addAmounts(m, d, sign);
      if (requests !== null) m.requests = (m.requests ?? 0) + sign * requests;
    }
  }

  addActivity(field: keyof SessionActivity, value: number): void {
    this.#activity[field] += value;
  }

  /** The OTLP receiver's own counters, read at snapshot time. */
  provideOtlp(stats: () => OtlpStats): void {
    this.#otlp = stats;
  }

  #model(model: string, requests: number | null): ModelUsage | null {
    let m = this.#models.get(model);
    if (!m) {
      if (this.#models.size >= MAX_MODELS) return null;
      m = emptyModelUsage(model, requests);
      this.#models.set(model, m);
    }
    return m;
  }

  /** `countError`: false for a failure its session does not count (already counted from another source). */
  record(e: NormalizedEvent, nowMs: number, countError = true): void {
    this.#total++;
    const typeCount = this.#byType.get(e.type);
    if (typeCount !== undefined) this.#byType.set(e.type, typeCount + 1);
    else if (this.#byType.size < MAX_TYPES) this.#byType.set(e.type, 1);
    else this.#byType.set(OTHER_KEY, (this.#byType.get(OTHER_KEY) ?? 0) + 1);
    this.#perSecond.add(nowMs);
    this.#perMinute.add(nowMs);
    if (e.usage) {
      this.#tokens.inputTokens += e.usage.inputTokens;
      this.#tokens.outputTokens += e.usage.outputTokens;
      this.#tokens.cacheReadTokens += e.usage.cacheReadTokens;
      this.#tokens.cacheCreationTokens += e.usage.cacheCreationTokens;
      this.#cost += e.usage.costUsd ?? 0;
      const m = this.#model(e.usage.model ?? e.model ?? UNKNOWN_MODEL, 0);
      if (m) {
        addAmounts(m, { ...e.usage, costUsd: e.usage.costUsd ?? 0 });
        m.requests = (m.requests ?? 0) + 1;
      }
    }
    if (e.status === "error" && countError) {
      this.#errorEvents++;
      this.#addError(errorText(e), e.sourceTime ?? e.receivedAt);
    }
  }

  /**
   * A failure counted from one event that another now reports and counts (a hook call taking over
   * what Claude Code's telemetry said first): off the error rate and the top errors. Its entry keeps
   * the time of its latest occurrence, which may have been this one.
   */
  withdrawError(message: string): void {
    this.#errorEvents = Math.max(0, this.#errorEvents - 1);
    const key = errorKey(message);
    const entry = this.#errors.get(key);
    // Absent when forgotten as the rarest since.
    if (entry && --entry.count === 0) this.#errors.delete(key);
  }

  /**
   * Calls an event failed that is not itself an error (a PostToolBatch listing calls Claude Code
   * refused before they ran): each in the top errors, the event once in the error rate.
   */
  failedCalls(e: NormalizedEvent, calls: ReadonlyArray<{ error: string | null; toolName: string }>): void {
    if (calls.length === 0 || e.status === "error") return;
    this.#errorEvents++;
    for (const c of calls) this.#addError(c.error ?? `${c.toolName} refused`, e.sourceTime ?? e.receivedAt);
  }

  #addError(message: string, at: string): void {
    const key = errorKey(message);
    const entry = this.#errors.get(key);
    if (entry) {
      entry.count++;
      // When it last happened: a hook delivered late from the spool carries its own, earlier time.
      if (at > entry.lastAt) entry.lastAt = at;
    } else {
      if (this.#errors.size >= MAX_ERROR_KINDS) this.#forgetRarestError();
      this.#errors.set(key, { count: 1, lastAt: at });
    }
  }

  rejected(n: number): void {
    this.#rejected += n;
  }

  #forgetRarestError(): void {
    let rarest: string | null = null;
    let min = Number.POSITIVE_INFINITY;
    for (const [k, v] of this.#errors) {
      if (v.count < min) {
        min = v.count;
        rarest = k;
      }
    }
    if (rarest !== null) this.#errors.delete(rarest);
  }

  snapshot(
    nowMs: number,
    extra: {
      active: number;
      waiting: number;
      sessions: number;
      sessionsEvicted: number;
      buffer: BufferStats;
      exportStats: ExportStats;
    },
  ): Stats {
    return {
      totalEvents: this.#total,
      errorRate: this.#total === 0 ? 0 : this.#errorEvents / this.#total,
      eventsPerMinute: this.#perSecond.total(nowMs),
      activeSessions: extra.active,
      waitingSessions: extra.waiting,
      sessions: extra.sessions,
      sessionsEvicted: extra.sessionsEvicted,
      byType: Object.fromEntries(this.#byType),
      totalCostUsd: this.#cost,
      tokens: { ...this.#tokens },
      tools: this.tools.list(),
      topErrors: [...this.#errors.entries()]
        .map(([message, v]) => ({ message, count: v.count, lastAt: v.lastAt }))
        .sort((a, b) => b.count - a.count || b.lastAt.localeCompare(a.lastAt))
        .slice(0, TOP_ERRORS),
      perMinute: this.#perMinute.series(nowMs),
      buffer: extra.buffer,
      rejected: this.#rejected,
      export: extra.exportStats,
      models: [...this.#models.values()].map((m) => ({ ...m })).sort((a, b) => b.costUsd - a.costUsd),
      activity: { ...this.#activity },
      ...(this.#otlp ? { otlp: this.#otlp() } : {}),
    };
  }
}

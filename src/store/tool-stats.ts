import type { ToolCall, ToolStats } from "../schema/mod.ts";

// Durations kept per tool for p50/p95: recent behaviour matters more than all-time, and memory stays flat.
const DURATION_WINDOW = 1000;
// Tool names broken out: MCP servers bring many, but a client inventing names must not grow memory.
const MAX_TOOLS = 1000;
// Where calls of tools past MAX_TOOLS are counted (a name no tool can have: it has parentheses).
const OTHER_TOOLS = "(other)";

type Acc = {
  started: number;
  finished: number;
  failures: number;
  durations: number[];
  next: number;
  lastError: string | null;
  lastErrorAt: string | null;
};

export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  // Nearest-rank: the smallest value with at least p% of the values at or below it.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export class ToolStatsTable {
  readonly #tools = new Map<string, Acc>();

  #acc(name: string): Acc {
    let acc = this.#tools.get(name);
    if (!acc) {
      // Once full, a name not seen yet never enters, so its Pre and Post both land in OTHER_TOOLS.
      if (this.#tools.size >= MAX_TOOLS) name = OTHER_TOOLS;
      acc = this.#tools.get(name);
    }
    if (!acc) {
      acc = { started: 0, finished: 0, failures: 0, durations: [], next: 0, lastError: null, lastErrorAt: null };
      this.#tools.set(name, acc);
    }
    return acc;
  }

  started(toolName: string): void {
    this.#acc(toolName).started++;
  }

  finished(call: ToolCall): void {
    const acc = this.#acc(call.toolName);
    // A call rebuilt from its Post (Pre never seen) counts as started too, and so does one a single
    // event both started and ended (a TelemetryEvent `tool_call`): no PreToolUse counted it.
    if (call.startSeq === null || call.startSeq === call.endSeq) acc.started++;
    acc.finished++;
    if (isFailure(call.status)) this.#failed(acc, call);
    if (timed(call.status)) this.#timed(acc, call);
  }

  /**
   * A finished call finished again, otherwise: its Post came after the idle timeout or the session's
   * end had marked it interrupted. It is counted once, as it really ended.
   */
  corrected(was: ToolCall["status"], call: ToolCall): void {
    const acc = this.#acc(call.toolName);
    if (isFailure(was) && !isFailure(call.status)) acc.failures = Math.max(0, acc.failures - 1);
    else if (!isFailure(was) && isFailure(call.status)) this.#failed(acc, call);
    if (!timed(was) && timed(call.status)) this.#timed(acc, call);
  }

  #failed(acc: Acc, call: ToolCall): void {
    acc.failures++;
    acc.lastError = call.error;
    acc.lastErrorAt = call.endedAt;
  }

  #timed(acc: Acc, call: ToolCall): void {
    if (call.durationMs === null) return;
    if (acc.durations.length < DURATION_WINDOW) acc.durations.push(call.durationMs);
    else acc.durations[acc.next] = call.durationMs;
    acc.next = (acc.next + 1) % DURATION_WINDOW;
  }

  /** A running call whose session was evicted: its Post can no longer end it, so it stops counting as running. */
  abandoned(call: ToolCall): void {
    this.#acc(call.toolName).finished++;
  }

  list(): ToolStats[] {
    return [...this.#tools.entries()]
      .map(([toolName, acc]) => {
        const sorted = [...acc.durations].sort((a, b) => a - b);
        return {
          toolName,
          count: acc.started,
          failures: acc.failures,
          failureRate: acc.finished === 0 ? 0 : acc.failures / acc.finished,
          running: Math.max(0, acc.started - acc.finished),
          p50Ms: percentile(sorted, 50),
          p95Ms: percentile(sorted, 95),
          lastError: acc.lastError,
          lastErrorAt: acc.lastErrorAt,
        };
      })
      .sort((a, b) => b.count - a.count || a.toolName.localeCompare(b.toolName));
  }
}

// A denial is the user's decision, not the tool failing (sessions do not count it as an error either).
function isFailure(status: ToolCall["status"]): boolean {
  return status !== "ok" && status !== "denied" && status !== "running";
}

// Interrupted and denied calls did not run to their end: their time says nothing about the tool.
function timed(status: ToolCall["status"]): boolean {
  return status === "ok" || status === "error";
}

import { describe, expect, it } from "vitest";
import type { SessionSummary } from "../../src/schema/session.ts";
import { shortType, toEventKind } from "../../ui/src/lib/event-kind.ts";
import { rowSummary } from "../../ui/src/lib/event-summary.ts";
import {
  countBySource,
  describeTokens,
  formatExact,
  hasUsage,
  sortModels,
  totalTokens,
  toUsageOrigin,
} from "../../ui/src/lib/usage.ts";
import { captured } from "./helpers/captured.ts";

describe("where cost and tokens come from", () => {
  it.each([
    ["otlp_logs", "exact", "exact, from Claude Code's own telemetry"],
    ["otlp_metrics", "metrics", "from Claude Code's cost and token metrics"],
    ["telemetry", "reported", "TelemetryEvent envelope"],
    [null, "none", "hooks carry no cost"],
    [undefined, "none", "hooks carry no cost"],
  ] as const)("names source %s as %s", (source, short, phrase) => {
    const origin = toUsageOrigin(source);
    expect(origin.short).toBe(short);
    expect(origin.phrase).toContain(phrase);
    expect(origin.long.toLowerCase()).toBe(origin.phrase.toLowerCase());
  });

  it("counts sessions by source, treating an older server's cost without a source as reported", async () => {
    const cap = await captured(["subagent", "bash-echo"], {}, { otlp: true });
    const hooksOnly = await captured(["failing-tool"]);
    const legacy = { ...hooksOnly.sessions[0]!, usageSource: undefined, totalCostUsd: 0.5 } as SessionSummary;
    const all = [...cap.sessions, ...hooksOnly.sessions, legacy];
    expect(cap.sessions.every((s) => s.usageSource === "otlp_logs" && hasUsage(s))).toBe(true);
    expect(hasUsage(hooksOnly.sessions[0]!)).toBe(false);
    expect(countBySource(all)).toEqual({ exact: 2, none: 1, reported: 1 });
  });

  it("sums and spells out token counts exactly", () => {
    const t = { inputTokens: 5029, outputTokens: 169, cacheReadTokens: 32021, cacheCreationTokens: 17840 };
    expect(totalTokens(t)).toBe(55059);
    expect(totalTokens(null)).toBe(0);
    expect(formatExact(1234567)).toBe("1,234,567");
    expect(describeTokens(t)).toBe("5,029 input · 169 output · 32,021 cache read · 17,840 cache write");
  });

  it("orders models by cost, then name", () => {
    const m = (model: string, costUsd: number) => ({
      model,
      costUsd,
      requests: 1,
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheCreationTokens: 0,
    });
    expect(sortModels([m("b", 1), m("a", 1), m("c", 2)]).map((x) => x.model)).toEqual(["c", "a", "b"]);
    expect(sortModels(undefined)).toEqual([]);
  });
});

describe("Claude Code's OTLP events in the Live stream", () => {
  async function otlpEvents(scenario: string) {
    const cap = await captured([scenario], {}, { otlp: true });
    return cap.events.filter((e) => e.source === "otlp");
  }

  it("gives every captured OTLP event type an icon of its own, not the unknown-type dot", async () => {
    const events = [...(await otlpEvents("subagent")), ...(await otlpEvents("api-error"))];
    const types = new Set(events.map((e) => e.type));
    expect(types.size).toBeGreaterThan(5);
    for (const e of events) expect(toEventKind(e).icon, e.type).not.toBe("dot");
    const request = events.find((e) => e.type === "claude_code.api_request")!;
    expect(toEventKind(request)).toEqual({ icon: "spark", tone: "llm" });
    const failure = events.find((e) => e.type === "claude_code.api_error")!;
    expect(toEventKind(failure).tone).toBe("error");
    expect(shortType(request)).toBe("api_request");
    expect(shortType({ type: "claude_code.api_request", source: "claude-code-hook" })).toBe("claude_code.api_request");
  });

  it("summarises an api_request with model, tokens, cache, cost and time to first token", async () => {
    const request = (await otlpEvents("subagent")).find(
      (e) => e.type === "claude_code.api_request" && e.usage?.inputTokens === 2367,
    )!;
    expect(rowSummary(request)).toBe("claude-opus-5-5 · 2367 in · 76 out · 10.6k cache · $0.0638 · ttft 35 ms");
  });

  it("leaves the duration out of OTLP summaries, since the row shows it in its own cell", async () => {
    const result = (await otlpEvents("subagent")).find((e) => e.type === "claude_code.tool_result")!;
    expect(result.summary).toMatch(/ · \d+ ms$/);
    expect(rowSummary(result)).toBe(result.summary.replace(/ · \d+ ms$/, ""));
    expect(rowSummary({ ...result, source: "claude-code-hook" })).toBe(result.summary);
  });
});

import { describe, expect, it } from "vitest";
import { toWaterfall } from "../../ui/src/features/sessions/waterfall.ts";
import { firstTokenAt, llmId } from "../../ui/src/features/sessions/waterfall-llm.ts";
import { type CaptureSources, captured } from "./helpers/captured.ts";

async function detailOf(scenario: string, sources: CaptureSources = {}) {
  const cap = await captured([scenario], {}, sources);
  return cap.detail(cap.sessions[0]!.sessionId);
}

const withOtlp = { otlp: true };

describe("session waterfall", () => {
  it("nests the subagent under the Agent call that launched it, with its own tool calls below", async () => {
    const detail = await detailOf("subagent");
    const rows = toWaterfall(detail, Date.parse(detail.lastEventAt)).rows;
    const shape = rows.map((r) => `${"  ".repeat(r.depth)}${r.label}`);
    const agentCall = rows.findIndex((r) => r.ref.kind === "tool" && r.label === "Agent");
    const sub = rows.findIndex((r) => r.ref.kind === "subagent");
    expect(agentCall, shape.join("\n")).toBeGreaterThan(0);
    expect(sub).toBe(agentCall + 1);
    expect(rows[sub]!.depth).toBe(rows[agentCall]!.depth + 1);
    const subCalls = rows.slice(sub + 1).filter((r) => r.depth === rows[sub]!.depth + 1);
    expect(subCalls.map((r) => r.label).sort()).toEqual(["Bash", "Read"]);
    expect(rows[0]).toMatchObject({ ref: { kind: "turn", index: 1 }, depth: 0 });
  });

  it("places bars by real start and duration inside the session span", async () => {
    const detail = await detailOf("subagent");
    const wf = toWaterfall(detail, Date.parse(detail.lastEventAt));
    for (const r of wf.rows) {
      expect(r.startMs).toBeGreaterThanOrEqual(0);
      expect(r.endMs).toBeGreaterThanOrEqual(r.startMs);
      expect(r.endMs).toBeLessThanOrEqual(wf.spanMs);
    }
    const bash = detail.toolCalls.find((c) => c.toolName === "Bash")!;
    const row = wf.rows.find((r) => r.key === `tool:${bash.toolUseId}`)!;
    expect(row.endMs - row.startMs).toBe(bash.durationMs);
  });

  it("marks failed tool calls so they stand out", async () => {
    const detail = await detailOf("failing-tool");
    const failed = toWaterfall(detail, Date.parse(detail.lastEventAt)).rows.filter((r) => r.status === "error");
    expect(failed.length).toBe(detail.toolCalls.filter((c) => c.status === "error").length);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((r) => r.detail.length > 0)).toBe(true);
  });

  it("hides the children of folded rows", async () => {
    const detail = await detailOf("subagent");
    const all = toWaterfall(detail, 0).rows;
    const folded = toWaterfall(detail, 0, new Set(["turn:1"])).rows;
    expect(folded.map((r) => r.key)).toEqual(all.filter((r) => r.depth === 0).map((r) => r.key));
    const sub = all.find((r) => r.ref.kind === "subagent")!;
    const withoutSubCalls = toWaterfall(detail, 0, new Set([sub.key])).rows;
    expect(withoutSubCalls.length).toBe(all.length - 2);
  });

  it("draws running items up to now", async () => {
    const detail = await detailOf("bash-echo");
    const running = {
      ...detail,
      turns: detail.turns.map((t) => ({ ...t, endedAt: null, status: "running" as const })),
    };
    const now = Date.parse(detail.startedAt) + 60_000;
    const turn = toWaterfall(running, now).rows[0]!;
    expect(turn.finished).toBe(false);
    expect(turn.endMs).toBe(60_000);
  });

  it("carries each turn's trace link when export is on", async () => {
    const detail = await detailOf("multi-turn");
    const linked = {
      ...detail,
      turns: detail.turns.map((t) => ({ ...t, traceUrl: `http://localhost:16686/trace/${t.index}` })),
    };
    const turns = toWaterfall(linked, 0).rows.filter((r) => r.ref.kind === "turn");
    expect(turns.map((r) => r.traceUrl)).toEqual(detail.turns.map((t) => `http://localhost:16686/trace/${t.index}`));
    expect(toWaterfall(detail, 0).rows.every((r) => r.traceUrl === null)).toBe(true);
  });

  it("shows each LLM request as its own bar between the tool calls of its turn, and the subagent's in its lane", async () => {
    const detail = await detailOf("subagent", withOtlp);
    const requests = detail.llmRequests ?? [];
    expect(requests.length).toBe(5);
    const rows = toWaterfall(detail, Date.parse(detail.lastEventAt)).rows;
    const shape = rows.map((r) => `${r.depth}:${r.ref.kind}:${r.ref.kind === "tool" ? r.label : ""}`);
    // Main thread: request → Agent call (its subagent: request, Bash, request, Read, request) → request.
    expect(shape).toEqual([
      "0:turn:",
      "1:llm:",
      "1:tool:Agent",
      "2:subagent:",
      "3:llm:",
      "3:tool:Bash",
      "3:llm:",
      "3:tool:Read",
      "3:llm:",
      "1:llm:",
    ]);
    const sub = detail.subagents[0]!;
    const inLane = rows.filter((r) => r.ref.kind === "llm" && r.depth === 3).map((r) => r.key);
    expect(inLane).toEqual(requests.filter((r) => r.subagentId === sub.agentId).map((r) => `llm:${llmId(r)}`));
    for (const r of requests) {
      const row = rows.find((x) => x.key === `llm:${llmId(r)}`)!;
      expect(row).toMatchObject({ label: r.model, costUsd: r.costUsd, status: "ok" });
      expect(row.startMs).toBe(Date.parse(r.startedAt) - Date.parse(detail.startedAt));
      expect(row.endMs - row.startMs).toBe(Date.parse(r.endedAt) - Date.parse(r.startedAt));
      expect(row.detail).toContain(`ttft ${r.ttftMs} ms`);
    }
  });

  it("gives turns, subagents and requests their cost and tokens, and says the session has usage", async () => {
    const detail = await detailOf("subagent", withOtlp);
    const wf = toWaterfall(detail, 0);
    expect(wf.usage).toBe(true);
    const turn = wf.rows.find((r) => r.ref.kind === "turn")!;
    expect(turn.costUsd).toBe(detail.turns[0]!.costUsd);
    expect(turn.tokens).toEqual(detail.turns[0]!.tokens);
    expect(turn.costUsd).toBeCloseTo(detail.totalCostUsd, 10);
    const sub = wf.rows.find((r) => r.ref.kind === "subagent")!;
    const subRequests = (detail.llmRequests ?? []).filter((r) => r.subagentId !== null);
    expect(sub.costUsd).toBeCloseTo(
      subRequests.reduce((a, r) => a + (r.costUsd ?? 0), 0),
      10,
    );
    expect(sub.tokens?.outputTokens).toBe(subRequests.reduce((a, r) => a + r.outputTokens, 0));
    expect(wf.rows.filter((r) => r.ref.kind === "tool").every((r) => r.costUsd === null)).toBe(true);
    expect(toWaterfall(await detailOf("subagent"), 0).usage).toBe(false);
  });

  it("marks a failed LLM request as a problem, with its status code and error", async () => {
    const detail = await detailOf("api-error", withOtlp);
    const failed = toWaterfall(detail, 0).rows.filter((r) => r.ref.kind === "llm" && r.status === "error");
    expect(failed.length).toBe(1);
    expect(failed[0]!.detail).toBe("500 Internal server error (scripted) (attempt 2)");
    expect(failed[0]!.costUsd).toBeNull();
  });

  it("puts the first-token marker at the last attempt's time to first token", async () => {
    const detail = await detailOf("api-error", withOtlp);
    // The first request was retried: its span covers both attempts, ttft belongs to the last.
    const retried = (detail.llmRequests ?? []).find((r) => r.status === "ok")!;
    const start = Date.parse(retried.startedAt);
    const end = Date.parse(retried.endedAt);
    expect(end - start).toBeGreaterThan(retried.durationMs! * 2);
    const at = firstTokenAt(retried, 0, end - start)!;
    expect(at * (end - start)).toBeCloseTo(end - start - retried.durationMs! + retried.ttftMs!, 6);
    expect(at).toBeGreaterThan(0.5);
    expect(firstTokenAt({ ...retried, ttftMs: null }, 0, 100)).toBeNull();
  });

  it("leaves LLM requests out of the rows when asked, keeping the turn's cost", async () => {
    const detail = await detailOf("subagent", withOtlp);
    const rows = toWaterfall(detail, 0, new Set(), { llmRequests: false }).rows;
    expect(rows.some((r) => r.ref.kind === "llm")).toBe(false);
    expect(rows.map((r) => r.key)).toEqual(toWaterfall(await detailOf("subagent"), 0).rows.map((r) => r.key));
    expect(rows[0]!.costUsd).toBe(detail.turns[0]!.costUsd);
  });

  it("names the compaction agent of a /compact between turns as a subagent, not a tool call", async () => {
    const detail = await detailOf("session-lifecycle", withOtlp);
    const outside = toWaterfall(detail, 0).rows.find((r) => r.key === "outside");
    expect(outside?.detail).toMatch(/^subagents and LLM requests not matched to a prompt \(slash commands/);
  });

  it("groups the requests of a session without hooks under Outside a turn", async () => {
    const detail = await detailOf("bash-echo", { hooks: false, otlp: true });
    const rows = toWaterfall(detail, 0).rows;
    expect(rows[0]).toMatchObject({ key: "outside", label: "Outside a turn" });
    expect(rows[0]!.detail).toContain("LLM requests not matched");
    expect(rows[0]!.costUsd).toBeCloseTo(detail.totalCostUsd, 10);
    expect(rows.slice(1).map((r) => r.ref.kind)).toEqual((detail.llmRequests ?? []).map(() => "llm"));
  });
});

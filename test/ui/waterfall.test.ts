import { describe, expect, it } from "vitest";
import { toWaterfall } from "../../ui/src/features/sessions/waterfall.ts";
import { captured } from "./helpers/captured.ts";

async function detailOf(scenario: string) {
  const cap = await captured([scenario]);
  return cap.detail(cap.sessions[0]!.sessionId);
}

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
});

import { describe, expect, it } from "vitest";
import type { SessionDetail } from "../../src/schema/session.ts";
import { toWaterfall } from "../../ui/src/features/sessions/waterfall.ts";
import { axisTicks } from "../../ui/src/features/sessions/waterfall-axis.ts";
import { isDenied, isProblem } from "../../ui/src/features/sessions/waterfall-status.ts";
import { loadHooks } from "../helpers/fixtures.ts";
import { captured } from "./helpers/captured.ts";

async function detailOf(scenario: string, otlp = false) {
  const cap = await captured([scenario], {}, { otlp });
  return cap.detail(cap.sessions[0]!.sessionId);
}

const topRows = (d: SessionDetail) => toWaterfall(d, Date.parse(d.lastEventAt)).rows.filter((r) => r.depth === 0);

describe("waterfall rows", () => {
  it("lists the top-level rows in start order: requests outside a turn between the turns they fell between", async () => {
    const detail = await detailOf("session-lifecycle", true);
    const tops = topRows(detail);
    expect(tops.map((r) => r.key)).toEqual(["turn:1", "outside", "turn:2"]);
    const starts = tops.map((r) => r.startMs);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  it("says a subagent's tool calls in the singular when it made one", async () => {
    const rows = toWaterfall(await detailOf("subagent-background"), 0).rows;
    expect(rows.find((r) => r.ref.kind === "subagent")?.detail).toMatch(/· 1 tool call$/);
  });

  it("labels a background task's notification turn in words, not its markup", async () => {
    const turn = topRows(await detailOf("subagent-background")).find((r) => r.key === "turn:2")!;
    // The server's preview carries the report's own summary, past its first 200 characters.
    expect(turn.detail).toBe('Background task notification: Agent "Slow check" finished');
  });

  it("keeps denied calls apart from failures: the session counts no error for them", async () => {
    const detail = await detailOf("permissions");
    const rows = toWaterfall(detail, 0).rows.filter((r) => r.ref.kind === "tool");
    const denied = rows.filter((r) => isDenied(r.status));
    expect(detail.errorCount).toBe(0);
    expect(denied.length).toBe(3);
    expect(denied.some((r) => isProblem(r.status))).toBe(false);
    expect(isProblem("error")).toBe(true);
    expect(isProblem("interrupted")).toBe(true);
  });

  it("shows the call a session waits on for a permission as waiting, not running", async () => {
    const hooks = loadHooks("permissions").map((h) => h.payload);
    const detail = await detailOf("permissions");
    const pre = hooks.find((p) => p.hook_event_name === "PreToolUse")!;
    const waiting: SessionDetail = {
      ...detail,
      status: "waiting",
      waitingFor: `permission: ${pre.tool_name}`,
      toolCalls: detail.toolCalls.map((c) =>
        c.toolUseId === pre.tool_use_id ? { ...c, status: "running", endedAt: null, durationMs: null } : c,
      ),
    };
    const row = toWaterfall(waiting, Date.parse(detail.lastEventAt)).rows.find(
      (r) => r.key === `tool:${pre.tool_use_id}`,
    )!;
    expect(row).toMatchObject({ status: "waiting", finished: false });
    const notWaiting = toWaterfall({ ...waiting, status: "active", waitingFor: null }, 0).rows.find(
      (r) => r.key === row.key,
    )!;
    expect(notWaiting.status).toBe("running");
  });
});

describe("waterfall time axis", () => {
  /** Left and right edges of each label as the stylesheet places them (first from, last up to, others around its point). */
  function boxes(span: number, width: number, charPx = 6.2) {
    const ticks = axisTicks(span, width);
    return ticks.map((t) => {
      const w = t.label.length * charPx;
      const at = (t.ms / span) * width;
      const left = t.ms === 0 ? at : t.ms === span ? at - w : at - w / 2;
      return [left, left + w] as const;
    });
  }

  it.each([
    [882, 120],
    [882, 230],
    [882, 260],
    [3_100, 300],
    [133_000, 240],
    [7_500_000, 500],
    [882, 1200],
  ])("never lets labels of a %i ms span touch on a %i px axis, and keeps them inside it", (span, width) => {
    const b = boxes(span, width);
    expect(b.length).toBeGreaterThanOrEqual(2);
    for (const [i, [left, right]] of b.entries()) {
      expect(left).toBeGreaterThanOrEqual(0);
      expect(right).toBeLessThanOrEqual(width);
      if (i > 0) expect(left).toBeGreaterThan(b[i - 1]![1]);
    }
  });

  it("shows more labels on a wider axis, and four before it is measured", () => {
    expect(axisTicks(882, 800).length).toBeGreaterThan(axisTicks(882, 200).length);
    expect(axisTicks(882, 0).map((t) => t.label)).toEqual(["0 ms", "221 ms", "441 ms", "662 ms", "882 ms"]);
    expect(axisTicks(882, 40).map((t) => t.label)).toEqual(["882 ms"]);
  });
});

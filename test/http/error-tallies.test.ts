import { describe, expect, it } from "vitest";
import type { SessionSummary, Stats, ToolStats } from "../../src/schema/mod.ts";
import { postHook, replayScenario, testSpanlight } from "../helpers/app.ts";
import { scenarios } from "../helpers/fixtures.ts";

// The session list, the stats' top errors and the tools table count the same failures: a call
// Claude Code refused before it ran (listed failed in PostToolBatch) once each, a denial in none.
describe("error tallies agree", () => {
  it.each(scenarios())("%s: top errors add up to the sessions' error counts", async (scenario) => {
    const s = testSpanlight();
    await replayScenario(s.app, scenario);
    const stats = (await (await s.app.request("/api/stats")).json()) as Stats;
    const sessions = (await (await s.app.request("/api/sessions")).json()) as SessionSummary[];
    const errors = sessions.reduce((n, x) => n + x.errorCount, 0);
    expect(stats.topErrors.reduce((n, e) => n + e.count, 0)).toBe(errors);
    if (scenario === "failing-tool") {
      const tools = (await (await s.app.request("/api/tools")).json()) as ToolStats[];
      // Three failed as they ran, two were refused before running.
      expect([errors, tools.reduce((n, t) => n + t.failures, 0)]).toEqual([5, 5]);
    }
  });

  it("dates a top error by when it happened, not when a late hook delivered it", async () => {
    const s = testSpanlight();
    const failure = { session_id: "s", hook_event_name: "PostToolUseFailure", tool_name: "Bash", error: "Exit code 1" };
    await postHook(s.app, { ...failure, tool_use_id: "t2" }, { "x-spanlight-time": "2026-11-21T09:00:00.000Z" });
    await postHook(s.app, { ...failure, tool_use_id: "t1" }, { "x-spanlight-time": "2026-11-21T08:00:00.000Z" });
    const stats = (await (await s.app.request("/api/stats")).json()) as Stats;
    expect(stats.topErrors).toMatchObject([{ count: 2, lastAt: "2026-11-21T09:00:00.000Z" }]);
  });
});

import { describe, expect, it } from "vitest";
import type { SessionSummary, Stats, ToolStats } from "../../src/schema/mod.ts";
import { postHook, replayScenario, testSpanlight } from "../helpers/app.ts";
import { postScenarioOtlp } from "./helpers/post-otlp.ts";

// One failure reported twice — by the hook's PostToolUseFailure and by Claude Code's own
// `tool_result` log event — is one failure on the session and in /api/stats, whichever comes first.

type App = ReturnType<typeof testSpanlight>["app"];

async function get<T>(app: App, path: string): Promise<T> {
  const res = await app.request(path);
  expect(res.status).toBe(200);
  return res.json() as Promise<T>;
}

/** What the store-wide stats and the sessions say about failures. */
async function failures(app: App) {
  const stats = await get<Stats>(app, "/api/stats");
  const sessions = await get<SessionSummary[]>(app, "/api/sessions");
  return {
    errorEvents: Math.round(stats.errorRate * stats.totalEvents),
    topErrors: stats.topErrors,
    listed: stats.topErrors.reduce((n, e) => n + e.count, 0),
    sessions: sessions.reduce((n, s) => n + s.errorCount, 0),
    tools: await get<ToolStats[]>(app, "/api/tools"),
  };
}

describe("a tool failure hooks and Claude Code's telemetry both report (failing-tool capture)", () => {
  const SESSION = "9cb35c5a-fb1b-4a5b-813f-cbf66847ed57";

  it("is counted once store-wide when the telemetry comes before any hook, as when the hooks come first", async () => {
    const hooksFirst = testSpanlight();
    await replayScenario(hooksFirst.app, "failing-tool");
    await postScenarioOtlp(hooksFirst.app, "failing-tool");
    const otlpFirst = testSpanlight();
    await postScenarioOtlp(otlpFirst.app, "failing-tool");
    await replayScenario(otlpFirst.app, "failing-tool");

    const want = await failures(hooksFirst.app);
    const got = await failures(otlpFirst.app);
    // Five calls failed: the session says so in both orders, and so does every store-wide figure.
    expect(want.sessions).toBe(5);
    expect([want.errorEvents, want.listed]).toEqual([5, 5]);
    expect(got.sessions).toBe(5);
    expect(got.errorEvents).toBe(5);
    expect(got.topErrors).toEqual(want.topErrors);
    expect(got.tools).toEqual(want.tools);
    expect((await get<SessionSummary>(otlpFirst.app, `/api/sessions/${SESSION}`)).errorCount).toBe(5);
  });
});

describe("one failed call, event by event", () => {
  const SID = "s-fail";
  const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
  const toolResult = (toolUseId: string, sequence: string) => ({
    resourceLogs: [
      {
        resource: { attributes: [attr("service.name", "claude-code")] },
        scopeLogs: [
          {
            logRecords: [
              {
                timeUnixNano: "1795000000000000000",
                body: { stringValue: "claude_code.tool_result" },
                attributes: [
                  attr("event.name", "tool_result"),
                  attr("event.sequence", sequence),
                  attr("session.id", SID),
                  attr("tool_use_id", toolUseId),
                  attr("tool_name", "Bash"),
                  attr("success", "false"),
                  attr("error", "Shell command failed"),
                ],
              },
            ],
          },
        ],
      },
    ],
  });
  const pre = (toolUseId: string) => ({
    session_id: SID,
    hook_event_name: "PreToolUse",
    tool_name: "Bash",
    tool_use_id: toolUseId,
    tool_input: { command: "false" },
  });
  const failed = (toolUseId: string) => ({
    ...pre(toolUseId),
    hook_event_name: "PostToolUseFailure",
    error: "Exit code 1",
  });

  type Step = { name: string; send: (app: App) => Promise<unknown> };
  const otlp = (id: string, seq = "1"): Step => ({
    name: "tool_result",
    send: async (app) => {
      const res = await app.request("/v1/logs", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(toolResult(id, seq)),
      });
      expect(res.status).toBe(200);
    },
  });
  const hook = (name: string, payload: unknown): Step => ({
    name,
    send: async (app) => expect((await postHook(app, payload)).status).toBe(204),
  });
  const start = hook("SessionStart", { session_id: SID, hook_event_name: "SessionStart", source: "startup" });

  it.each([
    [
      "telemetry, then the hook call",
      [otlp("toolu_a"), hook("Pre", pre("toolu_a")), hook("Failure", failed("toolu_a"))],
    ],
    [
      "the hook call, then telemetry",
      [hook("Pre", pre("toolu_a")), hook("Failure", failed("toolu_a")), otlp("toolu_a")],
    ],
    ["telemetry, then a failure hook whose Pre was missed", [otlp("toolu_a"), hook("Failure", failed("toolu_a"))]],
    [
      "a session hooks report, telemetry before the call's hooks",
      [start, otlp("toolu_a"), hook("Pre", pre("toolu_a")), hook("Failure", failed("toolu_a"))],
    ],
    [
      "telemetry twice, then the hook call",
      [otlp("toolu_a"), otlp("toolu_a", "2"), hook("Failure", failed("toolu_a"))],
    ],
  ] as const)("%s: the stats agree with the session at every step and end at one", async (_name, steps) => {
    const s = testSpanlight();
    for (const step of steps) {
      await step.send(s.app);
      const f = await failures(s.app);
      expect([step.name, f.errorEvents, f.listed], "store-wide").toEqual([step.name, f.sessions, f.sessions]);
    }
    const end = await failures(s.app);
    expect(end.sessions).toBe(1);
    // Counted under the hook's own words, as when only hooks report it.
    expect(end.topErrors.map((e) => [e.message, e.count])).toEqual([["Exit code 1", 1]]);
    expect(end.tools.map((t) => [t.toolName, t.count, t.failures])).toEqual([["Bash", 1, 1]]);
  });

  it("keeps counting the telemetry's failure while no hook reports the call", async () => {
    const s = testSpanlight();
    await otlp("toolu_b").send(s.app);
    const f = await failures(s.app);
    expect([f.sessions, f.errorEvents]).toEqual([1, 1]);
    expect(f.topErrors.map((e) => [e.message, e.count])).toEqual([["Shell command failed", 1]]);
  });
});

describe("API errors of a session no hook reports (api-error capture, telemetry only)", () => {
  it("are counted store-wide as the session counts them", async () => {
    const s = testSpanlight();
    await postScenarioOtlp(s.app, "api-error");
    const f = await failures(s.app);
    expect(f.sessions).toBeGreaterThanOrEqual(1);
    // Not again from api_retries_exhausted, which repeats the last api_error.
    expect([f.errorEvents, f.listed]).toEqual([f.sessions, f.sessions]);
  });
});

describe("API errors hooks and Claude Code's telemetry both report (api-error capture)", () => {
  it("count once whichever comes first: the hook's StopFailure, not again the api_error events before it", async () => {
    const hooksFirst = testSpanlight();
    await replayScenario(hooksFirst.app, "api-error");
    await postScenarioOtlp(hooksFirst.app, "api-error");
    const otlpFirst = testSpanlight();
    await postScenarioOtlp(otlpFirst.app, "api-error");
    await replayScenario(otlpFirst.app, "api-error");
    const want = await failures(hooksFirst.app);
    const got = await failures(otlpFirst.app);
    expect(want.sessions).toBe(1);
    expect([got.sessions, got.errorEvents, got.listed]).toEqual([1, 1, 1]);
    expect(got.topErrors.map((e) => e.message)).toEqual(want.topErrors.map((e) => e.message));
  });
});

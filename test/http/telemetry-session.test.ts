import { describe, expect, it } from "vitest";
import { postTelemetry, testSpanlight } from "../helpers/app.ts";

// A non-Claude agent's session through POST /telemetry: the questions the hook path answers
// (what it does now, what failed, which files, what it cost) must be answered for it too.

let n = 0;
function ev(type: string, extra: Record<string, unknown> = {}) {
  n++;
  return {
    id: `t-${n}`,
    type,
    agentId: "codex-1",
    sessionId: "run-1",
    timestamp: new Date(Date.parse("2026-11-21T10:00:00Z") + n * 1000).toISOString(),
    data: {},
    ...extra,
  };
}

const post = (s: ReturnType<typeof testSpanlight>, ...events: unknown[]) => postTelemetry(s.app, ...events);

describe("TelemetryEvent sessions", () => {
  it("counts the files of tool calls and commands", async () => {
    const s = testSpanlight();
    await post(
      s,
      ev("tool_call", { toolName: "read_file", filePaths: ["/repo/a.ts"], toolExitCode: 0 }),
      ev("tool_call", { toolName: "apply_patch", filePaths: ["/repo/a.ts"], toolExitCode: 0 }),
      ev("tool_call", { toolName: "write_file", filePaths: ["/repo/b.ts"] }),
      ev("bash_command", { command: "grep -n x ./src/c.ts > /tmp/out.txt", commandExitCode: 0 }),
    );
    const files = s.store.files();
    expect(files.map((f) => [f.path, f.reads, f.writes, f.edits])).toEqual(
      expect.arrayContaining([
        ["/repo/a.ts", 1, 0, 1],
        ["/repo/b.ts", 0, 1, 0],
        ["/tmp/out.txt", 0, 1, 0],
        ["./src/c.ts", 1, 0, 0],
      ]),
    );
    expect(s.store.sessions()[0]!.fileCount).toBe(4);
  });

  it("counts each tool_call in /api/tools (one event both starts and ends it)", async () => {
    const s = testSpanlight();
    await post(
      s,
      ev("tool_call", { toolName: "read_file", toolExitCode: 0 }),
      ev("tool_call", { toolName: "read_file", toolExitCode: 2 }),
      ev("bash_command", { command: "ls", commandExitCode: 0 }),
    );
    const tools = (await (await s.app.request("/api/tools")).json()) as Array<Record<string, unknown>>;
    expect(tools).toEqual([
      expect.objectContaining({ toolName: "read_file", count: 2, failures: 1, failureRate: 0.5, running: 0 }),
      expect.objectContaining({ toolName: "Bash", count: 1, failures: 0, running: 0 }),
    ]);
  });

  it("marks a reported call ok on its event as on its tool call, also without an exit code", async () => {
    const s = testSpanlight();
    await post(s, ev("tool_call", { toolName: "read_file" }), ev("tool_call", { toolName: "x", errorMessage: "no" }));
    const events = s.store.query({ limit: 10 }).events.reverse();
    expect(events.map((e) => e.status)).toEqual(["ok", "error"]);
  });

  it("keeps a command's summary whole in its tool call", async () => {
    const s = testSpanlight();
    await post(s, ev("bash_command", { command: "curl https://example.com/x", commandExitCode: 0 }));
    expect([...s.store.session("run-1")!.toolCalls.values()][0]!.summary).toBe("curl https://example.com/x");
  });

  it("gives a failed call a one-line summary, whatever the errorMessage holds", async () => {
    const s = testSpanlight();
    await post(s, ev("tool_call", { toolName: "write_file", errorMessage: "EACCES: denied\n    at open (fs.js:1)" }));
    const [call] = s.store.session("run-1")!.toolCalls.values();
    expect([call!.summary, call!.error]).toEqual([
      "write_file: EACCES: denied",
      "EACCES: denied\n    at open (fs.js:1)",
    ]);
  });

  it("redacts a secret in toolName before it reaches the event, the session and /api/tools", async () => {
    const s = testSpanlight();
    const key = "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ";
    await post(s, ev("tool_call", { toolName: `curl ${key}` }));
    const body = JSON.stringify([
      s.store.query({ limit: 10 }),
      s.store.tools(),
      [...s.store.session("run-1")!.toolCalls.values()],
    ]);
    expect(body).not.toContain(key);
    expect(s.store.tools()[0]!.toolName).toBe("curl [REDACTED]");
  });

  it("rejects usage no report can have, so totals never become Infinity", async () => {
    const s = testSpanlight();
    const usage = { inputTokens: 1, outputTokens: 1, estimatedCostUsd: 1e308, model: "m" };
    const res = await post(s, ev("metric", { tokenUsage: usage }), ev("metric", { tokenUsage: usage }));
    expect(res.status).toBe(400);
    expect(res.body.results[0].error.issues[0].path).toBe("[0].tokenUsage.estimatedCostUsd");
    const tokens = { ...usage, estimatedCostUsd: 0, inputTokens: 2e9 };
    expect((await post(s, ev("metric", { tokenUsage: tokens }))).status).toBe(400);
    expect(((await (await s.app.request("/api/stats")).json()) as { totalCostUsd: number }).totalCostUsd).toBe(0);
  });

  it("sums per-event usage; an empty model is counted as unknown", async () => {
    const s = testSpanlight();
    await post(
      s,
      ev("metric", { tokenUsage: { inputTokens: 10, outputTokens: 1, estimatedCostUsd: 0.5, model: "" } }),
      ev("metric", { tokenUsage: { inputTokens: 20, outputTokens: 2, estimatedCostUsd: 0.25, model: "" } }),
    );
    const summary = s.store.sessions()[0]!;
    expect(summary).toMatchObject({ totalCostUsd: 0.75, tokens: { inputTokens: 30, outputTokens: 3 } });
    expect(summary.models?.map((m) => m.model)).toEqual(["unknown"]);
  });
});

describe("TelemetryEvent session status", () => {
  it("is active while the agent calls tools, also without agent_start or after an error", async () => {
    const s = testSpanlight();
    await post(s, ev("tool_call", { toolName: "read_file" }));
    expect(s.store.sessions()[0]!.status).toBe("active");
    await post(s, ev("agent_error", { errorMessage: "rate limited" }));
    expect(s.store.sessions()[0]!.status).toBe("error");
    await post(s, ev("tool_call", { toolName: "read_file" }));
    expect(s.store.sessions()[0]!.status).toBe("active");
  });

  it("stays ended when usage or a step arrives after agent_complete; a new start reopens it", async () => {
    const s = testSpanlight();
    await post(s, ev("agent_start"), ev("agent_complete"));
    await post(s, ev("metric", { tokenUsage: { inputTokens: 1, outputTokens: 1, estimatedCostUsd: 0.1, model: "m" } }));
    await post(s, ev("custom", { lifecycleStage: "stepComplete", stepIndex: 3 }));
    expect(s.store.sessions()[0]).toMatchObject({ status: "ended", totalCostUsd: 0.1 });
    expect(s.store.sessions()[0]!.completedAt).not.toBeNull();
    await post(s, ev("agent_start"));
    expect(s.store.sessions()[0]).toMatchObject({ status: "active", completedAt: null });
  });

  it("says when the run ended for lifecycleStage finalized, as for agent_complete", async () => {
    const s = testSpanlight();
    const end = ev("custom", { lifecycleStage: "finalized" });
    await post(s, ev("custom", { lifecycleStage: "start" }), end);
    expect(s.store.sessions()[0]).toMatchObject({ status: "ended", completedAt: end.timestamp });
  });

  it("is interrupted once the agent has been silent for store.turnIdleTimeoutMs", async () => {
    const s = testSpanlight({ store: { turnIdleTimeoutMs: 60_000 } });
    const now = s.clock.now();
    await post(s, { ...ev("agent_start"), timestamp: new Date(now).toISOString() });
    s.clock.advance(59_000);
    s.store.sweep();
    expect(s.store.sessions()[0]!.status).toBe("active");
    s.clock.advance(2_000);
    s.store.sweep();
    expect(await (await s.app.request("/api/stats")).json()).toMatchObject({ activeSessions: 0 });
    expect(s.store.sessions()[0]!.status).toBe("interrupted");
    expect(s.store.drainChanged().map((x) => x.status)).toContain("interrupted");
    await post(s, { ...ev("tool_call", { toolName: "read_file" }), timestamp: new Date(s.clock.now()).toISOString() });
    expect(s.store.sessions()[0]!.status).toBe("active");
  });
});

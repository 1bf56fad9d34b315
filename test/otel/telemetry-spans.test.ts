import { describe, expect, it } from "vitest";
import { toBatchJson } from "../../otel/event-batch.ts";
import type { FinishedSpan } from "../../otel/span-command.ts";
import type { NormalizedEvent } from "../../src/schema/mod.ts";
import { postHook, postTelemetry, testSpanlight } from "../helpers/app.ts";
import { mapEvents } from "./helpers/map-scenario.ts";

// Another agent's TelemetryEvents, stored through the real ingest path, as traces: one per run,
// a tool span per reported call, timed from the event and its durationMs.

const T0 = Date.parse("2026-11-21T10:00:00Z");
let n = 0;
function ev(type: string, atS: number, extra: Record<string, unknown> = {}) {
  return {
    id: `tel-${++n}`,
    type,
    agentId: "codex-1",
    timestamp: new Date(T0 + atS * 1000).toISOString(),
    data: {},
    ...extra,
  };
}

async function stored(events: unknown[]): Promise<NormalizedEvent[]> {
  const s = testSpanlight();
  const res = await s.app.request("/telemetry", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(events),
  });
  expect(res.status).toBe(202);
  return [...s.store.query({ limit: 1000 }).events].reverse();
}

async function spansOf(events: unknown[], capture = {}) {
  const capturing = { prompts: false, toolInput: false, toolOutput: false, ...capture };
  return mapEvents(await stored(events), { capture: capturing }).spans;
}

const named = (spans: FinishedSpan[], name: string) => spans.filter((s) => s.name === name);

describe("TelemetryEvents as traces", () => {
  it("makes a run's root span with a timed, correctly parented span per tool call", async () => {
    const usage = { inputTokens: 1200, outputTokens: 80, estimatedCostUsd: 0.03, model: "gpt-5" };
    const spans = await spansOf([
      ev("agent_start", 0, { workflowId: "wf-9" }),
      ev("tool_call", 5, { toolName: "write_file", filePaths: ["/repo/a.ts"], durationMs: 1500, toolExitCode: 0 }),
      ev("bash_command", 9, { command: "npm test", commandExitCode: 1, durationMs: 3000 }),
      ev("metric", 10, { tokenUsage: usage }),
      ev("agent_complete", 12),
    ]);
    expect(spans.map((s) => s.name).sort()).toEqual([
      "execute_tool Bash",
      "execute_tool write_file",
      "invoke_agent codex-1",
    ]);
    const [root] = named(spans, "invoke_agent codex-1");
    const [write] = named(spans, "execute_tool write_file");
    const [bash] = named(spans, "execute_tool Bash");
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    expect(write!.parentSpanId).toBe(root!.spanId);
    expect(bash!.parentSpanId).toBe(root!.spanId);
    expect([root!.startMs, root!.endMs]).toEqual([T0, T0 + 12_000]);
    expect([write!.startMs, write!.endMs]).toEqual([T0 + 3500, T0 + 5000]);
    expect([bash!.startMs, bash!.endMs]).toEqual([T0 + 6000, T0 + 9000]);
    expect(root!.attributes).toMatchObject({
      "gen_ai.operation.name": "invoke_agent",
      "gen_ai.agent.name": "codex-1",
      "gen_ai.request.model": "gpt-5",
      "spanlight.workflow.id": "wf-9",
    });
    expect(root!.attributes["spanlight.incomplete"]).toBeUndefined();
    expect(root!.events.find((e) => e.name === "usage")?.attributes).toMatchObject({
      "gen_ai.usage.input_tokens": 1200,
      "gen_ai.usage.output_tokens": 80,
    });
    expect(write!.attributes).toMatchObject({ "gen_ai.tool.name": "write_file", "file.path": "/repo/a.ts" });
    expect(write!.status.code).toBe("unset");
    expect(bash!.status).toEqual({ code: "error", message: "exit code 1" });
    expect(bash!.attributes["process.exit.code"]).toBe(1);
    expect(bash!.events.map((e) => e.name)).toEqual(["exception"]);
  });

  it("maps two agents' runs whose events share ids (each agent numbers its own)", async () => {
    // Both agents at once, through one server.
    const events = await stored(
      ["agent_start", "tool_call", "agent_complete"].flatMap((type, i) =>
        ["codex-1", "aider-2"].map((agentId) => ({
          ...ev(type, i, { agentId, toolName: `${agentId}_tool` }),
          id: String(i + 1),
        })),
      ),
    );
    const spans = mapEvents(events, { capture: { prompts: false, toolInput: false, toolOutput: false } }).spans;
    const roots = spans.filter((s) => s.name.startsWith("invoke_agent"));
    expect(roots.map((s) => s.name).sort()).toEqual(["invoke_agent aider-2", "invoke_agent codex-1"]);
    expect(new Set(roots.map((r) => r.traceId)).size).toBe(2);
    for (const root of roots) {
      const agent = root.name.replace("invoke_agent ", "");
      const calls = spans.filter((s) => s.traceId === root.traceId && s.name.startsWith("execute_tool"));
      expect(calls.map((c) => [c.name, c.parentSpanId])).toEqual([[`execute_tool ${agent}_tool`, root.spanId]]);
      expect(root.attributes["spanlight.incomplete"]).toBeUndefined();
    }
  });

  it("keeps commands and tool text on the machine unless otel.capture.* says otherwise", async () => {
    const call = () =>
      ev("bash_command", 1, { command: "deploy --target prod", toolResultSummary: "deployed 3 services" });
    const [plain] = await spansOf([call()]);
    expect(JSON.stringify(plain!.attributes)).not.toContain("deploy");
    expect(plain!.attributes["spanlight.tool.input.length"]).toBe("deploy --target prod".length);
    const captured = (await spansOf([call()], { toolInput: true, toolOutput: true })).find((s) =>
      s.name.startsWith("execute_tool"),
    );
    expect(captured!.attributes).toMatchObject({
      "process.command_line": "deploy --target prod",
      "gen_ai.tool.call.result": "deployed 3 services",
    });
  });

  it("gives each run of an agent without a sessionId a trace of its own; an unfinished run ends incomplete", async () => {
    const spans = await spansOf([
      ev("agent_start", 0),
      ev("tool_call", 1, { toolName: "read_file" }),
      ev("agent_complete", 2),
      ev("agent_start", 3),
      ev("agent_error", 4, { errorMessage: "rate limited\nretry after 20s" }),
      ev("agent_start", 5),
      ev("tool_call", 6, { toolName: "read_file" }),
    ]);
    const roots = named(spans, "invoke_agent codex-1");
    expect(roots).toHaveLength(3);
    expect(new Set(roots.map((r) => r.traceId)).size).toBe(3);
    expect(roots[1]!.status).toEqual({ code: "error", message: "rate limited" });
    // The last run never completed: ended at shutdown, saying so.
    expect(roots[2]!.attributes).toMatchObject({
      "spanlight.incomplete": true,
      "spanlight.incomplete.reason": "shutdown",
    });
    expect(new Set(roots.map((r) => r.attributes["session.id"])).size).toBe(3);
  });

  it("keeps reports that come after their run ended in that run's trace, as the store keeps them in its session", async () => {
    const usage = { inputTokens: 7, outputTokens: 1, estimatedCostUsd: 0.001, model: "m-1" };
    const spans = await spansOf([
      ev("agent_start", 0),
      ev("agent_complete", 10),
      ev("metric", 11, { tokenUsage: usage }),
      // Delivered late, timed inside the run.
      ev("tool_call", 9.5, { toolName: "lint", durationMs: 400 }),
    ]);
    const [root, ...more] = named(spans, "invoke_agent codex-1");
    expect(more).toHaveLength(0);
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([root!.traceId]));
    const [lint] = named(spans, "execute_tool lint");
    expect([lint!.parentSpanId, lint!.startMs, lint!.endMs]).toEqual([root!.spanId, T0 + 9100, T0 + 9500]);
    const [late] = named(spans, "usage");
    expect([late!.parentSpanId, late!.startMs, late!.endMs]).toEqual([root!.spanId, T0 + 11_000, T0 + 11_000]);
    expect(late!.attributes).toMatchObject({
      "gen_ai.usage.input_tokens": 7,
      "session.id": root!.attributes["session.id"],
    });
    expect(spans.some((s) => s.attributes["spanlight.incomplete"])).toBe(false);
  });

  it("in a named session, takes a report timed within the ended run as late, a later one as a new run", async () => {
    const sessionId = "named-1";
    const spans = await spansOf([
      ev("agent_start", 0, { sessionId }),
      ev("agent_complete", 4, { sessionId }),
      ev("tool_call", 3, { sessionId, toolName: "late", durationMs: 500 }),
      ev("tool_call", 8, { sessionId, toolName: "next" }),
      ev("agent_complete", 9, { sessionId }),
    ]);
    const roots = named(spans, "invoke_agent codex-1");
    expect(roots).toHaveLength(2);
    expect(named(spans, "execute_tool late")[0]!.parentSpanId).toBe(roots[0]!.spanId);
    expect(named(spans, "execute_tool next")[0]!.parentSpanId).toBe(roots[1]!.spanId);
    expect(roots[1]!.attributes["spanlight.turn.implicit"]).toBe(true);
  });

  it("starts a run no later than its calls: a long call reported after a short one began first", async () => {
    const spans = await spansOf([
      ev("tool_call", 5, { toolName: "quick", durationMs: 1000 }),
      ev("tool_call", 6, { toolName: "slow", durationMs: 3000 }),
      ev("agent_complete", 7),
    ]);
    const [root] = named(spans, "invoke_agent codex-1");
    expect([root!.startMs, root!.endMs]).toEqual([T0 + 3000, T0 + 7000]);
    expect(named(spans, "execute_tool slow")[0]!.startMs).toBe(T0 + 3000);
    // Also when the run never completes and shutdown ends it.
    const unfinished = await spansOf([
      ev("tool_call", 5, { toolName: "quick", durationMs: 1000 }),
      ev("tool_call", 6, { toolName: "slow", durationMs: 3000 }),
    ]);
    expect(named(unfinished, "invoke_agent codex-1")[0]!.startMs).toBe(T0 + 3000);
  });

  it("maps the same on the export worker, which is handed events without their dashboard-only fields", async () => {
    const events = await stored([
      ev("agent_start", 0, { workflowId: "wf-1", nodeId: "n-2" }),
      ev("tool_call", 1, { toolName: "edit", filePaths: ["/r/x"], durationMs: 500, errorMessage: "conflict" }),
      ev("metric", 2, { tokenUsage: { inputTokens: 5, outputTokens: 1, estimatedCostUsd: 0.01, model: "m-1" } }),
      ev("agent_complete", 3),
    ]);
    const handed = events.map((e) => JSON.parse(toBatchJson(e)) as NormalizedEvent);
    const direct = mapEvents(events).spans;
    expect(direct).toHaveLength(2);
    expect(mapEvents(handed).spans).toEqual(direct);
  });

  it("keeps a wrapper's runs apart from the Claude Code turn of the same session id", async () => {
    const s = testSpanlight();
    const sid = "shared-1";
    const at = (sec: number) => ({ "x-spanlight-time": new Date(T0 + sec * 1000).toISOString() });
    const hook = (name: string, sec: number, extra = {}) =>
      postHook(s.app, { session_id: sid, hook_event_name: name, prompt_id: "p1", ...extra }, at(sec));
    await hook("UserPromptSubmit", 0, { prompt: "go" });
    await hook("PreToolUse", 1, { tool_name: "Bash", tool_use_id: "b1", tool_input: { command: "ls" } });
    await postTelemetry(s.app, [
      ev("agent_start", 1.5, { sessionId: sid }),
      ev("agent_complete", 2, { sessionId: sid }),
    ]);
    await postTelemetry(s.app, ev("agent_start", 2.2, { sessionId: sid }));
    await hook("Notification", 2.5, { message: "needs input", notification_type: "idle_prompt" });
    await postTelemetry(s.app, ev("agent_complete", 2.8, { sessionId: sid }));
    await hook("PostToolUse", 3, { tool_name: "Bash", tool_use_id: "b1", tool_response: {} });
    await hook("Stop", 4);
    const spans = mapEvents([...s.store.query({ limit: 100 }).events].reverse()).spans;
    const [turn] = named(spans, "invoke_agent claude-code");
    const [run, second] = named(spans, "invoke_agent codex-1");
    // A hook between a wrapper's start and complete still lands in Claude Code's own spans.
    const withNotice = spans.filter((x) => x.events.some((e) => e.name === "notification"));
    expect(withNotice.map((x) => x.traceId)).toEqual([turn!.traceId]);
    expect(second!.events.map((e) => e.name)).not.toContain("notification");
    expect([turn!.startMs, turn!.endMs]).toEqual([T0, T0 + 4000]);
    expect(turn!.attributes["spanlight.incomplete"]).toBeUndefined();
    expect(named(spans, "execute_tool Bash")[0]!.parentSpanId).toBe(turn!.spanId);
    expect([run!.startMs, run!.endMs, run!.traceId === turn!.traceId]).toEqual([T0 + 1500, T0 + 2000, false]);
  });
});

import { describe, expect, it } from "vitest";
import { toBatchJson } from "../../otel/event-batch.ts";
import type { FinishedSpan } from "../../otel/span-command.ts";
import type { NormalizedEvent } from "../../src/schema/mod.ts";
import { testSpanlight } from "../helpers/app.ts";
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
      ev("tool_call", 5, { toolName: "read_file" }),
    ]);
    const roots = named(spans, "invoke_agent codex-1");
    expect(roots).toHaveLength(3);
    expect(new Set(roots.map((r) => r.traceId)).size).toBe(3);
    expect(roots[1]!.status).toEqual({ code: "error", message: "rate limited" });
    // The last call came with no start: an implicit run, ended at shutdown and saying so.
    expect(roots[2]!.attributes).toMatchObject({ "spanlight.turn.implicit": true, "spanlight.incomplete": true });
    const sessions = new Set(roots.map((r) => r.attributes["session.id"]));
    expect(sessions.size).toBe(2);
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
});

import { describe, expect, it } from "vitest";
import { HOOK_EVENTS, hookPayloadSchema, telemetryEventSchema } from "../../src/schema/mod.ts";
import { loadHooks, scenarios } from "../helpers/fixtures.ts";

describe("hook payload schema", () => {
  const all = scenarios().flatMap((s) => loadHooks(s).map((h) => ({ scenario: s, ...h })));

  it("accepts every real captured payload and keeps unknown fields", () => {
    expect(all.length).toBeGreaterThan(200);
    for (const h of all) {
      const parsed = hookPayloadSchema.safeParse(h.payload);
      expect(parsed.success, `${h.scenario}: ${h.line.slice(0, 120)}`).toBe(true);
      expect(Object.keys(parsed.data!).sort()).toEqual(Object.keys(h.payload).sort());
    }
  });

  it("covers 32 of the 33 hook events with real captures (TeammateIdle never fires in print mode)", () => {
    const seen = new Set(all.map((h) => h.payload.hook_event_name as string));
    const missing = HOOK_EVENTS.filter((e) => !seen.has(e));
    expect(missing).toEqual(["TeammateIdle"]);
    const teammate = { session_id: "s", hook_event_name: "TeammateIdle", teammate_name: "t", team_name: "x" };
    expect(hookPayloadSchema.safeParse(teammate).success).toBe(true);
  });

  it("accepts an unknown event name", () => {
    expect(
      hookPayloadSchema.safeParse({ session_id: "s", hook_event_name: "SomethingNew", extra: { a: 1 } }).success,
    ).toBe(true);
  });

  it.each([
    [{ hook_event_name: "Stop" }, "session_id"],
    [{ session_id: "s", hook_event_name: "PreToolUse", tool_name: 42 }, "tool_name"],
    [{ session_id: "s", hook_event_name: "PostToolUse", duration_ms: "fast" }, "duration_ms"],
    [{ session_id: "", hook_event_name: "Stop" }, "session_id"],
  ])("rejects %j naming %s", (payload, path) => {
    const parsed = hookPayloadSchema.safeParse(payload);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path.join(".")).toBe(path);
  });
});

describe("TelemetryEvent schema", () => {
  const valid = { id: "e1", type: "tool_call", agentId: "agent-1", timestamp: "2026-11-21T10:00:00Z", data: {} };

  it("accepts the TelemetryEvent envelope with optional fields", () => {
    const full = {
      ...valid,
      sessionId: "s1",
      containerId: "abc123def456",
      toolName: "Bash",
      command: "ls",
      commandExitCode: 0,
      lifecycleStage: "stepStart",
      stepIndex: 2,
      stepName: "build",
      tokenUsage: { inputTokens: 10, outputTokens: 5, estimatedCostUsd: 0.01, model: "m" },
    };
    expect(telemetryEventSchema.safeParse(full).success).toBe(true);
  });

  it.each([
    [{ ...valid, timestamp: "yesterday" }, "timestamp"],
    [{ ...valid, agentId: undefined }, "agentId"],
    [
      { ...valid, tokenUsage: { inputTokens: "ten", outputTokens: 1, estimatedCostUsd: 0, model: "m" } },
      "tokenUsage.inputTokens",
    ],
    [{ ...valid, lifecycleStage: "middle" }, "lifecycleStage"],
  ])("rejects %j naming %s", (event, path) => {
    const parsed = telemetryEventSchema.safeParse(event);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path.join(".")).toBe(path);
  });
});

import { describe, expect, it } from "vitest";
import { testSpanlight } from "../helpers/app.ts";

const telemetry = {
  id: "e1",
  type: "tool_call",
  agentId: "agent-7",
  timestamp: "2026-11-21T10:00:00Z",
  data: {},
  sessionId: "s9",
  toolName: "Read",
  filePaths: ["/x"],
};

describe("POST /telemetry", () => {
  it("stores a TelemetryEvent and answers 202 with its sequence id", async () => {
    const s = testSpanlight();
    const res = await s.app.request("/telemetry", { method: "POST", body: JSON.stringify(telemetry) });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 1, rejected: 0, duplicates: 0, seq: 1 });
    expect(s.store.query({ limit: 1 }).events[0]).toMatchObject({
      source: "telemetry",
      agentId: "agent-7",
      toolName: "Read",
      filePaths: ["/x"],
      sourceTime: "2026-11-21T10:00:00.000Z",
    });
  });

  it("keeps an event whose timestamp is implausible, timed by its arrival", async () => {
    const s = testSpanlight();
    const res = await s.app.request("/telemetry", {
      method: "POST",
      body: JSON.stringify({ ...telemetry, timestamp: "9999-12-31T23:59:59Z" }),
    });
    expect(res.status).toBe(202);
    expect(s.store.query({ limit: 1 }).events[0]).toMatchObject({
      sourceTime: null,
      receivedAt: "2026-11-21T10:00:00.000Z",
      payload: { timestamp: "9999-12-31T23:59:59Z" },
    });
  });

  it("treats a repeated event id as a duplicate", async () => {
    const s = testSpanlight();
    await s.app.request("/telemetry", { method: "POST", body: JSON.stringify(telemetry) });
    const res = await s.app.request("/telemetry", { method: "POST", body: JSON.stringify(telemetry) });
    expect(await res.json()).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  it("keeps two agents' events that happen to share an id; the same agent's again is a duplicate", async () => {
    const s = testSpanlight();
    const post = (agentId: string) =>
      s.app.request("/telemetry", { method: "POST", body: JSON.stringify({ ...telemetry, agentId, id: "1" }) });
    expect(await (await post("codex")).json()).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(await (await post("aider")).json()).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(await (await post("aider")).json()).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(
      s.store
        .query({ limit: 10 })
        .events.map((e) => e.agentId)
        .sort(),
    ).toEqual(["aider", "codex"]);
  });

  it("adds token usage and cost to the session", async () => {
    const s = testSpanlight();
    const usage = { inputTokens: 100, outputTokens: 20, estimatedCostUsd: 0.25, model: "m1" };
    await s.app.request("/telemetry", {
      method: "POST",
      body: JSON.stringify({ ...telemetry, type: "metric", tokenUsage: usage }),
    });
    expect(s.store.sessions()[0]).toMatchObject({ totalCostUsd: 0.25, tokens: { inputTokens: 100, outputTokens: 20 } });
  });
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { replayScenario, testSpanlight } from "../helpers/app.ts";
import { FIXTURES_DIR, loadHooks } from "../helpers/fixtures.ts";

function otlpLines(scenario: string, signal: "logs" | "metrics") {
  return readFileSync(join(FIXTURES_DIR, scenario, "otlp", `${signal}.jsonl`), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { path: string; content_type: string; body: unknown });
}

async function postOtlp(
  app: { request: (p: string, i: RequestInit) => Response | Promise<Response> },
  scenario: string,
  signal: "logs" | "metrics",
) {
  for (const line of otlpLines(scenario, signal)) {
    const res = await app.request(line.path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(line.body),
    });
    expect(res.status).toBe(200);
  }
}

describe("OTLP data joined to hook sessions", () => {
  it("names the subagent type on OTLP events from a subagent", async () => {
    const s = testSpanlight();
    await replayScenario(s.app, "subagent");
    await postOtlp(s.app, "subagent", "logs");
    const fromSub = s.store.query({ limit: 1000 }).events.filter((e) => e.source === "otlp" && e.subagentId);
    expect(fromSub.length).toBeGreaterThan(0);
    expect(fromSub.every((e) => e.subagentType === "general-purpose")).toBe(true);
  });

  it("does not create a session from activity metrics alone", async () => {
    const s = testSpanlight();
    await replayScenario(s.app, "multi-turn");
    await postOtlp(s.app, "multi-turn", "metrics");
    const hookSession = loadHooks("multi-turn")[0]!.payload.session_id;
    expect(s.store.sessions().map((x) => x.sessionId)).toEqual([hookSession]);
  });
});

import { describe, expect, it } from "vitest";
import type { IngestContext } from "../../src/ingest/mod.ts";
import { toLogEvents } from "../../src/otlp/log-events.ts";
import { decodeOtlpJson, SKIPPED_LOG_EVENTS } from "../../src/otlp/mod.ts";
import type { ResourceLogs } from "../../src/otlp/otlp-model.ts";
import { postHook, testSpanlight } from "../helpers/app.ts";
import { scenarios } from "../helpers/fixtures.ts";
import { loadOtlpExports } from "./helpers/otlp-fixtures.ts";

const CONTEXT: IngestContext = {
  agentId: null,
  containerId: null,
  hostName: null,
  workflowId: null,
  nodeId: null,
  idempotencyKey: null,
};
const LIMITS = { eventBytes: 10 * 1024, stringChars: 4096 };

function logsOf(scenario: string): ResourceLogs[] {
  return loadOtlpExports(scenario, "logs").flatMap((e) => {
    const d = decodeOtlpJson("logs", e.body);
    return d.signal === "logs" ? d.resourceLogs : [];
  });
}

function map(resourceLogs: ResourceLogs[]) {
  let n = 0;
  return toLogEvents(resourceLogs, {
    limits: LIMITS,
    context: CONTEXT,
    receivedAt: "2026-11-21T06:00:00.000Z",
    newId: () => `id-${++n}`,
  });
}

const all = scenarios().map((scenario) => ({ scenario, logs: logsOf(scenario) }));

describe("Claude Code log events → normalized events", () => {
  it.each(all)("maps every record of $scenario, leaving out only the start-up and hook-run noise", ({ logs }) => {
    const { events, skipped } = map(logs);
    const names = logs.flatMap((rl) =>
      rl.scopeLogs.flatMap((sl) => sl.logRecords.map((r) => r.attributes["event.name"])),
    );
    expect(skipped).toBe(names.filter((n) => SKIPPED_LOG_EVENTS.has(String(n))).length);
    expect(events.map((e) => e.draft.type)).toEqual(
      names.filter((n) => !SKIPPED_LOG_EVENTS.has(String(n))).map((n) => `claude_code.${n}`),
    );
    for (const { draft, idempotencyKey } of events) {
      expect(draft.source).toBe("otlp");
      expect(draft.sessionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(draft.sourceTime).toMatch(/^2026-11-21T/);
      expect(draft.summary.length).toBeGreaterThan(0);
      expect(idempotencyKey).toContain(draft.sessionId);
    }
  });

  it("carries exact usage on api_request and the error on api_error", () => {
    const { events } = map(logsOf("api-error"));
    const ok = events.find((e) => e.draft.type === "claude_code.api_request")!.draft;
    expect(ok).toMatchObject({
      status: "ok",
      model: "claude-opus-5-5",
      promptId: "c4c9193d-abf3-41e0-89b2-61b060bdd755",
      durationMs: 83,
      usage: {
        inputTokens: 2367,
        outputTokens: 25,
        cacheReadTokens: 0,
        cacheCreationTokens: 10560,
        costUsd: 0.062768,
        model: "claude-opus-5-5",
      },
    });
    expect(ok.summary).toBe("claude-opus-5-5 · 2367 in / 25 out · $0.0628 · 83 ms");
    const failed = events.find((e) => e.draft.type === "claude_code.api_error")!.draft;
    expect(failed).toMatchObject({ status: "error", error: "Internal server error (scripted)", usage: null });
    expect(failed.summary).toBe("claude-opus-5-5: 500 Internal server error (scripted) (attempt 2)");
  });

  it("sums up a finished subagent in words that agree with its numbers", () => {
    // subagent-background's subagent made one tool call.
    const done = map(logsOf("subagent-background")).events.find(
      (e) => e.draft.type === "claude_code.subagent_completed",
    )!;
    expect(done.draft.summary).toMatch(/^\S+ done · 1 tool use · \d+ tokens$/);
    expect(done.draft.summary).not.toMatch(/\b1 tool uses\b|\b1 tokens\b/);
  });

  it("reads tool, command and files from tool events, and failures as errors", () => {
    const { events } = map(logsOf("failing-tool"));
    const results = events.filter((e) => e.draft.type === "claude_code.tool_result").map((e) => e.draft);
    expect(results[0]).toMatchObject({
      toolName: "Bash",
      toolUseId: "toolu_019c8007579d2c7a1eb3b59e",
      status: "error",
      error: "Shell command failed",
      durationMs: 29,
    });
    expect(results[0]!.command).toContain("ls /definitely/not/here");
    expect(results[1]).toMatchObject({ toolName: "Read", status: "error" });
    expect(results[1]!.filePaths).toEqual(["/tmp/cc-harness/failing-tool/project/does-not-exist.txt"]);
    expect(results[2]).toMatchObject({ toolName: "Read", status: "ok", error: null });
  });

  it("ignores usage figures no request can have: negative, non-finite or absurdly large", () => {
    const request = (attrs: Record<string, string>) => [
      {
        resource: { attributes: {} },
        scopeLogs: [
          {
            scope: { name: "com.anthropic.claude_code.events" },
            logRecords: [
              {
                timeUnixNano: "1795239269798000000",
                body: "claude_code.api_request",
                attributes: { "event.name": "api_request", "session.id": "s-usage", model: "m", ...attrs },
              },
            ],
          },
        ],
      },
    ];
    const usageOf = (attrs: Record<string, string>) =>
      map(request(attrs) as unknown as ResourceLogs[]).events[0]!.draft.usage;
    expect(usageOf({ input_tokens: "-5", output_tokens: "7", cost_usd: "1e308" })).toMatchObject({
      inputTokens: 0,
      outputTokens: 7,
      costUsd: null,
    });
    expect(usageOf({ input_tokens: "1e12", cache_read_tokens: "Infinity", cost_usd: "0.25" })).toMatchObject({
      inputTokens: 0,
      cacheReadTokens: 0,
      costUsd: 0.25,
    });
  });

  it("tags subagent requests with the subagent", () => {
    const { events } = map(logsOf("subagent"));
    const sub = events.filter((e) => e.draft.type === "claude_code.api_request" && e.draft.subagentId);
    expect(sub).toHaveLength(3);
    expect(sub[0]!.draft).toMatchObject({ subagentId: "a5ce308943ecc89cf", subagentType: "general-purpose" });
  });
});

describe("OTLP log events in the store", () => {
  const prompt = (text: string) => ({
    resourceLogs: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "claude-code" } }] },
        scopeLogs: [
          {
            logRecords: [
              {
                timeUnixNano: "1795239269798000000",
                body: { stringValue: "claude_code.user_prompt" },
                attributes: [
                  { key: "event.name", value: { stringValue: "user_prompt" } },
                  { key: "event.sequence", value: { intValue: 39 } },
                  { key: "session.id", value: { stringValue: "s-otlp" } },
                  { key: "prompt", value: { stringValue: text } },
                ],
              },
            ],
          },
        ],
      },
    ],
  });
  const post = (app: ReturnType<typeof testSpanlight>["app"], body: unknown) =>
    app.request("/v1/logs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("redacts secrets before storing, like every other ingest path", async () => {
    const s = testSpanlight();
    await post(s.app, prompt("deploy with ANTHROPIC_API_KEY=sk-ant-api03-abcdefghijklmnopqrstuvwxyz please"));
    const [event] = s.store.query({ limit: 1 }).events;
    expect(JSON.stringify(event)).not.toContain("sk-ant-api03");
    expect(event!.summary).toContain("[REDACTED]");
  });

  it("stores a re-sent export once (Claude Code's exporter retries)", async () => {
    const s = testSpanlight();
    await post(s.app, prompt("hello"));
    await post(s.app, prompt("hello"));
    expect(s.store.query({ limit: 10 }).events).toHaveLength(1);
  });

  it("puts OTLP events of a session on the agent its hooks came from, and never reopens an ended session", async () => {
    const s = testSpanlight();
    for (const hook_event_name of ["SessionStart", "SessionEnd"]) {
      await postHook(s.app, { session_id: "s-otlp", hook_event_name }, { "x-spanlight-agent": "laptop-1" });
    }
    await post(s.app, prompt("late"));
    const [event] = s.store.query({ limit: 1 }).events;
    expect(event).toMatchObject({ source: "otlp", agentId: "laptop-1" });
    const d = await (await s.app.request("/api/sessions/s-otlp")).json();
    expect(d).toMatchObject({ status: "ended", eventCount: 3 });
    expect(d.otlpLastAt).toBe("2026-11-21T05:34:29.798Z");
  });
});

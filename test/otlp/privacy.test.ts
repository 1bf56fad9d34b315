import { afterEach, describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/mod.ts";
import { otlpForwardFromEnv } from "../../src/otlp/mod.ts";
import type { OtlpLogRecord } from "../../src/otlp/otlp-model.ts";
import { outboundAttributes } from "../../src/otlp/outbound-privacy.ts";
import { createSpanlight } from "../../src/server/compose.ts";
import { postHook } from "../helpers/app.ts";
import { startCaptureReceiver } from "./helpers/capture-receiver.ts";

/**
 * Claude Code's own telemetry takes the same redaction as hooks, in storage and on the way out:
 * names, status messages and severity texts too, attributes whose key names a secret, resource
 * attributes that become event fields, and the secret names inside tool input sent as JSON text.
 */

const GHP = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
const ANT = "sk-ant-api03-AbCdEfGhIjKlMnOp0123456789";
const PW = "Hunter2Hunter2";
const LEAKS = [GHP, ANT, PW, "RawCredX1", "RawCredY2", "ghp_0123", "sk-ant-api03"];
const SESSION = "0f9d2c1e-privacy-session";

type Capture = Awaited<ReturnType<typeof startCaptureReceiver>>;
let capture: Capture | null = null;
afterEach(async () => {
  await capture?.close();
  capture = null;
});

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

const traces = {
  resourceSpans: [
    {
      resource: { attributes: [str("service.name", "claude-code"), str("host.name", `box-${GHP}`)] },
      scopeSpans: [
        {
          scope: { name: "com.anthropic.claude_code" },
          spans: [
            {
              traceId: "0af7651916cd43dd8448eb211c80319c",
              spanId: "b7ad6b7169203331",
              name: `claude_code.tool ${GHP}`,
              kind: 1,
              startTimeUnixNano: "1795239269798000000",
              endTimeUnixNano: "1795239269898000000",
              attributes: [
                str("session.id", SESSION),
                str("password", PW),
                str("authorization", `Digest ${PW}`),
                { key: "input_tokens", value: { intValue: "12" } },
                str("tool_name", "Bash"),
              ],
              events: [{ name: `retry with ${ANT}`, timeUnixNano: "1795239269800000000" }],
              status: { code: 2, message: `request failed: token=${PW} ${ANT}` },
            },
          ],
        },
      ],
    },
  ],
};

const toolInput = JSON.stringify({ command: "deploy", secrets: ["RawCredX1"], credentials: { pw: "RawCredY2" } });
const logs = {
  resourceLogs: [
    {
      resource: {
        attributes: [str("service.name", "claude-code"), str("host.name", `runner-${GHP}`)],
      },
      scopeLogs: [
        {
          scope: { name: "com.anthropic.claude_code.events" },
          logRecords: [
            {
              timeUnixNano: "1795239269798000000",
              severityText: `INFO ${ANT}`,
              body: { stringValue: "claude_code.tool_result" },
              attributes: [
                str("event.name", "tool_result"),
                str("session.id", SESSION),
                { key: "event.sequence", value: { intValue: "7" } },
                str("tool_name", "Bash"),
                str("success", "true"),
                str("api_key", PW),
                str("tool_input", toolInput),
                str("tool_parameters", JSON.stringify({ full_command: "deploy", env: { DB_PASSWORD: "RawCredX1" } })),
              ],
            },
          ],
        },
      ],
    },
  ],
};

function exportingSpanlight(url: string, capture = { prompts: false, toolInput: true, toolOutput: false }) {
  const resolved = resolveConfig([
    {
      source: "test",
      values: {
        otel: {
          capture,
          export: { enabled: true, endpoint: `${url}/v1/traces`, protocol: "http/json", delayMs: 0 },
        },
      },
    },
  ]);
  if (!resolved.ok) throw new Error(resolved.error);
  return createSpanlight({
    config: resolved.config,
    otlpForward: otlpForwardFromEnv({ OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${url}/v1/logs` }),
  });
}

async function post(app: ReturnType<typeof createSpanlight>["app"], path: string, body: unknown) {
  const res = await app.request(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}

function expectNoLeak(what: string, value: unknown) {
  const text = JSON.stringify(value);
  for (const leak of LEAKS) expect(text, `${what} holds ${leak}`).not.toContain(leak);
}

describe("Claude Code's spans and logs are redacted like hooks", () => {
  it("stores native spans with their name, status message and event names redacted", async () => {
    capture = await startCaptureReceiver();
    const s = exportingSpanlight(capture.url);
    await post(s.app, "/v1/traces", traces);
    const detail = await (await s.app.request(`/api/sessions/${SESSION}`)).json();
    await s.close();
    const [span] = detail.nativeSpans;
    expect(span.name).toBe("claude_code.tool [REDACTED]");
    expect(span.statusMessage).toBe("request failed: token=[REDACTED] [REDACTED]");
    expect(span.events.map((e: { name: string }) => e.name)).toEqual(["retry with [REDACTED]"]);
    expect(span.attributes).toMatchObject({ password: "[REDACTED]", authorization: "[REDACTED]", input_tokens: 12 });
    expectNoLeak("stored span", detail);
  });

  it("exports native spans with names, status, event names and secret-named attributes redacted", async () => {
    capture = await startCaptureReceiver();
    const s = exportingSpanlight(capture.url);
    await post(s.app, "/v1/traces", traces);
    await s.close();
    const span = capture.spans().find((g) => g.spanId === "b7ad6b7169203331");
    expect(span).toBeDefined();
    expect(span!.name).toBe("claude_code.tool [REDACTED]");
    expect(span!.status.message).toBe("request failed: token=[REDACTED] [REDACTED]");
    expect(span!.events.map((e) => e.name)).toEqual(["retry with [REDACTED]"]);
    expect(span!.attributes).toMatchObject({
      password: "[REDACTED]",
      authorization: "[REDACTED]",
      input_tokens: 12,
      tool_name: "Bash",
    });
    expectNoLeak("exported spans", capture.posts);
  });

  it("stores log events with the resource's host and the tool input's secret names redacted", async () => {
    capture = await startCaptureReceiver();
    const s = exportingSpanlight(capture.url);
    await post(s.app, "/v1/logs", logs);
    const page = await (await s.app.request("/api/events")).json();
    await s.close();
    const [event] = page.events;
    expect(event.type).toBe("claude_code.tool_result");
    expect(event.hostName).toBe("runner-[REDACTED]");
    expect(event.payload.api_key).toBe("[REDACTED]");
    // Still JSON text, as Claude Code sent it, with the secret names' values gone whole.
    expect(JSON.parse(event.payload.tool_input)).toEqual({
      command: "deploy",
      secrets: ["[REDACTED]"],
      credentials: { pw: "[REDACTED]" },
    });
    expect(JSON.parse(event.payload.tool_parameters)).toEqual({
      full_command: "deploy",
      env: { DB_PASSWORD: "[REDACTED]" },
    });
    expect(event.command).toBe("deploy");
    expectNoLeak("stored events", page);
  });

  it("forwards log records with severity text, secret-named attributes and the tool input redacted", async () => {
    capture = await startCaptureReceiver();
    const s = exportingSpanlight(capture.url);
    await post(s.app, "/v1/logs", logs);
    await s.close();
    const records: OtlpLogRecord[] = capture.posts.flatMap((p) =>
      p.request.signal === "logs"
        ? p.request.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords))
        : [],
    );
    expect(records).toHaveLength(1);
    const [r] = records;
    expect(r!.severityText).toBe("INFO [REDACTED]");
    expect(r!.attributes.api_key).toBe("[REDACTED]");
    expect(JSON.parse(r!.attributes.tool_input as string)).toEqual({
      command: "deploy",
      secrets: ["[REDACTED]"],
      credentials: { pw: "[REDACTED]" },
    });
    expectNoLeak("forwarded logs", capture.posts);
  });

  it("keeps the tool input's secret names redacted the same whether it came in a hook or over OTLP", async () => {
    capture = await startCaptureReceiver();
    const s = exportingSpanlight(capture.url);
    await postHook(s.app, {
      session_id: SESSION,
      hook_event_name: "PreToolUse",
      tool_name: "Bash",
      tool_use_id: "toolu_1",
      tool_input: JSON.parse(toolInput),
    });
    await post(s.app, "/v1/logs", logs);
    const page = await (await s.app.request("/api/events")).json();
    await s.close();
    const hook = page.events.find((e: { source: string }) => e.source !== "otlp");
    const otlp = page.events.find((e: { source: string }) => e.source === "otlp");
    expect(JSON.parse(otlp.payload.tool_input)).toEqual(hook.payload.tool_input);
  });
});

describe("the outbound attribute rewrite", () => {
  const rewrite = outboundAttributes({ prompts: true, toolInput: true, toolOutput: true }, 4096);

  it("applies the secret-name rule per key, at any depth, as storage does", () => {
    const out = rewrite(
      {
        password: PW,
        "http.request.header.authorization": [`Basic ${PW}`],
        api_key: new Uint8Array([1, 2, 3]),
        input_tokens: "1200",
        output_tokens: 7,
        config: { credentials: { user: "alice", retries: 2 }, token_type: "bearer", page_token: "abc" },
        env: [
          { name: "DB_PASS", value: PW },
          { name: "PORT", value: "8080" },
        ],
        [`Bearer ${ANT}`]: true,
        note: `login with token=${PW}`,
      },
      "log",
    );
    expect(out).toEqual({
      password: "[REDACTED]",
      "http.request.header.authorization": ["[REDACTED]"],
      api_key: "[REDACTED]",
      input_tokens: "1200",
      output_tokens: 7,
      config: { credentials: { user: "[REDACTED]", retries: 2 }, token_type: "bearer", page_token: "abc" },
      env: [
        { name: "DB_PASS", value: "[REDACTED]" },
        { name: "PORT", value: "8080" },
      ],
      "Bearer [REDACTED]": true,
      note: "login with token=[REDACTED]",
    });
  });

  it("keeps ordinary attributes as they came", () => {
    const attrs = {
      "session.id": SESSION,
      tool_name: "Bash",
      "gen_ai.tool.name": "Bash",
      full_command: "docker run -p 8080:80 nginx",
      input_tokens: 12,
      decision: "accept",
      sort_key: "created_at",
    };
    expect(rewrite(attrs, "span")).toEqual(attrs);
  });
});

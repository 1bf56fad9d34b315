import { describe, expect, it } from "vitest";
import { postHook, testSpanlight } from "../helpers/app.ts";
import { loadHooks } from "../helpers/fixtures.ts";

const hook = {
  session_id: "s1",
  hook_event_name: "PreToolUse",
  tool_name: "Bash",
  tool_use_id: "t1",
  tool_input: { command: "ls" },
};
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

async function errorOf(res: Response) {
  const body = (await res.json()) as { error: { code: string; message: string; issues?: Array<{ path: string }> } };
  return body.error;
}

describe("POST /v1/hooks/claude-code", () => {
  it("stores a hook payload and answers 204 with an empty body (Claude Code reads a 2xx body as a decision)", async () => {
    const s = testSpanlight();
    const res = await postHook(s.app, hook);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    const page = s.store.query({ limit: 10 });
    expect(page.events[0]).toMatchObject({
      seq: 1,
      type: "PreToolUse",
      toolName: "Bash",
      command: "ls",
      sessionId: "s1",
    });
  });

  it("answers the same on the /hooks alias", async () => {
    const s = testSpanlight();
    const res = await s.app.request("/hooks", { method: "POST", body: JSON.stringify(hook) });
    expect(res.status).toBe(204);
    expect(s.store.buffer().events).toBe(1);
  });

  it("keeps unknown events and fields", async () => {
    const s = testSpanlight();
    await postHook(s.app, { session_id: "s", hook_event_name: "BrandNewEvent", shiny: { a: [1, 2] } });
    expect(s.store.query({ limit: 1 }).events[0]).toMatchObject({
      type: "BrandNewEvent",
      payload: { shiny: { a: [1, 2] } },
    });
  });

  it("takes context from the X-Spanlight-* headers", async () => {
    const s = testSpanlight();
    await postHook(s.app, hook, {
      "x-spanlight-agent": "worker-3",
      "x-spanlight-container": "3f2a9c1b7d4e",
      "x-spanlight-host": "build-box",
      "x-spanlight-workflow": "wf-1",
      "x-spanlight-node": "node-a",
      "x-spanlight-time": "2026-11-21T09:00:00.000Z",
    });
    expect(s.store.query({ limit: 1 }).events[0]).toMatchObject({
      agentId: "worker-3",
      containerId: "3f2a9c1b7d4e",
      hostName: "build-box",
      workflowId: "wf-1",
      nodeId: "node-a",
      sourceTime: "2026-11-21T09:00:00.000Z",
    });
    expect(s.store.agents()[0]).toMatchObject({ key: "worker-3", containerId: "3f2a9c1b7d4e", currentSessionId: "s1" });
  });

  it("sums up a background task's report by what it says, not its markup", async () => {
    const s = testSpanlight();
    const prompt =
      '<task-notification>\n<task-id>a255</task-id>\n<status>completed</status>\n<summary>Agent "Explore" completed</summary>\n</task-notification>';
    await postHook(s.app, { session_id: "s-task", hook_event_name: "UserPromptSubmit", prompt });
    expect(s.store.query({ limit: 1 }).events[0]!.summary).toBe(
      'Background task notification: Agent "Explore" completed',
    );
    expect(s.store.session("s-task")!.turns[0]!.promptPreview).toBe(
      'Background task notification: Agent "Explore" completed',
    );
  });

  it("redacts a token put in a context header, like any text it stores", async () => {
    const s = testSpanlight();
    const token = `ghp_${"a1B2c3D4".repeat(5)}`;
    await postHook(s.app, hook, { "x-spanlight-agent": `bot-${token}`, "x-spanlight-workflow": `wf ${token}` });
    const stored = JSON.stringify(s.store.query({ limit: 1 }).events[0]);
    expect(stored).not.toContain(token);
    expect(s.store.query({ limit: 1 }).events[0]!.workflowId).toBe("wf [REDACTED]");
  });

  it("takes X-Spanlight-Time only when plausible: from 2000 to a day past the server's clock (days-late spools included)", async () => {
    const s = testSpanlight(); // server clock: 2026-11-21T10:00:00Z
    const cases: Array<[string, string | null]> = [
      ["2026-11-14T10:00:00.000Z", "2026-11-14T10:00:00.000Z"], // a week late: kept
      ["2026-11-22T09:00:00.000Z", "2026-11-22T09:00:00.000Z"], // clock an hour-ish ahead: kept
      ["2026-11-23T10:00:00.000Z", null], // two days ahead
      ["1970-01-01T00:00:00.000Z", null], // a reset clock
      ["-271821-04-20T00:00:00.000Z", null], // before 1970: no OTLP time can say it
      ["+275760-09-13T00:00:00.000Z", null],
    ];
    for (const [header, expected] of cases) {
      await postHook(s.app, hook, { "x-spanlight-time": header });
      const stored = s.store.query({ limit: 1 }).events[0]!;
      expect([header, stored.sourceTime], header).toEqual([header, expected]);
      expect(stored.receivedAt).toBe("2026-11-21T10:00:00.000Z");
    }
  });

  it("stores a payload once per idempotency key (spool redelivery)", async () => {
    const s = testSpanlight();
    expect((await postHook(s.app, hook, { "idempotency-key": "k1" })).status).toBe(204);
    expect((await postHook(s.app, hook, { "idempotency-key": "k1" })).status).toBe(204);
    expect(s.store.buffer().events).toBe(1);
  });

  it("knows every key of a batch again, however long the list of keys", async () => {
    const s = testSpanlight();
    const items = Array.from({ length: 50 }, (_, i) => ({ ...hook, tool_use_id: `t${i}` }));
    // As the hook clients make them: host, then the spool file's name (time and process id).
    const keys = items.map((_, i) => `builder-7f3a-${1763700000000000000 + i}-${4000 + i}`);
    const send = async (k: string[], batch = items) =>
      (await (await postHook(s.app, batch, { "idempotency-key": k.join(",") })).json()) as {
        accepted: number;
        duplicates: number;
      };
    expect(await send(keys)).toMatchObject({ accepted: 50, duplicates: 0 });
    expect(await send(keys)).toMatchObject({ accepted: 0, duplicates: 50 });
    // Long keys that share a long prefix stay apart (a plain cut would make them one).
    const long = (tail: string) => `${"x".repeat(300)}-${tail}`;
    expect(await send([long("a"), long("b")], items.slice(0, 2))).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(await send([long("a"), long("b")], items.slice(0, 2))).toMatchObject({ accepted: 0, duplicates: 2 });
    expect(s.store.buffer().events).toBe(52);
  });

  it("accepts a JSON array batch with per-item results", async () => {
    const s = testSpanlight();
    const res = await postHook(s.app, [hook, { hook_event_name: "Stop" }, { ...hook, tool_use_id: "t2" }]);
    expect(res.status).toBe(202);
    const body = (await res.json()) as {
      accepted: number;
      rejected: number;
      results: Array<{ status: string; error?: { issues: Array<{ path: string }> } }>;
    };
    expect(body).toMatchObject({ accepted: 2, rejected: 1 });
    expect(body.results.map((r) => r.status)).toEqual(["accepted", "rejected", "accepted"]);
    expect(body.results[1]!.error!.issues[0]!.path).toBe("[1].session_id");
  });

  it("accepts NDJSON with per-item idempotency keys and rejects only the bad line", async () => {
    const s = testSpanlight();
    const lines = loadHooks("bash-echo").map((h) => h.line);
    const body = [...lines.slice(0, 3), "{not json", lines[3]].join("\n");
    const res = await s.app.request("/v1/hooks/claude-code", {
      method: "POST",
      headers: { "content-type": "application/x-ndjson", "idempotency-key": "a,b,c,d,e" },
      body,
    });
    expect(res.status).toBe(202);
    const out = (await res.json()) as {
      accepted: number;
      rejected: number;
      results: Array<{ status: string; error?: { code: string } }>;
    };
    expect(out).toMatchObject({ accepted: 4, rejected: 1 });
    expect(out.results[3]!.error!.code).toBe("invalid_json");
    const again = await s.app.request("/v1/hooks/claude-code", {
      method: "POST",
      headers: { "content-type": "application/x-ndjson", "idempotency-key": "a,b,c" },
      body: lines.slice(0, 3).join("\n"),
    });
    expect(((await again.json()) as { duplicates: number }).duplicates).toBe(3);
    expect(s.store.buffer().events).toBe(4);
  });
});

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

describe("bad input", () => {
  it.each([
    ["invalid JSON", '{"session_id": ', 400, "invalid_json", undefined],
    ["wrong types", JSON.stringify({ ...hook, tool_name: 5 }), 400, "validation_failed", "tool_name"],
    ["missing session id", JSON.stringify({ hook_event_name: "Stop" }), 400, "validation_failed", "session_id"],
    ["a bare string", '"hello"', 400, "invalid_body", undefined],
    ["an empty body", "", 400, "invalid_body", undefined],
    [
      "deeply nested JSON",
      `{"session_id":"s","hook_event_name":"X","a":${"[".repeat(5000)}${"]".repeat(5000)}}`,
      400,
      "too_deep",
      undefined,
    ],
    [
      "a __proto__ key",
      '{"session_id":"s","hook_event_name":"X","tool_input":{"__proto__":{"polluted":1}}}',
      400,
      "forbidden_key",
      undefined,
    ],
    ["a raw NUL byte", '{"session_id":"s\u0000","hook_event_name":"X"}', 400, "invalid_body", undefined],
  ])("rejects %s with a clear 4xx and keeps serving", async (_name, body, status, code, path) => {
    const s = testSpanlight();
    await postHook(s.app, hook);
    const res = await s.app.request("/v1/hooks/claude-code", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(res.status).toBe(status);
    const error = await errorOf(res);
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(5);
    if (path) expect(error.issues?.[0]?.path).toBe(path);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Nothing already accepted is lost, and the next good event is stored.
    expect((await postHook(s.app, { ...hook, tool_use_id: "t2" })).status).toBe(204);
    expect(s.store.buffer().events).toBe(2);
    expect(
      s.store.stats({ enabled: false, exported: 0, dropped: 0, failed: 0, queued: 0, lastError: null }).rejected,
    ).toBe(1);
  });

  it("rejects invalid UTF-8", async () => {
    const s = testSpanlight();
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('{"session_id":"'),
      0xff,
      0xfe,
      ...new TextEncoder().encode('","hook_event_name":"X"}'),
    ]);
    const res = await s.app.request("/v1/hooks/claude-code", { method: "POST", body: bytes });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe("invalid_utf8");
  });

  it("rejects a body over the limit with 413", async () => {
    const s = testSpanlight({ limits: { bodyBytes: 2048 } });
    const res = await postHook(s.app, { ...hook, tool_input: { content: "x".repeat(5000) } });
    expect(res.status).toBe(413);
    expect(await errorOf(res)).toMatchObject({ code: "payload_too_large" });
  });

  it("takes the PostToolUse of a 2 MB file written (its content twice) with the default limits", async () => {
    const s = testSpanlight();
    const content = '{"lockfileVersion": 3, "packages": {}}\n'.repeat(60_000);
    expect(content.length).toBeGreaterThan(2_000_000);
    const write = { file_path: "/repo/package-lock.json", content };
    const res = await postHook(s.app, {
      ...hook,
      hook_event_name: "PostToolUse",
      tool_name: "Write",
      tool_input: write,
      tool_response: { type: "create", filePath: write.file_path, content },
    });
    expect(res.status).toBe(204);
    const e = s.store.query({ limit: 1 }).events[0]!;
    expect(e.trimmed.map((t) => [t.path, t.originalBytes])).toEqual([
      ["tool_input.content", content.length],
      ["tool_response.content", content.length],
    ]);
  });

  it("stores an oversized event trimmed, never dropped", async () => {
    const s = testSpanlight();
    await postHook(s.app, { ...hook, hook_event_name: "PostToolUse", tool_response: { stdout: "y".repeat(300_000) } });
    const e = s.store.query({ limit: 1 }).events[0]!;
    expect(e.bytes).toBeLessThanOrEqual(10 * 1024);
    expect(e.trimmed[0]).toMatchObject({ path: "tool_response.stdout", originalBytes: 300_000 });
  });

  it.each([1e308, -5, 8e8])("keeps a Post whose duration_ms %s no call can have, without that figure", async (ms) => {
    const s = testSpanlight();
    // A Post without its Pre is timed back from its duration: 1e308 ms ago is no date at all.
    const post = { ...hook, hook_event_name: "PostToolUse", tool_use_id: "t-late", duration_ms: ms };
    expect((await postHook(s.app, post)).status).toBe(204);
    expect(s.store.query({ limit: 1 }).events[0]!.durationMs).toBeNull();
    const call = [...s.store.session("s1")!.toolCalls.values()][0]!;
    expect([call.status, call.durationMs]).toEqual(["ok", 0]);
  });

  it("keeps a Post whose duration_ms is 1e309 (Infinity once parsed), without that figure", async () => {
    const s = testSpanlight();
    const body = JSON.stringify({ ...hook, hook_event_name: "PostToolUse", tool_use_id: "t-inf", duration_ms: 1 });
    expect((await postHook(s.app, body.replace('"duration_ms":1', '"duration_ms":-1e309'))).status).toBe(204);
    expect((await postHook(s.app, body.replace('"duration_ms":1', '"duration_ms":1e309'))).status).toBe(204);
    expect(s.store.query({ limit: 2 }).events.map((e) => e.durationMs)).toEqual([null, null]);
    expect(s.store.session("s1")!.toolCalls.size).toBe(1);
  });

  it("keeps text with an unpaired surrogate, the half replaced by U+FFFD, and pairs whole", async () => {
    const s = testSpanlight();
    // JSON can spell half an emoji (a sender that cut a string between its two halves).
    const body = String.raw`{"session_id":"ab\ud83dcd","hook_event_name":"PreToolUse","tool_use_id":"t","tool_input":{"command":"echo \ud83d\ude00 \udc00","\udfffk":1}}`;
    expect((await postHook(s.app, body)).status).toBe(204);
    const e = s.store.query({ limit: 1 }).events[0]!;
    expect(e.sessionId).toBe("ab\ufffdcd");
    expect((e.payload as Record<string, unknown>).tool_input).toEqual({
      command: "echo \u{1F600} \ufffd",
      "\ufffdk": 1,
    });
    // The dashboard links to each session by its id: an unpaired half made encodeURIComponent throw.
    const res = await s.app.request(`/api/sessions/${encodeURIComponent(s.store.sessions()[0]!.sessionId)}`);
    expect(res.status).toBe(200);
  });

  it("redacts secrets before storage", async () => {
    const s = testSpanlight();
    await postHook(s.app, {
      ...hook,
      tool_input: { command: "curl -H 'Authorization: Bearer sk-ant-api03-SECRETSECRET' https://api" },
    });
    const e = s.store.query({ limit: 1 }).events[0]!;
    expect(JSON.stringify(e)).not.toContain("SECRETSECRET");
    expect(e.command).toContain("[REDACTED]");
  });
});

describe("auth and host checks", () => {
  it("requires the bearer token on ingest and API when configured, not on /health", async () => {
    const s = testSpanlight({ server: { token: "s3cret-token" } });
    expect((await postHook(s.app, hook)).status).toBe(401);
    expect((await errorOf(await postHook(s.app, hook, { authorization: "Bearer wrong-token" }))).code).toBe(
      "unauthorized",
    );
    expect((await postHook(s.app, hook, { authorization: "Bearer s3cret-token" })).status).toBe(204);
    expect((await s.app.request("/api/sessions")).status).toBe(401);
    expect((await s.app.request("/api/sessions", { headers: { authorization: "Bearer s3cret-token" } })).status).toBe(
      200,
    );
    expect((await s.app.request("/health")).status).toBe(200);
  });

  it("refuses a foreign Host header on a loopback server (DNS rebinding)", async () => {
    const s = testSpanlight();
    const res = await s.app.request("http://evil.example/api/sessions", { headers: { host: "evil.example" } });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe("forbidden_host");
    expect(
      (await s.app.request("http://localhost:9292/api/sessions", { headers: { host: "localhost:9292" } })).status,
    ).toBe(200);
    // Still refused right after an allowed request (the check remembers the last allowed Host).
    expect((await postHook(s.app, hook, { host: "evil.example" })).status).toBe(403);
    expect((await postHook(s.app, hook, { host: "127.0.0.1:9292" })).status).toBe(204);
    expect((await postHook(s.app, hook, { host: "EVIL.example:9292" })).status).toBe(403);
  });

  it("never sends Access-Control-Allow-Origin", async () => {
    const s = testSpanlight();
    const res = await s.app.request("/api/sessions", { headers: { origin: "http://evil.example" } });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("escaped keys", () => {
  it("refuses a __proto__ key spelled with unicode escapes", async () => {
    const s = testSpanlight();
    const res = await s.app.request("/v1/hooks/claude-code", {
      method: "POST",
      body: '{"session_id":"s","hook_event_name":"X","a":{"\\u005f_proto__":{"polluted":1}}}',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("forbidden_key");
  });
});

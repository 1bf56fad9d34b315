import { describe, expect, it } from "vitest";
import { postHook, testSpanlight } from "../helpers/app.ts";
import { errorOf, hook } from "./helpers/ingest.ts";

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

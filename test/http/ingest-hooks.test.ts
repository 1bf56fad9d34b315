import { describe, expect, it } from "vitest";
import { postHook, testSpanlight } from "../helpers/app.ts";
import { loadHooks } from "../helpers/fixtures.ts";
import { hook } from "./helpers/ingest.ts";

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

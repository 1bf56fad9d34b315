import { describe, expect, it } from "vitest";
import type { EventsPage, Health, SessionDetail, SessionSummary, Stats, ToolStats } from "../../src/schema/mod.ts";
import { fixedClock, postHook, replayScenario, testSpanlight } from "../helpers/app.ts";

async function json<T>(res: Response | Promise<Response>): Promise<T> {
  return (await (await res).json()) as T;
}

describe("GET /api/events", () => {
  it("returns newest first with filters and a cursor for older pages", async () => {
    const s = testSpanlight();
    await replayScenario(s.app, "file-ops");
    const all = await json<EventsPage>(s.app.request("/api/events"));
    expect(all.events[0]!.seq).toBe(all.newestSeq);
    expect(all.events.map((e) => e.seq)).toEqual([...all.events.map((e) => e.seq)].sort((a, b) => b - a));

    const writes = await json<EventsPage>(s.app.request("/api/events?type=PreToolUse&tool=Write,Edit"));
    expect(writes.events.map((e) => e.toolName)).toEqual(["Edit", "Write"]);

    const page1 = await json<EventsPage>(s.app.request("/api/events?limit=5"));
    expect(page1.events).toHaveLength(5);
    const page2 = await json<EventsPage>(s.app.request(`/api/events?limit=5&cursor=${page1.nextCursor}`));
    expect(page2.events[0]!.seq).toBe(page1.events[4]!.seq - 1);

    const search = await json<EventsPage>(s.app.request("/api/events?q=GLOB"));
    expect(search.events.length).toBeGreaterThan(0);
    expect(search.events.every((e) => JSON.stringify(e).toLowerCase().includes("glob"))).toBe(true);

    const since = await json<EventsPage>(s.app.request(`/api/events?since=${all.newestSeq - 2}`));
    expect(since.events.map((e) => e.seq)).toEqual([all.newestSeq, all.newestSeq - 1]);
  });

  it("finds events by the container that sent them, as the dashboard's search does", async () => {
    const s = testSpanlight();
    await postHook(
      s.app,
      { session_id: "in-box", hook_event_name: "Stop" },
      { "x-spanlight-container": "c0ffee000003" },
    );
    await postHook(s.app, { session_id: "on-host", hook_event_name: "Stop" });
    const found = await json<EventsPage>(s.app.request("/api/events?q=C0FFEE0000"));
    expect(found.events.map((e) => e.sessionId)).toEqual(["in-box"]);
  });

  it("searches payload values and keys as plain text, case-insensitively", async () => {
    const s = testSpanlight();
    const post = (session: string, extra: Record<string, unknown>) =>
      postHook(s.app, { session_id: session, hook_event_name: "Notification", ...extra });
    await post("nested", { details: { steps: [{ note: "Über die Brücke" }] } });
    await post("keyed", { retry_budget: 3 });
    await post("dotted", { message: "version 1.2 released" });
    await post("near-miss", { message: "version 1x2 released" });
    await post("counted", { attempts: 1729 });
    const found = async (q: string) =>
      (await json<EventsPage>(s.app.request(`/api/events?q=${encodeURIComponent(q)}`))).events
        .map((e) => e.sessionId)
        .sort();
    expect(await found("über DIE")).toEqual(["nested"]);
    expect(await found("RETRY_budget")).toEqual(["keyed"]);
    // A query is text, not a pattern: the dot matches a dot only.
    expect(await found("1.2")).toEqual(["dotted"]);
    expect(await found("1729")).toEqual(["counted"]);
    // JSON syntax in the query matches the serialized payload, as before.
    expect(await found('"attempts":1729')).toEqual(["counted"]);
    expect(await found("(")).toEqual([]);
  });

  it("clamps the limit and rejects malformed parameters naming them", async () => {
    const s = testSpanlight();
    for (let i = 0; i < 3; i++) await postHook(s.app, { session_id: "s", hook_event_name: "Notification" });
    expect((await json<EventsPage>(s.app.request("/api/events?limit=0"))).events).toHaveLength(1);
    expect((await json<EventsPage>(s.app.request("/api/events?limit="))).events).toHaveLength(3);
    const bad = await s.app.request("/api/events?since=not-a-time");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "invalid_query", issues: [{ path: "since" }] } });
  });

  it("returns one event by sequence id, 404 once it is gone", async () => {
    const s = testSpanlight({ store: { maxEvents: 10 } });
    for (let i = 0; i < 12; i++)
      await postHook(s.app, { session_id: "s", hook_event_name: "Notification", message: `${i}` });
    expect((await json<{ seq: number }>(s.app.request("/api/events/12"))).seq).toBe(12);
    const gone = await s.app.request("/api/events/1");
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ error: { code: "not_found" } });
  });
});

describe("sessions, stats, tools, agents, health", () => {
  it("lists active sessions first and 404s unknown ids", async () => {
    const clock = fixedClock();
    const s = testSpanlight({}, clock);
    await replayScenario(s.app, "bash-echo");
    clock.advance(5000);
    await postHook(s.app, { session_id: "live", hook_event_name: "UserPromptSubmit", prompt: "hi" });
    const list = await json<SessionSummary[]>(s.app.request("/api/sessions"));
    expect(list.map((x) => x.status)).toEqual(["active", "ended"]);
    const missing = await s.app.request("/api/sessions/nope");
    expect(missing.status).toBe(404);
    expect((await s.app.request("/api/nothing-here")).status).toBe(404);
  });

  it("links a session to all its traces in Jaeger when export is on", async () => {
    const exporting = { export: { enabled: true, endpoint: "http://127.0.0.1:9/v1/traces", worker: false } };
    const s = testSpanlight({ otel: { ...exporting, serviceName: "agents" } });
    await replayScenario(s.app, "multi-turn");
    const [summary] = s.store.sessions();
    const detail = await json<SessionDetail>(s.app.request(`/api/sessions/${summary!.sessionId}`));
    const url = new URL(detail.tracesUrl!);
    expect(`${url.origin}${url.pathname}`).toBe("http://localhost:16686/search");
    expect(url.searchParams.get("service")).toBe("agents");
    expect(JSON.parse(url.searchParams.get("tags")!)).toEqual({ "session.id": summary!.sessionId });
    expect(url.searchParams.get("lookback")).toBe("custom");
    // Jaeger takes microseconds: from before the session began to after its last event.
    expect(Number(url.searchParams.get("start"))).toBeLessThan(Date.parse(summary!.startedAt) * 1000);
    expect(Number(url.searchParams.get("end"))).toBeGreaterThan(Date.parse(summary!.lastEventAt) * 1000);
    await s.otel.shutdown();
    const off = testSpanlight();
    await replayScenario(off.app, "multi-turn");
    expect((await json<SessionDetail>(off.app.request(`/api/sessions/${summary!.sessionId}`))).tracesUrl).toBeNull();
  });

  it("computes stats, per-tool durations and failure rates from real captures", async () => {
    const s = testSpanlight();
    await replayScenario(s.app, "failing-tool");
    await replayScenario(s.app, "parallel-tools");
    const stats = await json<Stats>(s.app.request("/api/stats"));
    expect(stats.totalEvents).toBeGreaterThan(30);
    expect(stats.byType.PostToolUseFailure).toBe(3);
    // Three failure hooks, and two PostToolBatch events each listing a call refused before it ran.
    expect(stats.errorRate).toBeCloseTo(5 / stats.totalEvents);
    expect(stats.eventsPerMinute).toBe(stats.totalEvents);
    expect(stats.topErrors[0]!.count).toBeGreaterThanOrEqual(1);
    expect(stats.perMinute).toHaveLength(15);
    const tools = await json<ToolStats[]>(s.app.request("/api/tools"));
    const bash = tools.find((t) => t.toolName === "Bash")!;
    expect(bash.count).toBe(5); // 2 in failing-tool, 3 in parallel-tools
    expect(bash.failures).toBe(2);
    expect(bash.failureRate).toBeCloseTo(0.4);
    expect(bash.p50Ms).not.toBeNull();
    expect(bash.p95Ms!).toBeGreaterThanOrEqual(bash.p50Ms!);
  });

  it("slides events per minute over the last 60 seconds", async () => {
    const clock = fixedClock();
    const s = testSpanlight({}, clock);
    for (let i = 0; i < 5; i++) await postHook(s.app, { session_id: "s", hook_event_name: "Notification" });
    clock.advance(30_000);
    for (let i = 0; i < 3; i++) await postHook(s.app, { session_id: "s", hook_event_name: "Notification" });
    expect((await json<Stats>(s.app.request("/api/stats"))).eventsPerMinute).toBe(8);
    clock.advance(31_000);
    expect((await json<Stats>(s.app.request("/api/stats"))).eventsPerMinute).toBe(3);
  });

  it("reports health with buffer figures", async () => {
    const s = testSpanlight();
    await postHook(s.app, { session_id: "s", hook_event_name: "Notification" });
    const health = await json<Health>(s.app.request("/health"));
    expect(health).toMatchObject({ status: "ok", connections: 0, buffer: { events: 1, capacity: 10_000 } });
    expect(health.buffer.bytes).toBeGreaterThan(0);
    expect((await s.app.request("/status")).status).toBe(200);
  });

  it("serves a page at /", async () => {
    const s = testSpanlight();
    const res = await s.app.request("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
  });
});

describe("GET /api/files", () => {
  it("merges the files every session touched, newest first, listing each session", async () => {
    const clock = fixedClock();
    const s = testSpanlight({}, clock);
    const at = (sec: number) => ({
      "x-spanlight-time": new Date(Date.parse("2026-11-21T10:00:00Z") + sec * 1000).toISOString(),
    });
    const touch = (session: string, tool: string, path: string, sec: number, cwd: string) =>
      postHook(
        s.app,
        {
          session_id: session,
          cwd,
          hook_event_name: "PostToolUse",
          tool_name: tool,
          tool_use_id: `${session}-${sec}`,
          tool_input: { file_path: path },
        },
        at(sec),
      );
    await touch("s1", "Read", "/repo/a.ts", 1, "/work/api");
    await touch("s1", "Edit", "/repo/a.ts", 2, "/work/api");
    await touch("s2", "Write", "/repo/a.ts", 5, "/work/web");
    await touch("s2", "Read", "/repo/b.ts", 3, "/work/web");
    const rows = (await (await s.app.request("/api/files")).json()) as Array<Record<string, unknown>>;
    expect(rows.map((r) => r.path)).toEqual(["/repo/a.ts", "/repo/b.ts"]);
    expect(rows[0]).toMatchObject({ reads: 1, writes: 1, edits: 1, searches: 0, lastAt: "2026-11-21T10:00:05.000Z" });
    expect(rows[0]!.sessions).toEqual([
      { sessionId: "s2", label: "web" },
      { sessionId: "s1", label: "api" },
    ]);
  });
});

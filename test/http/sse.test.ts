import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { ConfigInput } from "../../src/config/mod.ts";
import { startNodeServer } from "../../src/runtime/node.ts";
import { openStream, waitFor } from "../helpers/sse.ts";

type Server = Awaited<ReturnType<typeof startNodeServer>>;
const servers: Server[] = [];
const streams: Array<{ close(): void }> = [];

afterEach(async () => {
  for (const s of streams.splice(0)) s.close();
  for (const s of servers.splice(0)) await s.close();
});

async function server(config: ConfigInput = {}) {
  const s = await startNodeServer({ config });
  servers.push(s);
  return s;
}

async function stream(url: string, headers: Record<string, string> = {}) {
  const st = await openStream(url, headers);
  streams.push(st);
  return st;
}

function post(base: string, payload: unknown) {
  return fetch(`${base}/v1/hooks/claude-code`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(payload),
  });
}

const note = (session: string, i: number) => ({
  session_id: session,
  hook_event_name: "Notification",
  message: `n${i}`,
});

describe("GET /api/stream", () => {
  it("sends hello and stats, then each posted event with its sequence id", async () => {
    const s = await server();
    const st = await stream(`${s.url}/api/stream`);
    expect(st.response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const hello = await st.next((f) => f.event === "hello");
    expect(JSON.parse(hello.data!)).toMatchObject({ bootId: s.spanlight.bootId, newestSeq: 0 });
    await st.next((f) => f.event === "stats");
    await post(s.url, note("a", 1));
    await post(s.url, note("a", 2));
    const frames = [await st.next((f) => f.event === "event"), await st.next((f) => f.event === "event")];
    // Tagged with the run: a plain EventSource resumes with this id alone.
    const tag = s.spanlight.bootId.replaceAll("-", "").slice(0, 8);
    expect(frames.map((f) => f.id)).toEqual([`1@${tag}`, `2@${tag}`]);
    expect(JSON.parse(frames[1]!.data!)).toMatchObject({ seq: 2, type: "Notification", summary: "n2" });
  });

  it("replays what was missed after Last-Event-ID, without duplicates", async () => {
    const s = await server();
    for (let i = 1; i <= 5; i++) await post(s.url, note("a", i));
    const st = await stream(`${s.url}/api/stream`, { "last-event-id": "2" });
    expect((await st.events(3)).map((e) => e.seq)).toEqual([3, 4, 5]);
    await post(s.url, note("a", 6));
    expect((await st.events(1)).map((e) => e.seq)).toEqual([6]);
    const viaQuery = await stream(`${s.url}/api/stream?lastEventId=4`);
    expect((await viaQuery.events(2)).map((e) => e.seq)).toEqual([5, 6]);
  });

  it("says so when the requested position was evicted, then continues from the oldest kept", async () => {
    const s = await server({ store: { maxEvents: 10 } });
    for (let i = 1; i <= 30; i++) await post(s.url, note("a", i));
    const st = await stream(`${s.url}/api/stream`, { "last-event-id": "2" });
    const gap = await st.next((f) => f.event === "gap");
    expect(JSON.parse(gap.data!)).toEqual({ lastEventId: 2, oldestSeq: 21, missed: 18 });
    expect((await st.events(10)).map((e) => e.seq)).toEqual([21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
  });

  it("tells a client from another server run to reset", async () => {
    const s = await server();
    await post(s.url, note("a", 1));
    const st = await stream(`${s.url}/api/stream`, { "last-event-id": "500" });
    expect(JSON.parse((await st.next((f) => f.event === "reset")).data!)).toMatchObject({
      lastEventId: 500,
      newestSeq: 1,
    });
    const other = await stream(`${s.url}/api/stream?lastEventId=1&bootId=some-other-run`);
    await other.next((f) => f.event === "reset");
  });

  it("tells a plain EventSource resuming after a restart to reset, though the new run has that id", async () => {
    const before = await server();
    const st = await stream(`${before.url}/api/stream`);
    await post(before.url, note("a", 1));
    const lastId = (await st.next((f) => f.event === "event")).id!;
    const after = await server();
    for (let i = 1; i <= 3; i++) await post(after.url, note("b", i));
    // The new run holds seq 1 too: without the run in the id, events 2-3 would follow silently.
    const resumed = await stream(`${after.url}/api/stream`, { "last-event-id": lastId });
    expect(JSON.parse((await resumed.next((f) => f.event === "reset")).data!)).toMatchObject({ lastEventId: 1 });
    // The same run's id resumes as before.
    const same = await stream(`${after.url}/api/stream`, {
      "last-event-id": lastId.replace(/@.*/, "@") + after.spanlight.bootId.replaceAll("-", "").slice(0, 8),
    });
    expect((await same.events(2)).map((e) => e.seq)).toEqual([2, 3]);
  });

  it("applies the same filters as /api/events", async () => {
    const s = await server();
    const st = await stream(`${s.url}/api/stream?sessionId=b&type=Notification`);
    await post(s.url, note("a", 1));
    await post(s.url, { session_id: "b", hook_event_name: "Stop" });
    await post(s.url, note("b", 2));
    expect((await st.events(1))[0]).toMatchObject({ sessionId: "b", type: "Notification", seq: 3 });
  });

  it("sends coalesced session summaries and stats on ticks, and heartbeats", async () => {
    const s = await server();
    const st = await stream(`${s.url}/api/stream`);
    await st.next((f) => f.event === "stats");
    await post(s.url, note("a", 1));
    await post(s.url, note("a", 2));
    await st.events(2);
    s.spanlight.hub.tick();
    const sessions = JSON.parse((await st.next((f) => f.event === "sessions")).data!);
    expect(sessions).toEqual([expect.objectContaining({ sessionId: "a", eventCount: 2 })]);
    expect(JSON.parse((await st.next((f) => f.event === "stats")).data!)).toMatchObject({ totalEvents: 2 });
    s.spanlight.hub.tick(); // nothing changed: no new stats frame before the heartbeat
    s.spanlight.hub.heartbeat();
    expect((await st.next()).comment).toBe("ping");
  });

  it("removes closed connections", async () => {
    const s = await server();
    const st = await stream(`${s.url}/api/stream`);
    await st.next((f) => f.event === "hello");
    expect(s.spanlight.hub.connections).toBe(1);
    st.close();
    await waitFor(() => s.spanlight.hub.connections === 0, 5000, "connection cleanup");
  });

  it("disconnects a client that cannot keep up, without slowing ingest for others", async () => {
    // Large events fill the socket buffers in fewer requests.
    const s = await server({
      stream: { clientQueue: 16 },
      limits: { eventBytes: 256 * 1024, stringChars: 256 * 1024 },
    });
    const fast = await stream(`${s.url}/api/stream`);
    // A raw socket that sends the request and then stops reading.
    const socket = connect(s.port, "127.0.0.1");
    await new Promise<void>((r) => socket.once("connect", () => r()));
    const received: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => received.push(chunk));
    socket.write(`GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`);
    await waitFor(() => Buffer.concat(received).includes("event: hello"), 5000, "slow client hello");
    socket.pause();
    const big = "z".repeat(200_000);
    let posted = 0;
    while (s.spanlight.hub.overflows === 0 && posted < 5000) {
      const res = await post(s.url, { session_id: "load", hook_event_name: "Notification", message: big, n: posted });
      expect(res.status).toBe(204);
      posted++;
    }
    expect(s.spanlight.hub.overflows).toBe(1);
    expect(posted).toBeGreaterThan(16);
    // The fast client got everything, in order.
    const got = await fast.events(posted);
    expect(got.map((e) => e.seq)).toEqual(Array.from({ length: posted }, (_, i) => i + 1));
    // The slow client, once it reads again, finds the overflow notice and the end of the stream.
    socket.resume();
    // The response ends with the last chunk of its chunked encoding (the socket itself stays keep-alive).
    await waitFor(() => Buffer.concat(received).toString().endsWith("0\r\n\r\n"), 10_000, "end of the slow stream");
    expect(Buffer.concat(received).toString()).toContain("event: overflow");
    socket.destroy();
    expect(s.spanlight.hub.connections).toBe(1);
  });
});

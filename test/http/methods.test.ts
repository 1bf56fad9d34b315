import { afterEach, describe, expect, it } from "vitest";
import { startNodeServer } from "../../src/runtime/node.ts";
import { testSpanlight } from "../helpers/app.ts";
import { openStream } from "../helpers/sse.ts";

type ErrorBody = { error: { code: string; message: string } };

describe("a known path asked with the wrong method", () => {
  it.each([
    ["GET", "/hooks", "POST"],
    ["GET", "/v1/hooks/claude-code", "POST"],
    ["PUT", "/telemetry", "POST"],
    ["GET", "/v1/traces", "POST"],
    ["GET", "/v1/logs", "POST"],
    ["POST", "/api/events", "GET, HEAD"],
    ["DELETE", "/api/events/1", "GET, HEAD"],
    ["POST", "/api/sessions/s1", "GET, HEAD"],
    ["POST", "/api/stream", "GET, HEAD"],
    ["POST", "/health", "GET, HEAD"],
    ["POST", "/status", "GET, HEAD"],
  ])("%s %s answers 405 with Allow: %s and a JSON error", async (method, path, allow) => {
    const s = testSpanlight();
    const res = await s.app.request(path, { method, ...(method === "GET" ? {} : { body: "{}" }) });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe(allow);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe("method_not_allowed");
    expect(body.error.message).toContain(path);
  });

  it("still answers unknown paths 404", async () => {
    const s = testSpanlight();
    expect((await s.app.request("/api/nothing-here", { method: "POST" })).status).toBe(404);
    expect((await s.app.request("/v1/nothing")).status).toBe(404);
  });
});

type Server = Awaited<ReturnType<typeof startNodeServer>>;
const servers: Server[] = [];
const streams: Array<{ close(): void }> = [];
afterEach(async () => {
  for (const st of streams.splice(0)) st.close();
  for (const s of servers.splice(0)) await s.close();
});

describe("HEAD /api/stream", () => {
  it("answers with the stream's headers and never takes a client slot", async () => {
    const s = testSpanlight({ stream: { maxClients: 2 } });
    for (let i = 0; i < 10; i++) {
      const res = await s.app.request("/api/stream", { method: "HEAD" });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
      expect(await res.text()).toBe("");
    }
    expect(s.hub.connections).toBe(0);
  });

  it("leaves every slot to real clients over a real connection", async () => {
    const s = await startNodeServer({ config: { stream: { maxClients: 1 } } });
    servers.push(s);
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${s.url}/api/stream`, { method: "HEAD" });
      expect(res.status).toBe(200);
    }
    expect(s.spanlight.hub.connections).toBe(0);
    const st = await openStream(`${s.url}/api/stream`);
    streams.push(st);
    await st.next((f) => f.event === "hello");
    expect(s.spanlight.hub.connections).toBe(1);
  });

  it("GET on an ingest route over a real connection also gets 405 (the fast path only takes POST)", async () => {
    const s = await startNodeServer();
    servers.push(s);
    const res = await fetch(`${s.url}/v1/hooks/claude-code`);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    expect(((await res.json()) as ErrorBody).error.code).toBe("method_not_allowed");
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { startNodeServer } from "../../src/runtime/node.ts";
import { testSpanlight } from "../helpers/app.ts";
import { rawPost } from "../helpers/raw-post.ts";

// A web page the user visits can POST to 127.0.0.1 with fetch(..., {mode: "no-cors"}) and a
// text/plain body (no preflight). The browser marks such a request with Origin and Sec-Fetch-Site;
// these tests hold the server to refusing it while hook clients, curl and exporters (which send
// neither header) keep working.

const HOST = "127.0.0.1:9292";
const hook = JSON.stringify({ session_id: "s1", hook_event_name: "Stop" });
const telemetry = JSON.stringify({
  id: "e1",
  type: "custom",
  agentId: "a",
  timestamp: "2026-11-21T10:00:00Z",
  data: {},
});

function post(s: ReturnType<typeof testSpanlight>, path: string, body: string, headers: Record<string, string>) {
  return s.app.request(path, {
    method: "POST",
    headers: { host: HOST, "content-type": "text/plain", ...headers },
    body,
  });
}

async function codeOf(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

const writes: Array<[string, string]> = [
  ["/v1/hooks/claude-code", hook],
  ["/hooks", hook],
  ["/telemetry", telemetry],
  ["/v1/hooks/claude-code", `[${hook}]`],
  ["/telemetry", `[${telemetry}]`],
  ["/v1/traces", "{}"],
  ["/v1/logs", "{}"],
  ["/v1/metrics", "{}"],
];

const crossSite: Array<[string, Record<string, string>]> = [
  ["a page on another site (Sec-Fetch-Site: cross-site)", { "sec-fetch-site": "cross-site" }],
  ["another app on this machine (Sec-Fetch-Site: same-site)", { "sec-fetch-site": "same-site" }],
  ["an Origin of another site", { origin: "https://evil.example" }],
  ["an Origin of another port on localhost", { origin: "http://localhost:3000" }],
  ["an opaque Origin (sandboxed frame, file: page)", { origin: "null" }],
  ["a malformed Origin", { origin: "not a url" }],
];

describe("cross-site requests", () => {
  it.each(crossSite)("refuses writes from %s with 403, storing nothing", async (_name, headers) => {
    const s = testSpanlight();
    for (const [path, body] of writes) {
      const res = await post(s, path, body, headers);
      expect(res.status, path).toBe(403);
      expect(await codeOf(res)).toBe("forbidden_origin");
    }
    expect(s.store.buffer().events).toBe(0);
  });

  it("refuses cross-site reads of recorded data, but still opens the dashboard and /health", async () => {
    const s = testSpanlight();
    const from = { host: HOST, "sec-fetch-site": "cross-site" };
    for (const path of ["/api/sessions", "/api/events", "/api/events/1", "/api/stream", "/status"]) {
      const res = await s.app.request(path, { headers: from });
      expect(res.status, path).toBe(403);
      expect(await codeOf(res)).toBe("forbidden_origin");
    }
    expect(s.hub.connections).toBe(0);
    // A link to the dashboard from another site is a top-level navigation: it must open.
    expect((await s.app.request("/", { headers: from })).status).toBe(200);
    expect((await s.app.request("/health", { headers: from })).status).toBe(200);
  });

  it.each([
    ["no Origin (curl, hook clients, Claude Code HTTP hooks, OTLP exporters)", {}],
    ["Sec-Fetch-Site: same-origin (the dashboard)", { "sec-fetch-site": "same-origin" }],
    ["Sec-Fetch-Site: none (typed into the address bar)", { "sec-fetch-site": "none" }],
    ["the Origin the Host header names", { origin: `http://${HOST}` }],
    ["a loopback Origin on the configured port", { origin: "http://localhost:9292" }],
  ])("accepts %s", async (_name, headers) => {
    const s = testSpanlight();
    expect((await post(s, "/v1/hooks/claude-code", hook, headers)).status).toBe(204);
    expect((await post(s, "/telemetry", telemetry, headers)).status).toBe(202);
    const read = await s.app.request("/api/sessions", { headers: { host: HOST, ...headers } });
    expect(read.status).toBe(200);
  });

  it("accepts an Origin whose host is in server.allowedHosts (e.g. behind a reverse proxy)", async () => {
    const s = testSpanlight({ server: { allowedHosts: ["spanlight.internal"] } });
    const res = await post(s, "/hooks", hook, { origin: "https://spanlight.internal" });
    expect(res.status).toBe(204);
  });

  it("sends no CORS grant anywhere, preflight included", async () => {
    const s = testSpanlight();
    const origin = { host: HOST, origin: "https://evil.example" };
    const responses = [
      await s.app.request("/hooks", {
        method: "OPTIONS",
        headers: { ...origin, "access-control-request-method": "POST" },
      }),
      await s.app.request("/api/sessions", { headers: origin }),
      await s.app.request("/health", { headers: origin }),
      await s.app.request("/", { headers: origin }),
      await post(s, "/hooks", hook, {}),
    ];
    for (const res of responses) expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("ingest media types", () => {
  it.each(["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "text/html"])(
    "answers 415 for Content-Type %s, storing nothing",
    async (type) => {
      const s = testSpanlight();
      for (const path of ["/v1/hooks/claude-code", "/telemetry"]) {
        const res = await post(s, path, path === "/telemetry" ? telemetry : hook, { "content-type": type });
        expect(res.status).toBe(415);
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe("unsupported_media_type");
        expect(body.error.message).toContain(type.split(";")[0]);
      }
      expect(s.store.buffer().events).toBe(0);
      const status = (await (await s.app.request("/status", { headers: { host: HOST } })).json()) as {
        ingest: { rejected: number };
      };
      expect(status.ingest.rejected).toBe(2);
    },
  );

  it.each([
    ["no Content-Type", null],
    ["text/plain (curl --data-binary, Node fetch with a string)", "text/plain;charset=UTF-8"],
    ["application/json", "application/json; charset=utf-8"],
    ["a +json type", "application/vnd.example+json"],
  ])("accepts %s", async (_name, type) => {
    const s = testSpanlight();
    const headers: Record<string, string> = { host: HOST };
    if (type !== null) headers["content-type"] = type;
    const res = await s.app.request("/hooks", { method: "POST", headers, body: new TextEncoder().encode(hook) });
    expect(res.status).toBe(204);
  });

  it.each(["gzip", "deflate", "br"])(
    "answers 415 naming Content-Encoding %s instead of misreading the body",
    async (coding) => {
      const s = testSpanlight();
      const res = await post(s, "/hooks", hook, { "content-type": "application/json", "content-encoding": coding });
      expect(res.status).toBe(415);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error).toMatchObject({ code: "unsupported_media_type" });
      expect(body.error.message).toContain(`"${coding}"`);
      expect(s.store.buffer().events).toBe(0);
    },
  );

  it("accepts Content-Encoding: identity", async () => {
    const s = testSpanlight();
    const res = await post(s, "/hooks", hook, { "content-encoding": "identity" });
    expect(res.status).toBe(204);
  });
});

// The Node fast path for ingest (compose.ts ingestDirect) must apply the same guards.
type Server = Awaited<ReturnType<typeof startNodeServer>>;
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

describe("cross-site requests over a real connection (Node fast path)", () => {
  it("refuses a page's no-cors POST and keeps accepting hook clients", async () => {
    const s = await startNodeServer();
    servers.push(s);
    const page = { "content-type": "text/plain;charset=UTF-8", origin: "https://evil.example" };
    for (const path of ["/v1/hooks/claude-code", "/hooks", "/telemetry"]) {
      const res = await rawPost(s.port, path, path === "/telemetry" ? telemetry : hook, page);
      expect(res.status, path).toBe(403);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: "forbidden_origin" } });
    }
    const sameSite = await rawPost(s.port, "/hooks", hook, { "sec-fetch-site": "same-site" });
    expect(sameSite.status).toBe(403);
    const form = await rawPost(s.port, "/hooks", hook, { "content-type": "application/x-www-form-urlencoded" });
    expect(form.status).toBe(415);
    const gzip = await rawPost(s.port, "/hooks", hook, { "content-encoding": "gzip" });
    expect(JSON.parse(gzip.body)).toMatchObject({ error: { code: "unsupported_media_type" } });
    expect(s.spanlight.store.buffer().events).toBe(0);

    const own = await rawPost(s.port, "/hooks", hook, { origin: s.url, "content-type": "application/json" });
    expect(own.status).toBe(204);
    const client = await fetch(`${s.url}/hooks`, { method: "POST", body: hook });
    expect(client.status).toBe(204);
    expect(s.spanlight.store.buffer().events).toBe(2);
  });
});

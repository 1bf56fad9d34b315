import { afterEach, describe, expect, it } from "vitest";
import type { ConfigInput } from "../../src/config/mod.ts";
import { startNodeServer } from "../../src/runtime/node.ts";
import { testSpanlight } from "../helpers/app.ts";
import { rawPost } from "../helpers/raw-post.ts";

// On Node, ingest requests take a direct path (no Web Request/Response); these tests hold it to
// exactly what the app's routes answer for the same requests.
type Server = Awaited<ReturnType<typeof startNodeServer>>;
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function server(config: ConfigInput = {}) {
  const s = await startNodeServer({ config });
  servers.push(s);
  return s;
}

/** A raw POST, so the Host header can be set (fetch forbids it). */
function post(port: number, path: string, body: string, headers: Record<string, string> = {}) {
  return rawPost(port, path, body, { "content-type": "application/json", ...headers });
}

const hook = JSON.stringify({ session_id: "s1", hook_event_name: "Stop" });

describe("ingest over a real connection answers as the app does", () => {
  it.each([
    ["a hook", "/v1/hooks/claude-code", hook, {}],
    ["the /hooks alias", "/hooks", hook, {}],
    ["invalid JSON", "/v1/hooks/claude-code", "{nope", {}],
    ["a missing session id", "/v1/hooks/claude-code", '{"hook_event_name":"Stop"}', {}],
    ["a batch", "/v1/hooks/claude-code", `[${hook},{"hook_event_name":"Stop"}]`, {}],
    [
      "a TelemetryEvent",
      "/telemetry",
      JSON.stringify({ id: "e", type: "custom", agentId: "a", timestamp: "2026-11-21T10:00:00Z", data: {} }),
      {},
    ],
    ["a foreign Host", "/v1/hooks/claude-code", hook, { host: "evil.example" }],
    ["a cross-site Origin", "/v1/hooks/claude-code", hook, { origin: "https://evil.example" }],
    ["Sec-Fetch-Site: cross-site", "/hooks", hook, { "sec-fetch-site": "cross-site" }],
    ["a form body", "/hooks", hook, { "content-type": "application/x-www-form-urlencoded" }],
    ["a gzip Content-Encoding", "/telemetry", hook, { "content-encoding": "gzip" }],
    ["a null body", "/hooks", "null", {}],
  ])("%s", async (_name, path, body, headers) => {
    const real = await server();
    const viaApp = testSpanlight();
    const direct = await post(real.port, path, body, headers);
    const routed = await viaApp.app.request(path, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });
    const routedBody = await routed.text();
    expect(direct.status).toBe(routed.status);
    const strip = (t: string) =>
      t === "" ? "" : JSON.stringify(JSON.parse(t), (k, v) => (k === "seq" || k === "message" ? undefined : v));
    expect(strip(direct.body)).toBe(strip(routedBody));
  });

  it("requires the token when one is configured", async () => {
    const s = await server({ server: { token: "s3cret-token" } });
    const denied = await post(s.port, "/v1/hooks/claude-code", hook);
    expect(denied.status).toBe(401);
    expect(JSON.parse(denied.body)).toMatchObject({ error: { code: "unauthorized" } });
    expect((await post(s.port, "/v1/hooks/claude-code", hook, { authorization: "Bearer s3cret-token" })).status).toBe(
      204,
    );
    expect(s.spanlight.store.buffer().events).toBe(1);
  });

  it("leaves other methods and paths to the app", async () => {
    const s = await server();
    expect((await fetch(`${s.url}/v1/hooks/claude-code`)).status).toBe(405);
    expect((await post(s.port, "/v1/hooks/claude-code?debug=1", hook)).status).toBe(204);
  });
});

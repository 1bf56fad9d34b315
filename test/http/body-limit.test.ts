import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNodeServer } from "../../src/runtime/node.ts";

let server: Awaited<ReturnType<typeof startNodeServer>>;
beforeAll(async () => {
  server = await startNodeServer({ config: { limits: { bodyBytes: 64 * 1024 } } });
});
afterAll(() => server.close());

describe("body limits over a real connection", () => {
  it("answers 413 with a JSON error that the client actually receives, then keeps serving", async () => {
    const huge = JSON.stringify({ session_id: "s", hook_event_name: "PostToolUse", blob: "x".repeat(5 * 1024 * 1024) });
    const res = await fetch(`${server.url}/v1/hooks/claude-code`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: huge,
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: "payload_too_large" } });
    const ok = await fetch(`${server.url}/v1/hooks/claude-code`, {
      method: "POST",
      body: JSON.stringify({ session_id: "s", hook_event_name: "Stop" }),
    });
    expect(ok.status).toBe(204);
  });

  it("answers 413 for a chunked body with no Content-Length", async () => {
    const chunks = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 40; i++) c.enqueue(new TextEncoder().encode("y".repeat(8192)));
        c.close();
      },
    });
    const res = await fetch(`${server.url}/telemetry`, { method: "POST", body: chunks, duplex: "half" } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/limit is 65536/);
  });
});

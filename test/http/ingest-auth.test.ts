import { describe, expect, it } from "vitest";
import { postHook, testSpanlight } from "../helpers/app.ts";
import { errorOf, hook } from "./helpers/ingest.ts";

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

import { describe, expect, it } from "vitest";
import { envToConfig, isLoopbackHost, resolveConfig } from "../../src/config/mod.ts";
import { testSpanlight } from "../helpers/app.ts";

describe("isLoopbackHost decides whether a server may start without a token", () => {
  it.each(["127.0.0.1", "127.0.0.2", "127.255.255.255", "127.1.2.3", "localhost", "LOCALHOST", "::1", "[::1]"])(
    "%s is loopback",
    (host) => expect(isLoopbackHost(host)).toBe(true),
  );

  it.each([
    "127.0.0.1.example.com",
    "127.example.com",
    "127.0.0.256",
    "127.0.0",
    "127.0.0.1.",
    "127.000.000.001",
    "0.0.0.0",
    "::",
    "localhost.example.com",
    "10.0.0.1",
  ])("%s is not", (host) => expect(isLoopbackHost(host)).toBe(false));

  it("refuses to start on a DNS name that merely starts with 127. without a token", () => {
    const r = resolveConfig([{ source: "x", values: { server: { host: "127.0.0.1.example.com" } } }]);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/without a token/);
  });
});

describe("server.token", () => {
  it("is trimmed, so a token from a CRLF env file still lets clients in", async () => {
    const r = resolveConfig([{ source: "env", values: envToConfig({ SPANLIGHT_TOKEN: "abcdefgh12\r" }) }]);
    expect(r.ok && r.config.server.token).toBe("abcdefgh12");
    const s = testSpanlight({ server: { token: "  abcdefgh12\r\n" } });
    const res = await s.app.request("/api/stats", { headers: { authorization: "Bearer abcdefgh12" } });
    expect(res.status).toBe(200);
  });

  it.each([
    ["whitespace only", "        "],
    ["short once trimmed", "  abc  \r"],
    ["too short", "short"],
    ["a control character inside", "abcd\u0007efgh"],
  ])("is refused when %s, without printing the value", (_name, token) => {
    const r = resolveConfig([{ source: "environment (SPANLIGHT_*)", values: { server: { token } } }]);
    expect(r.ok).toBe(false);
    const error = r.ok ? "" : r.error;
    expect(error).toMatch(
      /^Invalid setting server\.token: .*; got a \d+-character value \(not shown\) \(from environment/,
    );
    if (token.trim() !== "") expect(error).not.toContain(token.trim());
  });

  it("keeps OTLP export header values out of errors too (they carry API keys)", () => {
    const r = resolveConfig([
      { source: "file", values: { otel: { export: { headers: { authorization: 42 as unknown as string } } } } },
    ]);
    expect(!r.ok && r.error).toMatch(/got a value \(not shown\)/);
  });
});

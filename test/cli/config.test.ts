import { describe, expect, it } from "vitest";
import { envToConfig, resolveConfig } from "../../src/config/mod.ts";
import { testSpanlight } from "../helpers/app.ts";

describe("config resolution", () => {
  it("merges flag > env > file > default", () => {
    const r = resolveConfig([
      { source: "file", values: { server: { port: 1111, host: "127.0.0.2" }, store: { maxEvents: 500 } } },
      { source: "env", values: envToConfig({ SPANLIGHT_PORT: "2222" }) },
      { source: "flags", values: { server: { port: 3333 } } },
    ]);
    expect(r.ok && r.config.server).toMatchObject({ port: 3333, host: "127.0.0.2" });
    expect(r.ok && r.config.store.maxEvents).toBe(500);
    expect(r.ok && r.config.limits.bodyBytes).toBe(8 * 1024 * 1024);
  });

  it("names the setting, what was expected, what it got and where it came from", () => {
    const r = resolveConfig([{ source: "spanlight.config.json", values: { store: { maxEvents: "lots" } } }]);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(
      /^Invalid setting store\.maxEvents: .*number.*; got "lots" \(from spanlight\.config\.json\)\.$/,
    );
  });

  it("shows the bad entry of a list and its source, not 'nothing (from defaults)'", () => {
    const r = resolveConfig([{ source: "spanlight.config.json", values: { server: { allowedHosts: ["a.lan", 5] } } }]);
    expect(!r.ok && r.error).toMatch(
      /^Invalid setting server\.allowedHosts\.1: .*string.*; got 5 \(from spanlight\.config\.json\)\.$/,
    );
  });

  it("refuses an export endpoint without http:// or https:// at start, not at the first export", () => {
    const r = resolveConfig([
      { source: "OTEL_EXPORTER_OTLP_ENDPOINT", values: { otel: { export: { endpoint: "localhost:4318" } } } },
    ]);
    expect(!r.ok && r.error).toMatch(
      /otel\.export\.endpoint: expected an http:\/\/ or https:\/\/ URL; got "localhost:4318"/,
    );
    expect(resolveConfig([{ source: "x", values: { otel: { jaegerUrl: "ftp://jaeger" } } }]).ok).toBe(false);
    expect(
      resolveConfig([{ source: "x", values: { otel: { export: { endpoint: "HTTPS://collector/v1/traces" } } } }]).ok,
    ).toBe(true);
  });

  it("requires a token beyond loopback", () => {
    expect(resolveConfig([{ source: "x", values: { server: { host: "0.0.0.0" } } }]).ok).toBe(false);
    expect(
      resolveConfig([{ source: "x", values: { server: { host: "0.0.0.0", token: "long-enough-token" } } }]).ok,
    ).toBe(true);
  });
});

describe("server.allowedHosts", () => {
  it("takes a name as the 403 quotes it (with its port), any case, IPv6 bare or in brackets", async () => {
    const r = resolveConfig([
      { source: "x", values: { server: { allowedHosts: [" Spanlight.LAN:9292", "fe80::1", "[fe80::2]:9292"] } } },
    ]);
    expect(r.ok && r.config.server.allowedHosts).toEqual(["spanlight.lan", "[fe80::1]", "[fe80::2]"]);
    const s = testSpanlight({ server: { allowedHosts: ["spanlight.lan:9292", "fe80::1"] } });
    for (const host of ["spanlight.lan:9292", "[fe80::1]:9292"]) {
      const res = await s.app.request("/api/stats", { headers: { host } });
      expect(res.status, host).toBe(200);
    }
    const page = await s.app.request("/api/stats", {
      headers: { host: "127.0.0.1:9292", origin: "https://spanlight.lan" },
    });
    expect(page.status).toBe(200);
  });

  it("refuses a URL instead of a host name, naming the entry", () => {
    const r = resolveConfig([
      { source: "SPANLIGHT_ALLOWED_HOSTS", values: envToConfig({ SPANLIGHT_ALLOWED_HOSTS: "ok.lan,https://x.lan/" }) },
    ]);
    expect(!r.ok && r.error).toMatch(
      /^Invalid setting server\.allowedHosts\.1: expected a host name such as .*; got "https:\/\/x\.lan\/" \(from SPANLIGHT_ALLOWED_HOSTS\)\.$/,
    );
  });
});

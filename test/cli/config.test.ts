import { describe, expect, it } from "vitest";
import { envToConfig, resolveConfig } from "../../src/config/mod.ts";

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

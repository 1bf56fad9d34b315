import { describe, expect, it } from "vitest";
import { exportBanner, loadConfig } from "../../src/cli/serve.ts";
import { resolveConfig } from "../../src/config/mod.ts";

/** The part of a runtime loadConfig needs; `file` is the config file's text, if there is one. */
function rt(env: Record<string, string>, file: string | null = null) {
  return {
    env: { ...env, ...(file === null ? {} : { SPANLIGHT_CONFIG: "/etc/spanlight.json" }) },
    readTextFile: async () => file ?? "",
  };
}

async function errorOf(args: string[], env: Record<string, string>, file: string | null = null) {
  const r = await loadConfig(args, rt(env, file));
  return r.ok ? null : r.error;
}

describe("a bad setting names the variable or flag that gave it", () => {
  it("names the SPANLIGHT_* variable, not just 'the environment'", async () => {
    expect(await errorOf([], { SPANLIGHT_MAX_BYTES: "64MiB" })).toMatch(
      /^Invalid setting store\.maxBytes: .*; got "64MiB" \(from environment variable SPANLIGHT_MAX_BYTES\)\.$/,
    );
  });

  it("names which of the variables for one setting won", async () => {
    const base = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" };
    expect(await errorOf([], { ...base, SPANLIGHT_OTEL_ENDPOINT: "collector:4318" })).toMatch(
      /otel\.export\.endpoint: .*; got "collector:4318" \(from environment variable SPANLIGHT_OTEL_ENDPOINT\)\.$/,
    );
    expect(await errorOf([], { OTEL_EXPORTER_OTLP_TIMEOUT: "10", SPANLIGHT_OTEL_TIMEOUT_MS: "10s" })).toMatch(
      /otel\.export\.timeoutMs: .*; got "10s" \(from environment variable SPANLIGHT_OTEL_TIMEOUT_MS\)\.$/,
    );
  });

  it("starts with a standard OTEL_* value meant for another program, and warns", async () => {
    const r = await loadConfig([], rt({ OTEL_EXPORTER_OTLP_TIMEOUT: "5s", OTEL_EXPORTER_OTLP_ENDPOINT: "collector" }));
    // Within the range the schema accepts, or skipped as well: 50 ms would fail every export.
    const short = await loadConfig(
      [],
      rt({ OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: "50", OTEL_EXPORTER_OTLP_TIMEOUT: "0" }),
    );
    expect(short.ok).toBe(true);
    if (!r.ok) throw new Error(r.error);
    expect(r.warnings).toEqual([
      "OTEL_EXPORTER_OTLP_ENDPOINT is not an http:// or https:// URL; Spanlight ignores it",
      "OTEL_EXPORTER_OTLP_TIMEOUT is not a whole number of milliseconds, at least 100; Spanlight ignores it",
    ]);
  });

  it("names the flag", async () => {
    expect(await errorOf(["--port", "http"], { SPANLIGHT_PORT: "9393" })).toMatch(
      /got "http" \(from command-line flag --port\)\.$/,
    );
  });

  it("says where a host beyond loopback without a token came from", async () => {
    expect(await errorOf([], {}, '{"server": {"host": "0.0.0.0"}}')).toMatch(
      /^Refusing to listen on 0\.0\.0\.0 \(server\.host, from \/etc\/spanlight\.json\) without a token/,
    );
    expect(await errorOf([], { SPANLIGHT_HOST: "10.0.0.5" })).toMatch(
      /^Refusing to listen on 10\.0\.0\.5 \(server\.host, from environment variable SPANLIGHT_HOST\)/,
    );
  });

  it("says a config file it cannot read was named by SPANLIGHT_CONFIG or --config", async () => {
    const missing = {
      env: { SPANLIGHT_CONFIG: "/old/spanlight.json" },
      readTextFile: async () => {
        throw new Error("ENOENT: no such file or directory");
      },
    };
    expect(await loadConfig([], missing)).toMatchObject({
      ok: false,
      error: "Cannot read config file /old/spanlight.json (from SPANLIGHT_CONFIG): ENOENT: no such file or directory",
    });
    expect(await loadConfig(["--config", "x.json"], missing)).toMatchObject({
      error: "Cannot read config file x.json (from --config): ENOENT: no such file or directory",
    });
  });
});

describe("server.host", () => {
  it("drops the \\r a CRLF env file leaves, instead of demanding a token for 127.0.0.1\\r", async () => {
    const r = await loadConfig([], rt({ SPANLIGHT_HOST: "127.0.0.1\r" }));
    expect(r.ok && r.config.server.host).toBe("127.0.0.1");
    expect(resolveConfig([{ source: "x", values: { server: { host: " [::1] " } } }])).toMatchObject({
      config: { server: { host: "::1" } },
    });
  });
});

describe("the banner's export line", () => {
  it("says which variable turned off the export the config file turns on", async () => {
    const file = '{"otel": {"export": {"enabled": true}}}';
    const r = await loadConfig([], rt({ OTEL_SDK_DISABLED: "true" }, file));
    expect(r.ok && r.config.otel.export.enabled).toBe(false);
    expect(r.ok && exportBanner(r.config, {}, r.exportOffBy)).toBe(
      "off: the config file turns it on, but environment variable OTEL_SDK_DISABLED turns it off",
    );
    // Without a file that turns export on, OTEL_SDK_DISABLED changes nothing worth a line.
    const plain = await loadConfig([], rt({ OTEL_SDK_DISABLED: "true" }));
    expect(plain.ok && exportBanner(plain.config, {}, plain.exportOffBy)).toBe(null);
  });
});

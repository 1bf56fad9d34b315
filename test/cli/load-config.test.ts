import { describe, expect, it } from "vitest";
import { loadConfig, serveCommand } from "../../src/cli/serve.ts";
import { unknownEnvWarnings } from "../../src/config/env-names.ts";
import type { Runtime } from "../../src/runtime/runtime.ts";

/** The part of a runtime loadConfig needs, with the config file given as text. */
function rt(file: string | null, env: Record<string, string> = {}) {
  return {
    env: { ...env, ...(file === null ? {} : { SPANLIGHT_CONFIG: "/etc/spanlight.json" }) },
    readTextFile: async () => file ?? "",
  };
}

describe("loadConfig: the config file", () => {
  it.each([
    ["null", "null"],
    ["[1, 2]", "an array"],
    ['"port 9393"', "a string"],
    ["9393", "a number"],
  ])("refuses a file holding %s instead of an object", async (text, got) => {
    const r = await loadConfig([], rt(text));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toBe(
      `Config file /etc/spanlight.json must hold a JSON object like {"server": {...}}; got ${got}.`,
    );
  });

  it("reads a file saved with a UTF-8 byte-order mark", async () => {
    const r = await loadConfig([], rt('\uFEFF{"server": {"port": 9393}}'));
    expect(r.ok && r.config.server.port).toBe(9393);
  });

  it("names a misspelt setting instead of silently keeping the default", async () => {
    const r = await loadConfig([], rt('{"server": {"prot": 9393, "token": "secret-token-value"}}'));
    expect(!r.ok && r.error).toBe(
      "Unknown setting server.prot (from /etc/spanlight.json); docs/configuration.md lists the settings.",
    );
  });

  it("passes on what the environment's OTEL lists had malformed, to be printed at start", async () => {
    const r = await loadConfig([], rt(null, { OTEL_EXPORTER_OTLP_HEADERS: "x-a=1,garbage" }));
    expect(r.ok && r.config.otel.export.headers).toEqual({ "x-a": "1" });
    expect(r.ok && r.warnings).toEqual(["OTEL_EXPORTER_OTLP_HEADERS: entry 2 is not key=value; ignored"]);
  });

  it("names a SPANLIGHT_* variable nothing reads, with the setting it resembles", async () => {
    const r = await loadConfig([], rt(null, { SPANLIGHT_PROT: "9393", SPANLIGHT_SPOOL: "/tmp/s", SPANLIGHT_ZZZ: "1" }));
    expect(r.ok && r.warnings).toEqual([
      "SPANLIGHT_PROT is not a Spanlight setting and is ignored (did you mean SPANLIGHT_PORT?)",
      "SPANLIGHT_ZZZ is not a Spanlight setting and is ignored",
    ]);
  });

  it("knows every SPANLIGHT_* variable the code and docs name (no false warnings)", async () => {
    const { readdirSync, readFileSync, statSync } = await import("node:fs");
    const { join } = await import("node:path");
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
    const named = new Set<string>();
    const dirs = ["src", "otel", "hooks", "docs", "bench", "scripts"].flatMap(files);
    for (const f of [...dirs, "README.md"]) {
      if (!/\.(ts|mjs|md|sh|py)$/.test(f)) continue;
      for (const m of readFileSync(f, "utf8").matchAll(/SPANLIGHT_[A-Z0-9_]*[A-Z0-9](?![A-Z0-9_*])/g)) named.add(m[0]);
    }
    named.delete("SPANLIGHT_PROT"); // docs/configuration.md's example of a typo
    expect(named.size).toBeGreaterThan(30);
    expect(unknownEnvWarnings(Object.fromEntries([...named].map((n) => [n, "1"])))).toEqual([]);
  });

  it("accepts the $schema reference editors add to a JSON file", async () => {
    const r = await loadConfig([], rt('{"$schema": "./spanlight.schema.json", "server": {"port": 9393}}'));
    expect(r.ok && r.config.server.port).toBe(9393);
  });

  it("reports a section of the wrong type even when the environment sets nothing in it", async () => {
    const r = await loadConfig([], rt('{"server": null}'));
    expect(!r.ok && r.error).toMatch(
      /^Invalid setting server: .*object.*; got null \(from \/etc\/spanlight\.json\)\.$/,
    );
  });
});

describe("loadConfig: flags", () => {
  it("reports a negative --port as out of range, as SPANLIGHT_PORT does", async () => {
    const r = await loadConfig(["--port", "-1"], rt(null));
    expect(!r.ok && r.error).toMatch(
      /^Invalid setting server\.port: Too small: .*; got -1 \(from command-line flag --port\)\.$/,
    );
  });

  it("refuses an empty --config instead of running on defaults", async () => {
    await expect(loadConfig(["--config="], rt(null))).rejects.toThrow("--config needs a file path");
    await expect(loadConfig(["--config", ""], rt(null))).rejects.toThrow("--config needs a file path");
  });

  it("binds [::1] as ::1", async () => {
    const r = await loadConfig(["--host", "[::1]"], rt(null));
    expect(r.ok && r.config.server.host).toBe("::1");
  });
});

describe("serveCommand", () => {
  it("reports an address it cannot listen on in one line and exits 2", async () => {
    const lines: string[] = [];
    const runtime = {
      ...rt(null),
      out: () => {},
      err: (line: string) => lines.push(line),
      hostName: () => "test-host",
      serve: async () => {
        throw new Error("listen EADDRNOTAVAIL: address not available 10.99.99.99");
      },
    } as unknown as Runtime;
    const code = await serveCommand(["--host", "10.99.99.99", "--token", "long-enough-token", "--port", "0"], runtime);
    expect(code).toBe(2);
    expect(lines).toEqual([
      "spanlight: cannot listen on 10.99.99.99:0: listen EADDRNOTAVAIL: address not available 10.99.99.99",
    ]);
  });
});

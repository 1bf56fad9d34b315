import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Health } from "../../src/schema/mod.ts";
import { loadHooks } from "../helpers/fixtures.ts";
import { freePort } from "../helpers/ports.ts";
import { startOtlpReceiver } from "../otel/helpers/otlp-receiver.ts";
import { receivedSpans } from "../otel/helpers/otlp-spans.ts";

const BIN = join(import.meta.dirname, "..", "..", "bin", "spanlight.js");
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
});

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => {
    stdout += d;
  });
  child.stderr!.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    exited,
    out: () => stdout,
    err: () => stderr,
    async waitForOutput(pattern: RegExp): Promise<RegExpMatchArray> {
      for (;;) {
        const m = stdout.match(pattern);
        if (m) return m;
        if (child.exitCode !== null) throw new Error(`exited: ${stderr}`);
        await new Promise((r) => child.stdout!.once("data", r));
      }
    },
  };
}

describe("spanlight serve", () => {
  it("serves on the given port and exits 0 on SIGTERM", async () => {
    const port = await freePort();
    const p = run(["serve", "--port", String(port)]);
    await p.waitForOutput(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);
  });

  it("on SIGTERM, exits 0 only after the export worker's final flush has reached the collector", async () => {
    const receiver = await startOtlpReceiver();
    try {
      const port = await freePort();
      // The default 1 s batch delay: at SIGTERM the spans are still waiting in the worker.
      const p = run(["serve", "--port", String(port)], {
        SPANLIGHT_OTEL_ENABLED: "1",
        SPANLIGHT_OTEL_ENDPOINT: `${receiver.url}/v1/traces`,
      });
      await p.waitForOutput(/listening on/);
      for (const hook of loadHooks("bash-echo")) {
        const res = await fetch(`http://127.0.0.1:${port}/v1/hooks/claude-code`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: hook.line,
        });
        expect(res.status).toBe(204);
      }
      const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as Health;
      expect(health.export).toMatchObject({ thread: "worker", exported: 0 });
      p.child.kill("SIGTERM");
      expect(await p.exited).toBe(0);
      const names = receivedSpans(receiver.requests).map((s) => s.name);
      expect(names).toEqual(expect.arrayContaining(["invoke_agent claude-code", "execute_tool Bash"]));
      expect(p.err()).not.toContain("export worker");
    } finally {
      await receiver.close();
    }
  });

  it("takes OpenTelemetry export settings from the standard environment variables", async () => {
    const port = await freePort();
    const p = run(["serve", "--port", String(port)], {
      SPANLIGHT_OTEL_ENABLED: "1",
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4999",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    });
    const m = await p.waitForOutput(/export\s+(\S+) \((\S+)\)/);
    expect([m[1], m[2]]).toEqual(["http://127.0.0.1:4999/v1/traces", "http/json"]);
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { export: { enabled: boolean } };
    expect(health.export.enabled).toBe(true);
    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);
  });

  it("says what it ignores: a mistyped SPANLIGHT_* variable, an endpoint while export is off", async () => {
    const port = await freePort();
    const p = run(["serve", "--port", String(port)], {
      SPANLIGHT_OTEL_ENDPOINT: "http://127.0.0.1:4999/v1/traces",
      SPANLIGHT_OTEL_ENABLED: "",
      SPANLIGHT_OTEL_ENABLE: "1",
    });
    await p.waitForOutput(/export\s+off: an export endpoint is set, but SPANLIGHT_OTEL_ENABLED=1/);
    expect(p.err()).toContain(
      "SPANLIGHT_OTEL_ENABLE is not a Spanlight setting and is ignored (did you mean SPANLIGHT_OTEL_ENABLED?)",
    );
    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);
  });

  it("with a token, says how to open the dashboard", async () => {
    const p = run(["serve", "--port", String(await freePort())], { SPANLIGHT_TOKEN: "serve-token-1" });
    await p.waitForOutput(/auth\s+bearer token required \(the dashboard: open it once with \?token=<token>\)/);
    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);
  });

  it("says the port is in use in one line and exits 2", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const p = run(["serve"], { SPANLIGHT_PORT: String(port) });
      expect(await p.exited).toBe(2);
      expect(p.err()).toMatch(new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use.*--port`));
    } finally {
      blocker.close();
    }
  });

  it.each([
    [["serve", "--port", "http"], {}, /Invalid setting server\.port: .*got "http" \(from command-line flag --port\)/],
    [
      ["serve"],
      { SPANLIGHT_PORT: "99999" },
      /Invalid setting server\.port: .*got 99999 \(from environment variable SPANLIGHT_PORT\)/,
    ],
    [
      ["serve", "--host", "0.0.0.0"],
      {},
      /Refusing to listen on 0\.0\.0\.0 \(server\.host, from command-line flag --host\) without a token/,
    ],
    [["serve", "--bogus"], {}, /unknown option --bogus/],
  ])("refuses bad settings %j with one clear line and exit 2", async (args, env, message) => {
    const p = run(args, env as Record<string, string>);
    expect(await p.exited).toBe(2);
    expect(p.err()).toMatch(message);
  });

  it("prints help and the version", async () => {
    const help = run(["--help"]);
    expect(await help.exited).toBe(0);
    expect(help.out()).toMatch(/Usage: spanlight <command>/);
    // A command after -h / help: that command's help.
    for (const args of [
      ["-h", "init"],
      ["help", "doctor"],
    ]) {
      const one = run(args);
      expect(await one.exited).toBe(0);
      expect(one.out()).toMatch(new RegExp(`^Usage: spanlight ${args[1]}`));
    }
    const version = run(["--version"]);
    expect(await version.exited).toBe(0);
    expect(version.out().trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

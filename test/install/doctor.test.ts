import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { doctorCommand } from "../../src/cli/doctor.ts";
import { initCommand } from "../../src/cli/init.ts";
import { startNodeServer } from "../../src/runtime/node.ts";
import type { EventsPage, Health } from "../../src/schema/wire.ts";
import { FIXTURES_DIR, loadHooks } from "../helpers/fixtures.ts";
import { freePort } from "../helpers/ports.ts";
import { hooksEnded } from "../hooks/helpers/run-hook.ts";
import { createTempDir } from "../hooks/helpers/temp-dir.ts";
import { captureIo } from "./cli-io.ts";

type Server = Awaited<ReturnType<typeof startNodeServer>>;

let tmp: ReturnType<typeof createTempDir>;
let home: string;
let server: Server | null = null;

beforeEach(() => {
  tmp = createTempDir();
  home = join(tmp.path, "home");
  mkdirSync(home);
});
afterEach(async () => {
  await server?.close();
  server = null;
  await hooksEnded(tmp.path);
  tmp.cleanup();
});

function io(env: Record<string, string | undefined> = {}) {
  return captureIo({ home, cwd: tmp.path, env: { PATH: process.env.PATH, ...env } });
}

async function doctorEvents(url: string, token?: string): Promise<string[]> {
  const res = await fetch(`${url}/api/events?limit=50`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const page = (await res.json()) as EventsPage;
  return page.events.filter((e) => e.sessionId?.startsWith("spanlight-doctor-")).map((e) => e.summary);
}

describe("spanlight doctor", () => {
  it("names every problem of a machine without Spanlight, with a fix for each", async () => {
    server = await startNodeServer();
    const url = server.url;
    await server.close();
    server = null;
    const out = io();
    expect(await doctorCommand(["--url", url], out)).toBe(1);
    const text = out.text();
    expect(text).toContain("✗ No Spanlight hooks in Claude Code's settings");
    expect(text).toContain("→ Run: spanlight init");
    expect(text).toContain("spanlight-hook.sh is missing");
    expect(text).toMatch(/✗ Server does not answer at http:\/\/127\.0\.0\.1:\d+ \(connection refused\)/);
    expect(text).toMatch(/→ Start it: spanlight serve --port \d+/);
  });

  it.each(["http", "command"])("passes after init --mode %s and sees its test events arrive", async (mode) => {
    server = await startNodeServer();
    expect(await initCommand(["--mode", mode, "--url", server.url], io())).toBe(0);
    const out = io();
    expect(await doctorCommand([], out), out.text()).toBe(0);
    expect(out.text()).toContain(`✓ Server is up at ${server.url}`);
    expect(out.text()).toMatch(/✓ Command hook ran in \d+ ms and its test event arrived/);
    if (mode === "http") expect(out.text()).toContain("✓ HTTP hook endpoint");
    expect(await doctorEvents(server.url)).toContain("spanlight doctor test event");
  });

  it("reports payloads waiting in the spool and what was dropped", async () => {
    const spool = join(home, ".spanlight", "spool");
    mkdirSync(spool, { recursive: true });
    writeFileSync(join(spool, "1795000000000000000-0000042.json"), "{}");
    writeFileSync(join(spool, "1795000001000000000-0000043.json"), "{}");
    writeFileSync(join(spool, ".dropped"), "3\n");
    const out = io();
    await doctorCommand(["--url", "http://127.0.0.1:9"], out);
    expect(out.text()).toContain(`! 2 payloads waiting in the spool ${spool}`);
    expect(out.text()).toContain("oldest from 2026-11-18T");
    expect(out.text()).toContain("3 dropped when it was full");
  });

  it("says when the server wants a token the hooks do not send", async () => {
    server = await startNodeServer({ config: { server: { token: "doctor-token-1" } } });
    await initCommand(["--mode", "command", "--url", server.url], io());
    const without = io();
    expect(await doctorCommand([], without)).toBe(1);
    expect(without.text()).toContain("✗ The server requires a token");
    const wrong = io({ SPANLIGHT_TOKEN: "not-the-token" });
    expect(await doctorCommand([], wrong)).toBe(1);
    expect(wrong.text()).toContain("✗ The server refused the token");
    const withToken = io({ SPANLIGHT_TOKEN: "doctor-token-1" });
    expect(await doctorCommand([], withToken), withToken.text()).toBe(0);
  });

  it("names the fix for a token the installed HTTP hooks do not send", async () => {
    server = await startNodeServer({ config: { server: { token: "doctor-token-2" } } });
    await initCommand(["--mode", "http", "--url", server.url], io());
    const out = io({ SPANLIGHT_TOKEN: "doctor-token-2" });
    expect(await doctorCommand([], out)).toBe(1);
    expect(out.text()).toContain("answered 401");
    expect(out.text()).toContain("→ The hooks were installed without a token: run spanlight init --token");
  });

  it("warns of hooks in both the project's and the user's settings (events twice)", async () => {
    server = await startNodeServer();
    await initCommand(["--mode", "command", "--url", server.url], io());
    await initCommand(["--project", "--url", server.url], io());
    const out = io();
    await doctorCommand([], out);
    expect(out.text()).toContain("! Spanlight hooks are in both the project's and your user settings");
  });

  it("does not call trace export working before it has sent anything", async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}/v1/traces`;
    server = await startNodeServer({ config: { otel: { export: { enabled: true, endpoint: nowhere } } } });
    await initCommand(["--mode", "http", "--url", server.url], io());
    const out = io();
    await doctorCommand([], out);
    expect(out.text()).toContain("! Trace export is on, but no span has been sent yet");
    expect(out.text()).not.toContain("Trace export works");
  });

  it("says whether trace export reaches its backend", async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}/v1/traces`;
    server = await startNodeServer({
      config: { otel: { export: { enabled: true, endpoint: nowhere, delayMs: 0, retries: 0 } } },
    });
    await initCommand(["--mode", "http", "--url", server.url], io());
    for (const hook of loadHooks("bash-echo")) {
      await fetch(`${server.url}/v1/hooks/claude-code`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(hook.payload),
      });
    }
    await vi.waitFor(
      async () =>
        expect(((await (await fetch(`${server!.url}/health`)).json()) as Health).export.failed).toBeGreaterThan(0),
      { timeout: 20_000, interval: 20 },
    );
    const out = io();
    await doctorCommand([], out);
    expect(out.text()).toContain("Trace export is failing");
    expect(out.text()).toContain("ECONNREFUSED");
    expect(out.text()).toContain("jaegertracing/jaeger");
  });

  it("after init --otel, says whether Claude Code's own telemetry has arrived", async () => {
    server = await startNodeServer();
    await initCommand(["--otel", "--url", server.url], io());
    const before = io();
    expect(await doctorCommand([], before), before.text()).toBe(0);
    expect(before.text()).toContain(`! OTLP endpoint ${server.url} accepts exports, but none arrived yet`);

    // What Claude Code would send: one real export per signal from a captured session.
    for (const signal of ["traces", "logs", "metrics"]) {
      const [first] = readFileSync(join(FIXTURES_DIR, "bash-echo", "otlp", `${signal}.jsonl`), "utf8").split("\n");
      const { path, body } = JSON.parse(first!);
      const res = await fetch(`${server.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
    }
    const after = io();
    expect(await doctorCommand([], after), after.text()).toBe(0);
    expect(after.text()).toContain(`✓ Claude Code's own telemetry arrives at ${server.url}`);
  });
});

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type CaptureServer, createCaptureServer } from "./helpers/capture-server.ts";
import {
  HOOK_VARIANTS,
  type HookRun,
  type HookVariant,
  hooksEnded,
  readSpool,
  runHook,
  runWithStdin,
} from "./helpers/run-hook.ts";
import { createTempDir } from "./helpers/temp-dir.ts";

/**
 * One behaviour suite for both hook clients (sh + curl, Python): they must be interchangeable.
 * Waits are on conditions (requests seen, spool state), never on elapsed time.
 */

function payload(event: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ session_id: "sess-hooks", hook_event_name: event, ...extra });
}

function eventsOf(server: CaptureServer): string[] {
  return server.requests.flatMap((r) => {
    const body = JSON.parse(r.body);
    return (Array.isArray(body) ? body : [body]).map((p: { hook_event_name: string }) => p.hook_event_name);
  });
}

function keysOf(server: CaptureServer): string[] {
  return server.requests.flatMap((r) => (r.headers["idempotency-key"] ?? "").split(","));
}

function expectQuiet(run: HookRun) {
  expect(run).toEqual({ code: 0, stdout: "", stderr: "" });
}

describe.each(HOOK_VARIANTS)("the $name hook", (variant: HookVariant) => {
  let tmp: ReturnType<typeof createTempDir>;
  let server: CaptureServer;
  let spool: string;
  let env: Record<string, string>;

  beforeEach(async () => {
    tmp = createTempDir();
    spool = join(tmp.path, "spool");
    server = await createCaptureServer();
    env = { HOME: tmp.path, SPANLIGHT_SPOOL: spool, SPANLIGHT_URL: server.url };
  });
  afterEach(async () => {
    await server.close();
    await hooksEnded(tmp.path);
    tmp.cleanup();
  });

  async function hook(event: string, extraEnv: Record<string, string> = {}) {
    const run = await runHook(variant, payload(event), { ...env, ...extraEnv });
    expectQuiet(run);
  }

  /** Waits until no delivery holds the spool and no payload is being written or named. */
  async function spoolIdle() {
    await vi.waitFor(
      () => {
        const s = readSpool(spool);
        expect(s.locked || s.inFlight > 0).toBe(false);
      },
      { timeout: 20_000, interval: 20 },
    );
  }

  /** Waits until every background delivery attempt is over and `n` payloads are left. */
  async function spoolSettles(n: number) {
    await vi.waitFor(
      () => {
        const s = readSpool(spool);
        expect(s.locked || s.inFlight > 0).toBe(false);
        expect(s.pending).toHaveLength(n);
      },
      { timeout: 20_000, interval: 20 },
    );
  }

  it("delivers the payload byte for byte with the context headers", async () => {
    const body = payload("PreToolUse", { tool_name: "Bash", tool_input: { command: "echo ü" } });
    const before = Date.now();
    const run = await runHook(variant, body, {
      ...env,
      CLAUDE_INSTANCE_ID: "agent-7",
      SPANLIGHT_CONTAINER_ID: "c0ffee",
      SPANLIGHT_WORKFLOW_ID: "wf-1",
      SPANLIGHT_NODE_ID: "node-2",
      SPANLIGHT_TOKEN: "s3cret-token",
    });
    expectQuiet(run);
    await server.waitFor(() => server.requests.length === 1, "the delivery");
    const [req] = server.requests;
    expect(req!.path).toBe("/v1/hooks/claude-code");
    expect(req!.body).toBe(body);
    expect(req!.headers).toMatchObject({
      "content-type": "application/json",
      authorization: "Bearer s3cret-token",
      "x-spanlight-agent": "agent-7",
      "x-spanlight-container": "c0ffee",
      "x-spanlight-workflow": "wf-1",
      "x-spanlight-node": "node-2",
    });
    expect(req!.headers["x-spanlight-host"]).toBeTruthy();
    expect(req!.headers["idempotency-key"]).toMatch(/^\S+-\d{19}-\d{7}$/);
    const sent = Date.parse(req!.headers["x-spanlight-time"]!);
    expect(req!.headers["x-spanlight-time"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // File times tick coarsely (a few ms), so the hook's time may round down below `before`.
    expect(sent).toBeGreaterThanOrEqual(before - 1000);
    expect(sent).toBeLessThanOrEqual(Date.now());
    await spoolSettles(0);
  });

  it("sends context it cannot put in a header as printable ASCII instead of never sending", async () => {
    const run = await runHook(variant, payload("Stop"), {
      ...env,
      SPANLIGHT_AGENT_ID: "build\nbox",
      SPANLIGHT_WORKFLOW_ID: "nightly—eu",
      SPANLIGHT_NODE_ID: 'n"1',
    });
    expectQuiet(run);
    await server.waitFor(() => server.requests.length === 1, "the delivery");
    const headers = server.requests[0]!.headers;
    expect(headers["x-spanlight-agent"]).toBe("build_box");
    // One replacement per byte in sh (a byte-wise tool), per character in Python.
    expect(headers["x-spanlight-workflow"]).toMatch(/^nightly_+eu$/);
    expect(headers["x-spanlight-node"]).toBe('n"1');
    await spoolSettles(0);
  });

  it.each<{ what: string; context: Record<string, string>; expected: Record<string, unknown> }>([
    {
      what: "a stray CR or LF (a CRLF env file), and a token with surrounding whitespace",
      context: {
        SPANLIGHT_AGENT_ID: "agent-7\r",
        SPANLIGHT_CONTAINER_ID: "abc123\r",
        SPANLIGHT_WORKFLOW_ID: "wf-1\r\n",
        SPANLIGHT_NODE_ID: "node-2\r",
        SPANLIGHT_TOKEN: " s3cret-token\r\n",
      },
      expected: {
        authorization: "Bearer s3cret-token",
        "x-spanlight-agent": "agent-7_",
        "x-spanlight-container": "abc123_",
        "x-spanlight-workflow": "wf-1__",
        "x-spanlight-node": "node-2_",
      },
    },
    {
      what: "a container id outside Latin-1",
      context: { SPANLIGHT_CONTAINER_ID: "容器-1" },
      expected: { "x-spanlight-container": expect.stringMatching(/^_+-1$/) },
    },
  ])("delivers context with $what as header-safe values", async ({ context, expected }) => {
    // Sent as they are, the header is refused on the way (Node answers a bare 400, urllib raises),
    // and every payload with it is lost or stays spooled for good.
    expectQuiet(await runHook(variant, payload("Stop"), { ...env, ...context }));
    await spoolSettles(0);
    expect(readSpool(spool).rejected).toBe(0);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.headers).toMatchObject(expected);
    expect(server.requests[0]!.headers["idempotency-key"]).toMatch(/^[ -~]+-\d{19}-\d{7}$/);
  });

  it("keeps a payload turned away by a bare 400 (not Spanlight's error) and sends it later", async () => {
    // A proxy, or an HTTP parser refusing a header, answers 400 without Spanlight's JSON error
    // body: the payload is not at fault, so it is neither dropped nor counted as rejected.
    let bare = true;
    const proxy = await createCaptureServer(() => (bare ? { status: 400, body: "" } : 204));
    env.SPANLIGHT_URL = proxy.url;
    await hook("First");
    await proxy.waitFor(() => proxy.requests.length === 1, "the refused request");
    await spoolIdle();
    expect(readSpool(spool)).toMatchObject({ pending: [expect.any(String)], rejected: 0 });

    bare = false;
    await hook("Second");
    await proxy.waitFor(() => proxy.requests.filter((r) => r.status === 204).length >= 1, "the delivery");
    await spoolSettles(0);
    const accepted = proxy.requests.filter((r) => r.status === 204).map((r) => JSON.parse(r.body));
    expect(accepted.flat().map((p: { hook_event_name: string }) => p.hook_event_name)).toEqual(["First", "Second"]);
    expect(readSpool(spool).rejected).toBe(0);
    await proxy.close();
  });

  it("splits a batch a proxy finds too large (a bare 413) and delivers every payload", async () => {
    // nginx's default body limit is 1 MiB; here 3000 bytes, so five ~1 KB payloads make a batch too big.
    const proxy = await createCaptureServer((body) =>
      body.length > 3000 ? { status: 413, body: "<html>413 Request Entity Too Large</html>" } : 204,
    );
    env.SPANLIGHT_URL = proxy.url;
    await proxy.stop();
    for (const n of [1, 2, 3, 4, 5]) await runHook(variant, payload(`Big${n}`, { pad: "x".repeat(900) }), env);
    await spoolSettles(5);
    await proxy.start();
    await hook("Last");
    await spoolSettles(0);
    const delivered = proxy.requests.filter((r) => r.status === 204).flatMap((r) => [JSON.parse(r.body)].flat());
    expect(delivered.map((p: { hook_event_name: string }) => p.hook_event_name)).toEqual([
      "Big1",
      "Big2",
      "Big3",
      "Big4",
      "Big5",
      "Last",
    ]);
    expect(readSpool(spool).rejected).toBe(0);
    await proxy.close();
  });

  it("leaves nothing behind when it cannot write the whole payload (a full disk)", async () => {
    // A file size limit (`ulimit -f 1`: 512 bytes) fails the spool write part-way, as a full disk does.
    const big = payload("TooBig", { pad: "x".repeat(4000) });
    const limited = ["-c", 'ulimit -c 0 && ulimit -f 1 && exec "$@"', "sh", variant.command, ...variant.args];
    const run = await runWithStdin("/bin/sh", limited, big, { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env });
    expectQuiet(run);
    // The write is in the foreground, before any delivery starts: a truncated payload left now
    // would be sent later (and counted as rejected).
    expect(readdirSync(spool).filter((n) => n.startsWith(".in.") || n.endsWith(".json"))).toEqual([]);

    await hook("Next");
    await server.waitFor(() => server.requests.length === 1, "the next payload");
    await spoolSettles(0);
    expect(eventsOf(server)).toEqual(["Next"]);
    expect(readSpool(spool).rejected).toBe(0);
  });

  it("returns before the server answers: delivery never holds up the agent", async () => {
    server.hold(); // the server accepts the request and never answers until released
    await hook("Stop");
    await server.waitFor(() => server.requests.length === 1, "the held request");
    // The hook has exited while its request is still unanswered: it did not wait on the network.
    expect(readSpool(spool).pending).toHaveLength(1);
    server.release();
    await spoolSettles(0);
  });

  it("spools while the server is down, then delivers everything in order exactly once", async () => {
    await server.stop();
    for (const n of [1, 2, 3, 4, 5]) await hook(`Down${n}`);
    await spoolSettles(5);
    expect(server.requests).toHaveLength(0);

    await server.start();
    await hook("Up");
    await server.waitFor(() => eventsOf(server).length === 6, "all six payloads");
    await spoolSettles(0);
    expect(eventsOf(server)).toEqual(["Down1", "Down2", "Down3", "Down4", "Down5", "Up"]);
    const keys = keysOf(server);
    expect(new Set(keys).size).toBe(6);
    // Late payloads keep the time they fired at, in firing order.
    const times = server.requests.flatMap((r) => r.headers["x-spanlight-time"]!.split(",")).map(Date.parse);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it("without HOME spools under $TMPDIR only in a directory of the user's own", async () => {
    await server.stop();
    const tmpdir = join(tmp.path, "tmpdir");
    mkdirSync(tmpdir);
    const { HOME: _, SPANLIGHT_SPOOL: __, ...noHome } = env;
    const own = join(tmpdir, `spanlight-${process.getuid!()}`);
    expectQuiet(await runHook(variant, payload("Stop"), { ...noHome, TMPDIR: tmpdir }));
    await vi.waitFor(() => expect(readSpool(join(own, ".spanlight", "spool")).pending).toHaveLength(1), {
      timeout: 20_000,
      interval: 20,
    });
    expect(statSync(own).mode & 0o777).toBe(0o700);
    // Someone else's (here: a link to elsewhere): the payload is not written there.
    const elsewhere = join(tmp.path, "elsewhere");
    mkdirSync(elsewhere);
    const planted = join(tmp.path, "tmpdir2");
    mkdirSync(planted);
    symlinkSync(elsewhere, join(planted, `spanlight-${process.getuid!()}`));
    expectQuiet(await runHook(variant, payload("Stop"), { ...noHome, TMPDIR: planted }));
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it("flushed by hand without HOME and without a spool of its own, says why instead of waiting on stdin", async () => {
    const { HOME: _, SPANLIGHT_SPOOL: __, ...noHome } = env;
    const planted = join(tmp.path, "tmpdir3");
    mkdirSync(planted);
    symlinkSync(tmp.path, join(planted, `spanlight-${process.getuid!()}`));
    // As from a terminal: stdin stays open, nothing is ever written to it.
    const child = spawn(variant.command, [...variant.args, "--flush"], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...noHome, TMPDIR: planted },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect(code).toBe(1);
    expect(stderr).toBe(
      `spanlight-hook: no spool: HOME is not set and ${join(planted, `spanlight-${process.getuid!()}`)} is not a directory of your own (set HOME or SPANLIGHT_SPOOL)\n`,
    );
  });

  it("flushes by hand even while hooks are turned off", async () => {
    await server.stop();
    await hook("Spooled");
    await spoolSettles(1);
    await hooksEnded(tmp.path);
    await server.start();
    const run = await runHook({ ...variant, args: [...variant.args, "--flush"] }, "", {
      ...env,
      SPANLIGHT_ENABLED: "0",
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/the spool .* is empty: everything is delivered/);
    expect(eventsOf(server)).toEqual(["Spooled"]);
  });

  it("keeps what it spools (prompts, commands) readable by the user alone", async () => {
    await server.stop();
    await hook("UserPromptSubmit");
    await spoolSettles(1);
    const file = join(spool, readSpool(spool).pending[0]!);
    expect([statSync(spool).mode & 0o777, statSync(file).mode & 0o777]).toEqual([0o700, 0o600]);
  });

  it("survives 50 parallel invocations without corrupting the spool", async () => {
    await server.stop();
    const bodies = Array.from({ length: 50 }, (_, i) => payload("PostToolUse", { tool_use_id: `toolu_${i}` }));
    const runs = await Promise.all(bodies.map((b) => runHook(variant, b, env)));
    for (const run of runs) expectQuiet(run);
    await spoolSettles(50);
    const spooled = readSpool(spool).pending.map((n) => readFileSync(join(spool, n), "utf8"));
    expect([...spooled].sort()).toEqual([...bodies].sort());

    await server.start();
    await hook("Stop");
    await server.waitFor(() => eventsOf(server).length === 51, "all 51 payloads");
    await spoolSettles(0);
    expect(new Set(keysOf(server)).size).toBe(51);
    const delivered = server.requests.flatMap((r) => {
      const body = JSON.parse(r.body);
      return Array.isArray(body) ? body : [body];
    });
    expect(
      delivered
        .filter((p) => p.tool_use_id)
        .map((p) => p.tool_use_id)
        .sort(),
    ).toEqual(bodies.map((b) => JSON.parse(b).tool_use_id).sort());
  });

  it("delivers 50 parallel invocations exactly once while the server is up", async () => {
    const bodies = Array.from({ length: 50 }, (_, i) => payload("PreToolUse", { tool_use_id: `toolu_${i}` }));
    const runs = await Promise.all(bodies.map((b) => runHook(variant, b, env)));
    for (const run of runs) expectQuiet(run);
    await server.waitFor(() => eventsOf(server).length >= 50, "50 payloads");
    await spoolSettles(0);
    expect(eventsOf(server)).toHaveLength(50);
    expect(new Set(keysOf(server)).size).toBe(50);
  });

  it("bounds the spool by dropping the oldest payloads and counting them", async () => {
    await server.stop();
    const bound = { SPANLIGHT_SPOOL_MAX_FILES: "3" };
    for (const n of [1, 2, 3, 4, 5, 6]) await hook(`E${n}`, bound);
    await spoolSettles(3);
    expect(readSpool(spool).dropped).toBe(3);

    await server.start();
    await hook("E7", bound);
    await server.waitFor(() => eventsOf(server).length === 4, "the kept payloads");
    expect(eventsOf(server)).toEqual(["E4", "E5", "E6", "E7"]);
  });

  it("bounds the spool by payload bytes, dropping only as many of the oldest as it must", async () => {
    await server.stop();
    // 100 payloads of 600 bytes (60,000 in all), older than any hook: under 1 KiB each, as most
    // events are. Each takes a 4 KiB disk block, which must not count.
    mkdirSync(spool, { recursive: true, mode: 0o700 });
    const before = BigInt(Date.now() - 60_000) * 1_000_000n;
    for (let i = 0; i < 100; i++) {
      const short = payload(`Old${i}`, { pad: "" });
      const name = `${String(before + BigInt(i)).padStart(19, "0")}-${String(i).padStart(7, "0")}.json`;
      writeFileSync(join(spool, name), payload(`Old${i}`, { pad: "x".repeat(600 - short.length) }), { mode: 0o600 });
    }
    const spooledEvents = () =>
      readSpool(spool).pending.map((n) => JSON.parse(readFileSync(join(spool, n), "utf8")).hook_event_name);

    // Within the bound (100 KiB): nothing is dropped.
    // Each hook's delivery trims with its own bound: wait for it to end before the next one.
    await hook("Under", { SPANLIGHT_SPOOL_MAX_KB: "100" });
    await hooksEnded(tmp.path);
    await spoolSettles(101);
    expect(readSpool(spool).dropped).toBe(0);

    // 50 KiB is 51,200 bytes: 15 of the oldest go (60,000 + the two small payloads - 15 * 600).
    const over = payload("Over");
    expect(60_000 + payload("Under").length + over.length - 15 * 600).toBeLessThanOrEqual(51_200);
    expect(60_000 + payload("Under").length + over.length - 14 * 600).toBeGreaterThan(51_200);
    await hook("Over", { SPANLIGHT_SPOOL_MAX_KB: "50" });
    await hooksEnded(tmp.path);
    await spoolSettles(87);
    expect(readSpool(spool).dropped).toBe(15);
    expect(spooledEvents()).toEqual([...Array.from({ length: 85 }, (_, i) => `Old${i + 15}`), "Under", "Over"]);
  });

  it("drops a payload the server will never accept, counts it, and delivers the rest", async () => {
    await server.stop();
    const picky = await createCaptureServer((body) => (body.includes("BROKEN") ? 400 : 204));
    env.SPANLIGHT_URL = picky.url;
    await picky.stop();
    await hook("Before");
    expectQuiet(await runHook(variant, '{"hook_event_name": "BROKEN", ', env));
    await hook("After");
    await spoolSettles(3);
    await picky.start();
    await hook("Last");
    await picky.waitFor(() => picky.requests.some((r) => r.status === 204 && r.body.includes("Last")), "Last");
    await spoolSettles(0);
    expect(readSpool(spool).rejected).toBe(1);
    const accepted = picky.requests.filter((r) => r.status === 204).map((r) => r.body);
    expect(accepted.map((b) => JSON.parse(b).hook_event_name)).toEqual(["Before", "After", "Last"]);
    await picky.close();
  });

  it("exits 0 quietly when it cannot even spool", async () => {
    writeFileSync(join(tmp.path, "a-file"), "");
    await hook("Stop", { SPANLIGHT_SPOOL: join(tmp.path, "a-file", "spool") });
    await hook("Stop", { SPANLIGHT_URL: "not a url at all" });
  });

  it.each<Record<string, string>>([
    { SPANLIGHT_ENABLED: "0" },
    { SPANLIGHT_ENABLED: "Off" },
    { SPANLIGHT_ENABLED: "NO" },
    { TELEMETRY_ENABLED: "False" },
  ])("does nothing when turned off with %j", async (off) => {
    await hook("Stop", off);
    // Every payload goes through the spool before delivery: no spool, no delivery.
    expect(existsSync(spool)).toBe(false);
  });

  it("honours the older TELEMETRY_URL, sending to the hook endpoint", async () => {
    const { SPANLIGHT_URL: _, ...rest } = env;
    env = rest;
    await hook("Stop", { TELEMETRY_URL: `${server.url}/telemetry` });
    await server.waitFor(() => server.requests.length === 1, "the delivery");
    expect(server.requests[0]!.path).toBe("/v1/hooks/claude-code");
  });

  it("flushes by hand (--flush, without SPANLIGHT_URL) to the server the hooks were sent to", async () => {
    await server.stop();
    for (const n of [1, 2]) await hook(`Down${n}`);
    await spoolSettles(2);
    // No background delivery left that could hold the lock when the flush by hand looks.
    await hooksEnded(tmp.path);
    await server.start();
    const { SPANLIGHT_URL: _, ...withoutUrl } = env;
    const flush = { ...variant, args: [...variant.args, "--flush"] };
    const run = await runHook(flush, "", withoutUrl);
    // By hand it says how it went, on stderr; stdout stays empty and the exit code 0.
    expect([run.code, run.stdout]).toEqual([0, ""]);
    expect(run.stderr).toBe(
      `spanlight-hook: the spool ${spool} is empty: everything is delivered to ${server.url}/v1/hooks/claude-code\n`,
    );
    await spoolSettles(0);
    expect(eventsOf(server)).toEqual(["Down1", "Down2"]);
    await server.stop();
    await hook("Down3");
    await hooksEnded(tmp.path);
    const left = await runHook(flush, "", withoutUrl);
    expect(left.stderr).toMatch(
      /^spanlight-hook: 1 payload\(s\) still in .*: http:\/\/127\.0\.0\.1:\d+\S* did not take them yet/,
    );
  });

  it("takes over a lock left behind by a killed delivery", async () => {
    mkdirSync(join(spool, ".lock"), { recursive: true });
    writeFileSync(join(spool, ".lock", "pid"), "999999999\n"); // no such process
    await hook("Stop");
    await server.waitFor(() => server.requests.length === 1, "the delivery");
    await spoolSettles(0);
  });
});

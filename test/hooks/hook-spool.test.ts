import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { eventsOf, expectQuiet, keysOf, payload, useHookSuite } from "./helpers/hook-suite.ts";
import { HOOK_VARIANTS, type HookVariant, hooksEnded, readSpool, runHook, runWithStdin } from "./helpers/run-hook.ts";

/**
 * The spool of both hook clients (sh + curl, Python): where it lives without HOME, who may read it,
 * parallel writes, its bounds, its lock, and flushing it by hand. Delivery is in hook-delivery.test.ts.
 */

describe.each(HOOK_VARIANTS)("the $name hook", (variant: HookVariant) => {
  const s = useHookSuite(variant);

  it("leaves nothing behind when it cannot write the whole payload (a full disk)", async () => {
    const { server, spool, env, hook, spoolSettles } = s;
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

  it("without HOME spools under $TMPDIR only in a directory of the user's own", async () => {
    const { tmp, server, env } = s;
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
    const { tmp, env } = s;
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
    const { tmp, server, env, hook, spoolSettles } = s;
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
    const { server, spool, hook, spoolSettles } = s;
    await server.stop();
    await hook("UserPromptSubmit");
    await spoolSettles(1);
    const file = join(spool, readSpool(spool).pending[0]!);
    expect([statSync(spool).mode & 0o777, statSync(file).mode & 0o777]).toEqual([0o700, 0o600]);
  });

  it("survives 50 parallel invocations without corrupting the spool", async () => {
    const { server, spool, env, hook, spoolSettles } = s;
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

  it("bounds the spool by dropping the oldest payloads and counting them", async () => {
    const { server, spool, hook, spoolSettles } = s;
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
    const { tmp, server, spool, hook, spoolSettles } = s;
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

  it("exits 0 quietly when it cannot even spool", async () => {
    const { tmp, hook } = s;
    writeFileSync(join(tmp.path, "a-file"), "");
    await hook("Stop", { SPANLIGHT_SPOOL: join(tmp.path, "a-file", "spool") });
    await hook("Stop", { SPANLIGHT_URL: "not a url at all" });
  });

  it("flushes by hand (--flush, without SPANLIGHT_URL) to the server the hooks were sent to", async () => {
    const { tmp, server, spool, env, hook, spoolSettles } = s;
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
    const { server, spool, hook, spoolSettles } = s;
    mkdirSync(join(spool, ".lock"), { recursive: true });
    writeFileSync(join(spool, ".lock", "pid"), "999999999\n"); // no such process
    await hook("Stop");
    await server.waitFor(() => server.requests.length === 1, "the delivery");
    await spoolSettles(0);
  });
});

import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createCaptureServer } from "./helpers/capture-server.ts";
import { eventsOf, expectQuiet, keysOf, payload, useHookSuite } from "./helpers/hook-suite.ts";
import { HOOK_VARIANTS, type HookVariant, readSpool, runHook } from "./helpers/run-hook.ts";

/**
 * Delivery by both hook clients (sh + curl, Python): what they send, how they get it past proxies
 * and a server that is down or slow, and when they send nothing. The spool itself (where it lives,
 * its bounds, flushing by hand) is in hook-spool.test.ts.
 */

describe.each(HOOK_VARIANTS)("the $name hook", (variant: HookVariant) => {
  const s = useHookSuite(variant);

  it("delivers the payload byte for byte with the context headers", async () => {
    const { server, env, spoolSettles } = s;
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
    const { server, env, spoolSettles } = s;
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
    const { server, spool, env, spoolSettles } = s;
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
    const { spool, env, hook, spoolIdle, spoolSettles } = s;
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
    const { spool, env, hook, spoolSettles } = s;
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

  it("returns before the server answers: delivery never holds up the agent", async () => {
    const { server, spool, hook, spoolSettles } = s;
    server.hold(); // the server accepts the request and never answers until released
    await hook("Stop");
    await server.waitFor(() => server.requests.length === 1, "the held request");
    // The hook has exited while its request is still unanswered: it did not wait on the network.
    expect(readSpool(spool).pending).toHaveLength(1);
    server.release();
    await spoolSettles(0);
  });

  it("spools while the server is down, then delivers everything in order exactly once", async () => {
    const { server, hook, spoolSettles } = s;
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

  it("delivers 50 parallel invocations exactly once while the server is up", async () => {
    const { server, env, spoolSettles } = s;
    const bodies = Array.from({ length: 50 }, (_, i) => payload("PreToolUse", { tool_use_id: `toolu_${i}` }));
    const runs = await Promise.all(bodies.map((b) => runHook(variant, b, env)));
    for (const run of runs) expectQuiet(run);
    await server.waitFor(() => eventsOf(server).length >= 50, "50 payloads");
    await spoolSettles(0);
    expect(eventsOf(server)).toHaveLength(50);
    expect(new Set(keysOf(server)).size).toBe(50);
  });

  it("drops a payload the server will never accept, counts it, and delivers the rest", async () => {
    const { server, spool, env, hook, spoolSettles } = s;
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

  it.each<Record<string, string>>([
    { SPANLIGHT_ENABLED: "0" },
    { SPANLIGHT_ENABLED: "Off" },
    { SPANLIGHT_ENABLED: "NO" },
    { TELEMETRY_ENABLED: "False" },
  ])("does nothing when turned off with %j", async (off) => {
    const { spool, hook } = s;
    await hook("Stop", off);
    // Every payload goes through the spool before delivery: no spool, no delivery.
    expect(existsSync(spool)).toBe(false);
  });

  it("honours the older TELEMETRY_URL, sending to the hook endpoint", async () => {
    const { server, hook } = s;
    const { SPANLIGHT_URL: _, ...rest } = s.env;
    s.env = rest;
    await hook("Stop", { TELEMETRY_URL: `${server.url}/telemetry` });
    await server.waitFor(() => server.requests.length === 1, "the delivery");
    expect(server.requests[0]!.path).toBe("/v1/hooks/claude-code");
  });
});

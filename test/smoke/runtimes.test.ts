/**
 * One smoke suite for every way users run Spanlight besides Node: the sources on real Deno and
 * the compiled single binary. Both are built fresh from the current tree (Vite, then
 * `scripts/compile.mjs`, ~5 s) and driven as separate processes over real HTTP.
 * SPANLIGHT_QUICK=1 (`npm run test:quick`) skips it.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { join } from "node:path";
import root from "otlp-transformer-protobuf/build/src/generated/root.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionDetail } from "../../src/schema/session.ts";
import { replayScenario } from "../helpers/app.ts";
import { loadHooks } from "../helpers/fixtures.ts";
import { freePort } from "../helpers/ports.ts";
import { openStream } from "../helpers/sse.ts";
import { startOtlpReceiver } from "./helpers/otlp-receiver.ts";
import { killAll, runProgram, type Spawned, spawnProgram } from "./helpers/processes.ts";
import { type Build, buildTargets, type Target } from "./helpers/targets.ts";

const QUICK = process.env.SPANLIGHT_QUICK === "1";
const SCENARIO = "bash-echo";
const SESSION_ID = "49d06c98-aa42-444f-a8a6-08ed5d7724c8";
const TARGETS: Target["name"][] = ["deno", "binary"];

let build: Build;

beforeAll(async () => {
  if (!QUICK) build = await buildTargets();
});

afterAll(() => {
  killAll();
  build?.cleanup();
});

function target(name: Target["name"]): Target {
  return build.targets.find((t) => t.name === name)!;
}

type Encoder = { encode(m: object): { finish(): Uint8Array }; fromObject(o: object): object };

/** One native span of the replayed session as OTLP/protobuf, with an int64 attribute a double cannot hold. */
function protobufSpan(): Uint8Array {
  const request = (
    root as unknown as { opentelemetry: { proto: { collector: { trace: { v1: Record<string, Encoder> } } } } }
  ).opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest!;
  const bytes = (hex: string) => Uint8Array.from(hex.match(/../g)!, (h) => Number.parseInt(h, 16));
  const span = {
    traceId: bytes("5b8efff798038103d269b633813fc60c"),
    spanId: bytes("eee19b7ec3c1b174"),
    name: "smoke.protobuf",
    startTimeUnixNano: "1544712660000000000",
    endTimeUnixNano: "1544712660001500000",
    attributes: [
      { key: "session.id", value: { stringValue: SESSION_ID } },
      { key: "big", value: { intValue: "9007199254740993" } },
    ],
  };
  return request.encode(request.fromObject({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] })).finish();
}

function http(base: string) {
  return { request: (path: string, init: RequestInit) => fetch(`${base}${path}`, init) };
}

describe.skipIf(QUICK).each(TARGETS)("spanlight on %s", (name) => {
  let server: Spawned;
  let base: string;
  let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>;

  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    const config = join(build.dir, `config-${name}.json`);
    // Export as JSON with no batching delay, so the collector sees spans as soon as a turn ends.
    writeFileSync(
      config,
      JSON.stringify({ otel: { export: { enabled: true, endpoint: otlp.url, protocol: "http/json", delayMs: 0 } } }),
    );
    server = spawnProgram([...target(name).serve, "serve", "--port", "0", "--config", config], {
      env: build.env(name),
      cwd: build.dir,
    });
    base = (await server.waitForOutput(/listening on (http:\/\/\S+)/))[1]!;
    // Real captured hook payloads, each with its real arrival time; every POST must answer 204.
    await replayScenario(http(base), SCENARIO);
  });

  afterAll(async () => {
    server?.child.kill("SIGKILL");
    await otlp?.close();
  });

  it("answers GET /health", async () => {
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
  });

  it("stores real captured hook events and shows them in the session", async () => {
    const res = await fetch(`${base}/api/sessions/${SESSION_ID}`);
    expect(res.status).toBe(200);
    const session = (await res.json()) as SessionDetail;
    expect(session).toMatchObject({
      eventCount: loadHooks(SCENARIO).length,
      status: "ended",
      turnCount: 1,
      // The replay sends each payload's real arrival time; the session keeps it.
      startedAt: loadHooks(SCENARIO)[0]!.receivedAt,
    });
    expect(session.toolCalls.map((t) => [t.toolName, t.status, t.summary])).toEqual([
      ["Bash", "ok", "echo hello-from-harness"],
    ]);
  });

  it("routes an HTTP/1.0 request without a Host header like any other (health checkers send those)", async () => {
    const { hostname, port } = new URL(base);
    const raw = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), hostname, () => socket.end(request));
        let reply = "";
        socket.on("data", (d) => {
          reply += d.toString();
        });
        socket.on("end", () => resolve(reply));
        socket.on("error", reject);
      });
    const health = await raw("GET /health HTTP/1.0\r\n\r\n");
    expect(health).toMatch(/^HTTP\/1\.[01] 200/);
    expect(health).toContain('"status":"ok"');
    const body = JSON.stringify({ session_id: `no-host-${name}`, hook_event_name: "Notification", message: "hi" });
    const hook = await raw(
      `POST /v1/hooks/claude-code HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    expect(hook).toMatch(/^HTTP\/1\.[01] 204/);
    const res = await fetch(`${base}/api/sessions/no-host-${name}`);
    expect(res.status).toBe(200);
  });

  it("serves the dashboard page and its script, byte for byte as built", async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toBe(readFileSync(join(build.uiDist, "index.html"), "utf8"));
    const script = /<script[^>]+src="\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${base}/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(Buffer.from(await asset.arrayBuffer()).equals(readFileSync(join(build.uiDist, script!)))).toBe(true);
  });

  it("streams a posted event to an SSE client", async () => {
    const stream = await openStream(`${base}/api/stream`);
    try {
      await stream.next((f) => f.event === "hello");
      const payload = { ...loadHooks(SCENARIO)[0]!.payload, session_id: `smoke-${name}` };
      const post = await fetch(`${base}/v1/hooks/claude-code`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(payload),
      });
      expect(post.status).toBe(204);
      const frame = await stream.next((f) => f.event === "event" && f.data!.includes(`smoke-${name}`));
      expect(JSON.parse(frame.data!)).toMatchObject({ sessionId: `smoke-${name}`, type: "SessionStart" });
      // `<seq>@<run tag>`: the sequence id, tagged with the server run.
      expect(frame.id).toMatch(/^\d+@[0-9a-f]{8}$/);
      expect(Number(frame.id!.split("@")[0])).toBeGreaterThan(loadHooks(SCENARIO).length);
    } finally {
      stream.close();
    }
  });

  it("exports the replayed turn as spans to an OTLP collector", async () => {
    // The turn ends after its tool call, so its span may come in a later request than the tool's.
    const names = ["execute_tool Bash", "invoke_agent claude-code"];
    await otlp.waitFor((spans) => names.every((n) => spans.some((s) => s.name === n)));
    const root = otlp.spans.find((s) => s.name === "invoke_agent claude-code");
    const tool = otlp.spans.find((s) => s.name === "execute_tool Bash");
    expect(root).toMatchObject({ attributes: { "session.id": SESSION_ID }, serviceName: "claude-code" });
    expect(tool).toMatchObject({ traceId: root!.traceId, parentSpanId: root!.spanId });
    expect(otlp.posts.every((p) => p.path === "/v1/traces" && p.contentType.startsWith("application/json"))).toBe(true);
    // Exported by the export worker (src/runtime/web-worker.ts in this build), not the in-thread fallback.
    expect(server.stderr()).not.toContain("export worker");
    const health = (await (await fetch(`${base}/health`)).json()) as { export: { thread?: string } };
    expect(health.export.thread).toBe("worker");
  });

  it("reads OTLP/protobuf with exact 64-bit values, and answers a truncated body with 400", async () => {
    const body = protobufSpan();
    const post = (b: Uint8Array) =>
      fetch(`${base}/v1/traces`, {
        method: "POST",
        headers: { "content-type": "application/x-protobuf" },
        body: b as Uint8Array<ArrayBuffer>,
      });
    expect((await post(body.slice(0, body.length - 5))).status).toBe(400);
    expect((await post(body)).status).toBe(200);
    const session = (await (await fetch(`${base}/api/sessions/${SESSION_ID}`)).json()) as SessionDetail;
    const span = session.nativeSpans?.find((s) => s.name === "smoke.protobuf");
    expect(span?.attributes.big).toBe("9007199254740993");
    expect(span?.durationMs).toBe(1.5);
  });

  it("prints the dry-run plan of `init` and writes nothing", async () => {
    const home = build.env(name).HOME!;
    const res = await runProgram([...target(name).cli, "init", "--dry-run"], { env: build.env(name), cwd: build.dir });
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(join(home, ".claude", "settings.json"));
    expect(res.stdout).toContain("/v1/hooks/claude-code");
    expect(existsSync(join(home, ".claude"))).toBe(false);
  });

  it("exits 0 without a word when its reader has gone (`spanlight init --dry-run | head -1`)", async () => {
    // The read end closes before the program has started, so its first line meets a broken pipe.
    const p = spawnProgram([...target(name).cli, "init", "--dry-run"], { env: build.env(name), cwd: build.dir });
    p.child.stdout!.destroy();
    expect(await p.exited).toEqual({ code: 0, signal: null });
    expect(p.stderr()).toBe("");
  });

  it("passes `doctor` after `init`, with the hook scripts it carries", async () => {
    const cli = (...args: string[]) =>
      runProgram([...target(name).cli, ...args], { env: build.env(name), cwd: build.dir });
    const init = await cli("init", "--mode", "http", "--url", base);
    expect({ code: init.code, stderr: init.stderr }).toEqual({ code: 0, stderr: "" });
    const doctor = await cli("doctor");
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);
    expect(doctor.stdout).toContain(`✓ Server is up at ${base}`);
    // The command hook (SessionStart) is the script embedded in this build, run for real.
    expect(doctor.stdout).toMatch(/✓ Command hook ran in \d+ ms and its test event arrived/);
    const uninstall = await cli("uninstall");
    expect(uninstall.code).toBe(0);
    // A server that is not there is named as such, whatever shape the runtime gives the error.
    const down = await cli("doctor", "--url", `http://127.0.0.1:${await freePort()}`);
    expect(down.stdout).toMatch(/✗ Server does not answer at http:\/\/127\.0\.0\.1:\d+ \(connection refused\)/);
  });

  it("says in one line that a Spanlight already holds the port, and exits 2", async () => {
    const taken = new URL(base).port;
    const res = await runProgram([...target(name).serve, "serve", "--port", taken], {
      env: build.env(name),
      cwd: build.dir,
    });
    expect(res.code).toBe(2);
    expect(res.stderr.trim()).toMatch(
      new RegExp(
        `^spanlight: Spanlight \\S+ is already running on 127\\.0\\.0\\.1:${taken}: its dashboard is .*--port \\d+`,
      ),
    );
  });

  it("exits 0 on SIGTERM while a stream is open", async () => {
    const stream = await openStream(`${base}/api/stream`);
    await stream.next((f) => f.event === "hello");
    server.child.kill("SIGTERM");
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.stderr()).toContain("SIGTERM, shutting down");
    await stream.next(() => false).catch(() => {});
    expect(stream.ended).toBe(true);
  });
});

/** A receiver that takes requests and never answers; `first` resolves on the first one. */
async function silentReceiver() {
  let arrived: () => void = () => {};
  const first = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const server = createServer(() => arrived());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`,
    first,
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}

// Each runtime's fetch fails in its own way; these keep the export's answers to trouble the same.
describe.skipIf(QUICK).each(TARGETS)("export trouble on %s", (name) => {
  function serve(endpoint: string, extraEnv: Record<string, string> = {}, timeoutMs = 10_000) {
    const config = join(build.dir, `config-trouble-${name}.json`);
    writeFileSync(config, JSON.stringify({ otel: { export: { enabled: true, endpoint, delayMs: 0, timeoutMs } } }));
    const server = spawnProgram([...target(name).serve, "serve", "--port", "0", "--config", config], {
      env: build.env(name, extraEnv),
      cwd: build.dir,
    });
    return { server, base: server.waitForOutput(/listening on (http:\/\/\S+)/).then((m) => m[1]!) };
  }

  it("names a header value with a control character, sends nothing and never prints the value", async () => {
    // Headers() lets \x01 through; Node and Deno then fail every request as if the network were
    // down, and Bun sends it as it is.
    const otlp = await startOtlpReceiver();
    const { server, base } = serve(otlp.url, { OTEL_EXPORTER_OTLP_HEADERS: "x-api-key=s3cret%01" });
    try {
      await replayScenario(http(await base), SCENARIO);
      const [line] = await server.waitForOutput(/otel: export of \d+ spans failed.*/, "stderr");
      expect(line).toMatch(/giving up: otel\.export\.headers: "x-api-key" is not a valid HTTP header/);
      expect(otlp.posts).toEqual([]);
      server.child.kill("SIGTERM");
      expect((await server.exited).code).toBe(0);
      expect(server.stderr()).not.toContain("s3cret");
    } finally {
      await otlp.close();
    }
  });

  it("says plainly that the receiver refuses connections, and what was lost at shutdown", async () => {
    const { server, base } = serve(`http://127.0.0.1:${await freePort()}/v1/traces`);
    await replayScenario(http(await base), SCENARIO);
    const [, error] = await server.waitForOutput(/otel: export of \d+ spans failed, will retry: (.*)/, "stderr");
    expect(error).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/v1\/traces failed: .*(ECONNREFUSED|Connection refused)/);
    // Deno's message repeats the URL and the local port (new each time); Bun's advises its caller.
    expect(error).not.toMatch(/error sending request|verbose: true/);
    server.child.kill("SIGTERM");
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.stderr()).toMatch(/otel: at shutdown \d+ spans could not be exported \(POST /);
  });

  it("stops at a second SIGINT while shutdown waits for a receiver that never answers", async () => {
    const receiver = await silentReceiver();
    // Left alone, shutdown would give the silent receiver up after its 5 s grace and exit 0: a
    // kill status says the second signal ended it first.
    const { server, base } = serve(receiver.url, {}, 60_000);
    try {
      await replayScenario(http(await base), SCENARIO);
      await receiver.first;
      server.child.kill("SIGINT");
      await server.waitForOutput(/SIGINT, shutting down/, "stderr");
      server.child.kill("SIGINT");
      const exit = await server.exited;
      // Killed by the signal (Node's and Bun's default), or Deno's explicit exit with the same status.
      expect([
        { code: null, signal: "SIGINT" },
        { code: 130, signal: null },
      ]).toContainEqual(exit);
    } finally {
      receiver.close();
    }
  });
});

describe.skipIf(QUICK)("the sources on Deno", () => {
  it("type-check with `deno task check`", async () => {
    const deno = target("deno").cli[0]!;
    const res = await runProgram([deno, "task", "check"], {
      env: build.env("deno", { NO_COLOR: "1" }),
      cwd: join(build.dir, "tree"),
    });
    // The output rides along so a failure shows deno's diagnostics.
    expect({ code: res.code, output: res.stderr }).toMatchObject({ code: 0 });
  });
});

describe.skipIf(QUICK)("the compiled binary on its own", () => {
  it("prints its version and the command list", async () => {
    const version = await runProgram([...target("binary").cli, "--version"], {
      env: build.env("binary"),
      cwd: build.dir,
    });
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(
      JSON.parse(readFileSync(join(build.dir, "tree", "package.json"), "utf8")).version,
    );
    const help = await runProgram([...target("binary").cli, "--help"], { env: build.env("binary"), cwd: build.dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/serve\s+run the server/);
    expect(help.stdout).toMatch(/init\s+/);
  });

  it("ignores a .env file in the directory it runs from", async () => {
    // Bun autoloads .env by default; the binary is built without it, so a project's .env
    // cannot silently set a token or a port.
    writeFileSync(join(build.dir, ".env"), "SPANLIGHT_PORT=not-a-port\n");
    const server = spawnProgram([...target("binary").serve, "serve", "--port", "0"], {
      env: build.env("binary"),
      cwd: build.dir,
    });
    const url = (await server.waitForOutput(/listening on (http:\/\/\S+)/))[1]!;
    expect((await fetch(`${url}/health`)).status).toBe(200);
    server.child.kill("SIGTERM");
    expect((await server.exited).code).toBe(0);
  });
});

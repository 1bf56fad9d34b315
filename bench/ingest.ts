/**
 * Ingest and stream benchmark. Run: `npm run bench:ingest`
 * (BENCH_SECONDS=5 by default per load level). Prints, in one run, Spanlight against a bare
 * node:http floor measured the same way:
 *  - POST throughput and latency with ~1 KB real hook payloads at 1, 10 and 50 connections;
 *  - RSS after 10,000 and 100,000 events (default ring: 10,000 events / 64 MiB);
 *  - POST → SSE client latency at 100 and 1,000 events/s with 10 stream clients.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import autocannon from "autocannon";
import { NODE_SERVER_FLAGS } from "../src/runtime/node-flags.ts";
import { cpuOf, fmt, freePort, percentile, ROOT, rssMb, startProcess, stop } from "./lib/processes.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const lines = readFileSync(join(ROOT, "test/fixtures/claude-code/file-ops/hooks.jsonl"), "utf8").split("\n");
// The PostToolUse of an Edit: ~0.9 KB, a typical mid-size hook payload.
const payload = JSON.parse(lines.find((l) => l.includes('"PostToolUse"') && l.includes('"Edit"'))!);
const body = JSON.stringify(payload);

type Target = {
  name: string;
  start(port: number): ReturnType<typeof startProcess>;
  ingestPath: string;
  streamPath: string;
};

const targets: Target[] = [
  {
    name: "spanlight",
    // SPANLIGHT_BENCH_NODE_FLAGS adds node flags (e.g. --cpu-prof) to the Spanlight process.
    // What `npm start` runs: the bundled build with its V8 settings (started directly, so an
    // edit to the sources during the run cannot switch bin/spanlight.js to the tsx fallback).
    start: (port) =>
      startProcess(
        process.execPath,
        [
          ...(process.env.SPANLIGHT_BENCH_NODE_FLAGS?.split(" ").filter(Boolean) ?? []),
          ...NODE_SERVER_FLAGS,
          "dist/node/spanlight.mjs",
          "serve",
          "--port",
          String(port),
        ],
        `http://127.0.0.1:${port}/health`,
      ),
    ingestPath: "/v1/hooks/claude-code",
    streamPath: "/api/stream",
  },
  {
    name: "bare node:http",
    start: (port) =>
      startProcess(process.execPath, ["bench/lib/baseline-server.mjs", String(port)], `http://127.0.0.1:${port}/`),
    ingestPath: "/",
    streamPath: "/stream",
  },
];

async function load(url: string, connections: number, opts: { duration?: number; amount?: number; pid?: number } = {}) {
  const cpu0 = opts.pid ? cpuOf(opts.pid).processUs : 0;
  const result = await autocannon({
    url,
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    connections,
    ...(opts.amount ? { amount: opts.amount } : { duration: opts.duration ?? SECONDS }),
  });
  return {
    rps: result.requests.average,
    // CPU of the server process (all threads) per request: unlike events/s, not moved by the load
    // generator and the other server taking turns on the same two cores.
    cpuUsPerRequest: opts.pid ? (cpuOf(opts.pid).processUs - cpu0) / result.requests.total : Number.NaN,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

/**
 * Both servers run side by side; each load level alternates between them for ROUNDS rounds, so
 * a slow spell of the machine (shared cores, a noisy neighbour) hits both alike. Medians reported.
 */
async function throughput() {
  const running = await Promise.all(
    targets.map(async (t) => {
      const port = await freePort();
      const child = await t.start(port);
      const url = `http://127.0.0.1:${port}${t.ingestPath}`;
      await load(url, 10, { duration: 1 }); // warm-up (JIT)
      return { t, child, url, pid: child.pid! };
    }),
  );
  const levels = [1, 10, 50];
  const rounds: Record<number, Array<Record<string, Awaited<ReturnType<typeof load>>>>> = {};
  for (const c of levels) {
    rounds[c] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const round: Record<string, Awaited<ReturnType<typeof load>>> = {};
      for (const { t, url, pid } of r % 2 === 0 ? running : [...running].reverse())
        round[t.name] = await load(url, c, { pid });
      rounds[c]!.push(round);
    }
  }
  for (const { child } of running) await stop(child);
  const median = (xs: number[]) => percentile(xs, 50);
  console.log(
    `\n## Ingest: ${body.length}-byte PostToolUse payloads, ${SECONDS} s per run, ${ROUNDS} alternating rounds, medians\n`,
  );
  console.log(
    "| connections | spanlight events/s | p50 ms | p99 ms | bare events/s | p50 ms | p99 ms | ratio (per-round ratios) | CPU µs/request spanlight / bare | ratio at equal CPU |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const c of levels) {
    const rs = rounds[c]!;
    const pick = (name: string, k: "rps" | "p50" | "p99" | "cpuUsPerRequest") => median(rs.map((r) => r[name]![k]));
    const cpuS = pick("spanlight", "cpuUsPerRequest");
    const cpuB = pick("bare node:http", "cpuUsPerRequest");
    const ratios = rs.map((r) => r.spanlight!.rps / r["bare node:http"]!.rps);
    console.log(
      `| ${c} | ${fmt(pick("spanlight", "rps"), 0)} | ${pick("spanlight", "p50")} | ${pick("spanlight", "p99")} | ${fmt(pick("bare node:http", "rps"), 0)} | ${pick("bare node:http", "p50")} | ${pick("bare node:http", "p99")} | ${fmt(median(ratios), 2)} (${ratios.map((x) => fmt(x, 2)).join(", ")}) | ${fmt(cpuS, 1)} / ${fmt(cpuB, 1)} | ${fmt(cpuB / cpuS, 2)} |`,
    );
    const errors = rs.reduce((n, r) => n + r.spanlight!.errors, 0);
    if (errors > 0) console.log(`(spanlight: ${errors} errors at ${c} connections)`);
  }
}

async function memory() {
  const port = await freePort();
  const child = await targets[0]!.start(port);
  const url = `http://127.0.0.1:${port}/v1/hooks/claude-code`;
  const idle = rssMb(child.pid!);
  await load(url, 10, { amount: 10_000 });
  const at10k = rssMb(child.pid!);
  await load(url, 10, { amount: 90_000 });
  const at100k = rssMb(child.pid!);
  const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as {
    buffer: { events: number; bytes: number };
  };
  await stop(child);
  console.log("\n## Memory (default ring: 10,000 events, 64 MiB)\n");
  console.log("| state | RSS MB |\n|---|---|");
  console.log(
    `| idle | ${fmt(idle)} |\n| after 10,000 events | ${fmt(at10k)} |\n| after 100,000 events | ${fmt(at100k)} |`,
  );
  console.log(
    `(ring holds ${health.buffer.events} events, ${fmt(health.buffer.bytes / 1024 / 1024)} MiB of stored events)`,
  );
}

/**
 * Posts at `rate` events/s for `seconds`, while `clients` SSE readers record POST→frame latency.
 * The first WARM_SECONDS at the same rate are not recorded (their frames carry `bench_warm`, which
 * the readers skip): both servers are measured in their steady state, after JIT compilation.
 */
const WARM_SECONDS = 1;
async function streamLatency(t: Target, rate: number, seconds: number, clients = 10) {
  const port = await freePort();
  const child = await t.start(port);
  const base = `http://127.0.0.1:${port}`;
  const latencies: number[] = [];
  const controllers: AbortController[] = [];
  const ready: Array<Promise<void>> = [];
  for (let i = 0; i < clients; i++) {
    const ac = new AbortController();
    controllers.push(ac);
    ready.push(
      (async () => {
        const res = await fetch(`${base}${t.streamPath}`, { signal: ac.signal });
        const reader = res.body!.getReader();
        const decoder = new TextDecoder();
        let buf = "";
        void (async () => {
          try {
            for (;;) {
              const { done, value } = await reader.read();
              if (done) return;
              // Frames are scanned in place: the reader must cost the same per byte for both servers.
              buf += decoder.decode(value, { stream: true });
              let start = 0;
              let idx = buf.indexOf("\n\n", start);
              while (idx !== -1) {
                const at = buf.indexOf('"bench_sent":', start);
                if (at !== -1 && at < idx) {
                  const end = buf.indexOf(",", at);
                  latencies.push(performance.now() - Number(buf.slice(at + 13, end)));
                }
                start = idx + 2;
                idx = buf.indexOf("\n\n", start);
              }
              buf = buf.slice(start);
            }
          } catch {
            // aborted at the end
          }
        })();
      })(),
    );
  }
  await Promise.all(ready);
  const warm = rate * WARM_SECONDS;
  const total = warm + rate * seconds;
  const tickMs = 10;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  let sent = 0;
  const posts: Array<Promise<unknown>> = [];
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      for (let i = 0; i < perTick && sent < total; i++, sent++) {
        const b = JSON.stringify({
          ...payload,
          [sent < warm ? "bench_warm" : "bench_sent"]: performance.now(),
          n: sent,
        });
        posts.push(
          fetch(`${base}${t.ingestPath}`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: b,
          }).then((r) => r.arrayBuffer()),
        );
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, tickMs);
  });
  await Promise.all(posts);
  const expected = (total - warm) * clients;
  for (let i = 0; i < 200 && latencies.length < expected; i++) await new Promise((r) => setTimeout(r, 25));
  for (const c of controllers) c.abort();
  await stop(child);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), received: latencies.length, expected };
}

async function sse() {
  console.log("\n## POST → SSE latency, 10 stream clients\n");
  console.log("| rate | spanlight p50 ms | p99 ms | bare p50 ms | p99 ms | p99 ratio | frames received |");
  console.log("|---|---|---|---|---|---|---|");
  for (const [rate, seconds] of [
    [100, 5],
    [1000, 3],
  ] as const) {
    const s = await streamLatency(targets[0]!, rate, seconds);
    const b = await streamLatency(targets[1]!, rate, seconds);
    console.log(
      `| ${rate}/s | ${fmt(s.p50, 2)} | ${fmt(s.p99, 2)} | ${fmt(b.p50, 2)} | ${fmt(b.p99, 2)} | ${fmt(s.p99 / b.p99, 2)} | ${s.received}/${s.expected} vs ${b.received}/${b.expected} |`,
    );
  }
}

execFileSync(process.execPath, ["scripts/build-server.mjs", "--force"], { cwd: ROOT, stdio: "inherit" });
console.log(`Spanlight ingest benchmark — node ${process.version}, ${new Date().toISOString()}`);
// BENCH_ONLY=ingest|memory|sse runs one part (for profiling); default: all.
const only = process.env.BENCH_ONLY;
if (!only || only === "ingest") await throughput();
if (!only || only === "memory") await memory();
if (!only || only === "sse") await sse();

/**
 * What export costs the agent: hook reply latency while the server is busy, with OTLP export off,
 * on a worker thread (the default) and on the main thread. Run: `node --import tsx bench/otel-hook-latency.ts`
 * (BENCH_SECONDS=8 per run, BENCH_ROUNDS=2, BENCH_RATE=3000 background events/s).
 *
 * `spanlight serve` runs from the bundle, as `npm start` runs it (BENCH_SERVER=binary: the compiled
 * binary), exporting to a local OTLP
 * receiver (bench/otel-sink.mjs). autocannon keeps a steady background load of real hook payloads
 * from many sessions (fresh ids); meanwhile one client posts a real PostToolUse every 5 ms over its
 * own keep-alive connection, one at a time, the way a hook posts, and records request → response.
 * The modes alternate round by round, so a slow spell of the machine falls on all of them.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";
import autocannon from "autocannon";
import {
  buildServerArgs,
  EXPORT_MODE_LABEL,
  EXPORT_MODES,
  type ExportMode,
  SERVER_BUILD_LABEL,
  startSpanlightIn,
} from "./lib/export-modes.ts";
import { fmt, percentile, ROOT, startOtlpSink, stop } from "./lib/processes.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const RATE = Number(process.env.BENCH_RATE ?? 3000);
const PROBE_GAP_MS = 5;

type Mode = ExportMode;

const hooks = readFileSync(join(ROOT, "test/fixtures/claude-code/file-ops/hooks.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l) as Record<string, unknown>);
const probeBody = JSON.stringify(hooks.find((h) => h.hook_event_name === "PostToolUse"));

/** One POST at a time over one keep-alive connection; resolves with request → response in ms. */
function probe(port: number, agent: http.Agent): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path: "/v1/hooks/claude-code",
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(probeBody) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(performance.now() - t0));
      },
    );
    req.on("error", reject);
    req.end(probeBody);
  });
}

async function run(mode: Mode, endpoint: string): Promise<number[]> {
  const { server, port } = await startSpanlightIn(mode, endpoint);
  let n = 0;
  const background = autocannon({
    url: `http://127.0.0.1:${port}/v1/hooks/claude-code`,
    method: "POST",
    headers: { "content-type": "application/json" },
    connections: 4,
    overallRate: RATE,
    duration: SECONDS,
    requests: [
      {
        setupRequest: (req: Record<string, unknown>) => {
          const hook = hooks[n % hooks.length]!;
          const body = { ...hook, session_id: `bg-${Math.floor(n / hooks.length)}`, tool_use_id: `t-${n}` };
          n++;
          return { ...req, body: JSON.stringify(body) };
        },
      },
    ],
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  try {
    // The first second is warm-up (JIT, the worker's start); probes stop before the load does.
    await new Promise((r) => setTimeout(r, 1000));
    const end = performance.now() + (SECONDS - 1.5) * 1000;
    while (performance.now() < end) {
      latencies.push(await probe(port, agent));
      await new Promise((r) => setTimeout(r, PROBE_GAP_MS));
    }
    await background;
  } finally {
    agent.destroy();
    await stop(server);
  }
  return latencies;
}

async function main() {
  const { sink, endpoint } = await startOtlpSink();
  const all: Record<Mode, number[]> = { off: [], worker: [], main: [] };
  try {
    for (let r = 0; r < ROUNDS; r++) for (const mode of EXPORT_MODES) all[mode].push(...(await run(mode, endpoint)));
  } finally {
    await stop(sink);
  }
  console.log(
    `\n## Hook latency (${SERVER_BUILD_LABEL}) while ${RATE} events/s of other sessions arrive, ${ROUNDS} × ${SECONDS} s per mode (ms)\n`,
  );
  console.log("| export | probes | p50 | p95 | p99 | max | p99 vs export off |");
  console.log("|---|---|---|---|---|---|---|");
  const p99Off = percentile(all.off, 99);
  for (const mode of EXPORT_MODES) {
    const l = all[mode];
    console.log(
      `| ${EXPORT_MODE_LABEL[mode]} | ${l.length} | ${fmt(percentile(l, 50), 2)} | ${fmt(percentile(l, 95), 2)} | ${fmt(percentile(l, 99), 2)} | ${fmt(Math.max(...l), 2)} | ${fmt(percentile(l, 99) / p99Off, 2)} |`,
    );
  }
}

execFileSync(process.execPath, buildServerArgs(), { cwd: ROOT, stdio: "inherit" });
await main();

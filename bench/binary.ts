/**
 * The compiled binary against Node (and Deno) running the same app, in one run.
 * Run: `node --import tsx bench/binary.ts` (BENCH_SECONDS=5 per throughput round, 3 rounds; BENCH_STARTS=10).
 * Prints, per runtime:
 *  - binary size (the compiled executable; Node and Deno need their runtime plus the source tree);
 *  - exec → first 200 on /health, median and best of BENCH_STARTS cold starts (target ≤ 100 ms),
 *    and the CPU time the process used until then (comparable even on a busy machine);
 *  - idle RSS 1 s after start (target ≤ 60 MB);
 *  - RSS with the ring full at default settings (10,000 events) of real captured hook payloads;
 *  - ingest throughput with the ring full: single ~1 KB hook POSTs over 10 connections;
 * and each figure's ratio to Node's.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { NODE_SERVER_FLAGS } from "../src/runtime/node-flags.ts";
import { denoPermissions, findDeno } from "../test/smoke/helpers/targets.ts";
import { fmt, freePort, ROOT, rssMb, stop } from "./lib/processes.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const STARTS = Number(process.env.BENCH_STARTS ?? 10);
const DEFAULT_RING_EVENTS = 10_000;

const work = mkdtempSync(join(tmpdir(), "spanlight-bench-"));
const binary = join(work, "spanlight");

type Runtime = { name: string; argv: string[] };

function runtimes(): Runtime[] {
  return [
    { name: "binary", argv: [binary] },
    // What `npm start` runs: the esbuild bundle of the same sources (built below, with the binary)
    // and its V8 settings. Run directly: bin/spanlight.js would fall back to tsx as
    // soon as any source is newer than the bundle.
    { name: "node", argv: [process.execPath, ...NODE_SERVER_FLAGS, join(ROOT, "dist", "node", "spanlight.mjs")] },
    { name: "deno", argv: [findDeno(), "run", ...denoPermissions("start"), join(ROOT, "src", "runtime", "deno.ts")] },
  ];
}

function run(script: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "scripts", script), ...args], {
      cwd: ROOT,
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${script} exited ${code}`))));
  });
}

/** Spawns `serve` and measures exec → first 200 on /health, polling every millisecond. */
async function start(rt: Runtime) {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(rt.argv[0]!, [...rt.argv.slice(1), "serve", "--port", String(port)], {
    cwd: work,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  // Kept for the error message only: "shutting down" lines from every start would bury the table.
  let stderr = "";
  child.stderr!.on("data", (d) => {
    stderr += d;
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${rt.name} exited with ${child.exitCode}: ${stderr}`);
    try {
      const res = await fetch(`${url}/health`);
      await res.arrayBuffer();
      if (res.status === 200) return { child, url, ms: performance.now() - t0, cpu: cpuMs(child.pid!) };
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 1));
  }
}

/**
 * CPU time a process has used so far, all threads (Linux schedstat, ns). Unlike wall time it hardly
 * depends on what else the machine is doing, so start-up cost stays comparable on a busy machine.
 */
function cpuMs(pid: number): number {
  let ns = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return ns / 1e6;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

/** Every real captured hook payload, in capture order across scenarios (sizes as they come). */
function capturedPayloads(): string[] {
  const dir = join(ROOT, "test", "fixtures", "claude-code");
  return readdirSync(dir)
    .filter((n) => !n.includes("."))
    .flatMap((s) =>
      readFileSync(join(dir, s, "hooks.jsonl"), "utf8")
        .split("\n")
        .filter(Boolean),
    );
}

// Half the default 1 MiB body limit: the largest captured payloads (big-output) are ~200 KB.
const BATCH_BYTES = 512 * 1024;

function toBatches(lines: string[]): string[] {
  const batches: string[] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const line of lines) {
    if (bytes + line.length > BATCH_BYTES && current.length > 0) {
      batches.push(current.join("\n"));
      current = [];
      bytes = 0;
    }
    current.push(line);
    bytes += line.length + 1;
  }
  if (current.length > 0) batches.push(current.join("\n"));
  return batches;
}

/** Posts the captures as NDJSON batches, a fresh session id per pass, until the ring holds `events`. */
async function fillRing(url: string, events: number) {
  const captures = capturedPayloads().map((l) => JSON.parse(l) as Record<string, unknown>);
  let sent = 0;
  for (let pass = 0; sent < events + captures.length; pass++) {
    const lines = captures.map((p) => JSON.stringify({ ...p, session_id: `bench-${pass}-${String(p.session_id)}` }));
    for (const batch of toBatches(lines)) {
      const res = await fetch(`${url}/v1/hooks/claude-code`, {
        method: "POST",
        headers: { "content-type": "application/x-ndjson" },
        body: batch,
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`fill: ${res.status} ${await res.text()}`);
    }
    sent += lines.length;
  }
  const health = (await (await fetch(`${url}/health`)).json()) as {
    buffer: { events: number; bytes: number; capacity: number };
  };
  return health.buffer;
}

const INGEST_BODY = (() => {
  const lines = readFileSync(join(ROOT, "test/fixtures/claude-code/file-ops/hooks.jsonl"), "utf8").split("\n");
  // The PostToolUse of an Edit: ~0.9 KB, a typical mid-size hook payload (as in bench/ingest.ts).
  return lines.find((l) => l.includes('"PostToolUse"') && l.includes('"Edit"'))!;
})();

async function load(url: string, seconds: number) {
  const r = await autocannon({
    url: `${url}/v1/hooks/claude-code`,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: INGEST_BODY,
    connections: 10,
    duration: seconds,
  });
  return { rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

type Row = {
  size: number;
  startMedian: number;
  startBest: number;
  startCpu: number;
  idle: number;
  full: number;
  ring: { events: number; bytes: number };
  rps: number;
  p99: number;
};

// Throughput rounds per runtime, interleaved, so a change in machine load hits every runtime alike.
const ROUNDS = 3;

/**
 * Everything is interleaved across runtimes: start-ups round-robin, then all three servers run
 * side by side with full rings while throughput rounds alternate between them (idle servers cost
 * almost nothing). Each figure is a median over rounds.
 */
async function measureAll(rts: Runtime[]): Promise<Record<string, Row>> {
  const starts = new Map(rts.map((rt) => [rt.name, { ms: [] as number[], cpu: [] as number[] }]));
  for (let i = 0; i < STARTS; i++) {
    for (const rt of rts) {
      const s = await start(rt);
      starts.get(rt.name)!.ms.push(s.ms);
      starts.get(rt.name)!.cpu.push(s.cpu);
      await stop(s.child);
    }
  }
  const servers = [];
  try {
    for (const rt of rts) servers.push({ rt, ...(await start(rt)) });
    await new Promise((r) => setTimeout(r, 1000));
    const mem = new Map<string, { idle: number; full: number; ring: Row["ring"] }>();
    for (const s of servers) {
      const idle = rssMb(s.child.pid!);
      const ring = await fillRing(s.url, DEFAULT_RING_EVENTS);
      mem.set(s.rt.name, { idle, ring, full: rssMb(s.child.pid!) });
    }
    for (const s of servers) await load(s.url, 1); // warm-up (JIT)
    const rounds = new Map(rts.map((rt) => [rt.name, [] as Array<Awaited<ReturnType<typeof load>>>]));
    for (let i = 0; i < ROUNDS; i++) for (const s of servers) rounds.get(s.rt.name)!.push(await load(s.url, SECONDS));
    const rows: Record<string, Row> = {};
    for (const rt of rts) {
      const st = starts.get(rt.name)!;
      const r = rounds.get(rt.name)!;
      const errors = r.reduce((n, x) => n + x.errors, 0);
      if (errors > 0) console.log(`(${rt.name}: ${errors} errors under load)`);
      rows[rt.name] = {
        // Node and Deno also need the source tree and node_modules; only their executable is counted.
        size: statSync(rt.argv[0]!).size,
        startMedian: median(st.ms),
        startBest: Math.min(...st.ms),
        startCpu: median(st.cpu),
        ...mem.get(rt.name)!,
        rps: median(r.map((x) => x.rps)),
        p99: median(r.map((x) => x.p99)),
      };
    }
    return rows;
  } finally {
    for (const s of servers) await stop(s.child);
  }
}

const ratio = (a: number, b: number) => fmt(a / b, 2);

async function main() {
  const loadAvg = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(" ");
  console.log(
    `Spanlight binary benchmark — ${new Date().toISOString()}, node ${process.version}, ${STARTS} starts, ${SECONDS} s load, load average ${loadAvg()}`,
  );
  await run("compile.mjs", ["--outfile", binary]);
  await run("build-server.mjs", ["--force"]);
  const rows = await measureAll(runtimes());
  const node = rows.node!;
  console.log(`\n## Binary vs Node vs Deno running the same app (ratio = runtime / node)\n`);
  console.log(
    "| runtime | size MB | start median ms | best ms | CPU ms to first 200 | idle RSS MB | RSS ring full MB | ingest events/s | p99 ms |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const [name, r] of Object.entries(rows)) {
    const size = name === "binary" ? fmt(r.size / 1024 / 1024) : `${fmt(r.size / 1024 / 1024)} + sources`;
    console.log(
      `| ${name} | ${size} | ${fmt(r.startMedian)} (${ratio(r.startMedian, node.startMedian)}×) | ${fmt(r.startBest)} | ${fmt(r.startCpu)} (${ratio(r.startCpu, node.startCpu)}×) | ${fmt(r.idle)} (${ratio(r.idle, node.idle)}×) | ${fmt(r.full)} (${ratio(r.full, node.full)}×) | ${fmt(r.rps, 0)} (${ratio(r.rps, node.rps)}×) | ${r.p99} |`,
    );
  }
  const b = rows.binary!;
  console.log(
    `\nring full: ${b.ring.events} events, ${fmt(b.ring.bytes / 1024 / 1024)} MiB stored (default limits: 10,000 events / 64 MiB)`,
  );
  console.log(`load average at the end: ${loadAvg()} (figures from a busy machine are not comparable)`);
  console.log(
    `targets: start ≤ 100 ms: ${b.startMedian <= 100 ? "met" : "MISSED"} (${fmt(b.startMedian)} ms); idle RSS ≤ 60 MB: ${b.idle <= 60 ? "met" : "MISSED"} (${fmt(b.idle)} MB)`,
  );
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}

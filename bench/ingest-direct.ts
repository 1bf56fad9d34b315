/**
 * Ingest CPU per event in one process, no HTTP: `ingestDirect` (validate, redact, normalize, store)
 * over the file-ops Edit PreToolUse and PostToolUse, a fresh tool id per call, after a warm-up. With another checkout's
 * root as argument, runs it and this tree alternately (each in its own process, with the server's
 * V8 flags) and prints the ratio: the way to tell whether a change costs anything per event.
 *
 *   node --import tsx bench/ingest-direct.ts [/path/to/other/checkout]   (BENCH_ROUNDS, BENCH_EVENTS)
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { NODE_SERVER_FLAGS } from "../src/runtime/node-flags.ts";

const ROOT = join(import.meta.dirname, "..");
const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** One measurement in this process, of the checkout at `root`: CPU µs per event. */
async function measure(root: string): Promise<number> {
  const { createSpanlight } = await import(join(root, "src/server/compose.ts"));
  const { configSchema } = await import(join(root, "src/config/config-schema.ts"));
  const lines = readFileSync(join(root, "test/fixtures/claude-code/file-ops/hooks.jsonl"), "utf8").split("\n");
  const edit = (event: string) => JSON.parse(lines.find((l) => l.includes(`"${event}"`) && l.includes('"Edit"'))!);
  const [pre, post] = [edit("PreToolUse"), edit("PostToolUse")];
  const s = createSpanlight({ config: configSchema.parse({}), log: () => {}, hostName: "bench" });
  const encoder = new TextEncoder();
  const headers = { get: (n: string) => ({ host: "127.0.0.1:9292", "content-type": "application/json" })[n] ?? null };
  // What a busy server sees: each call's Pre and Post with a tool id of its own, over 50 sessions.
  // Bodies are made a chunk at a time, outside the measured CPU.
  const chunk = (from: number) =>
    Array.from({ length: 2000 }, (_, i) => {
      const n = from + (i >> 1);
      return encoder.encode(
        JSON.stringify({ ...(i & 1 ? post : pre), session_id: `s${n % 50}`, tool_use_id: `t${n}` }),
      );
    });
  let us = 0;
  let done = 0;
  let measured = 0;
  for (let ids = 0; done < 20_000 + EVENTS; ids += 1000) {
    const bodies = chunk(ids);
    const c0 = process.cpuUsage();
    for (const body of bodies) s.ingestDirect("hook", body, headers);
    const c = process.cpuUsage(c0);
    // The first 20,000 events warm the JIT up: not counted.
    if (done >= 20_000) {
      us += c.user + c.system;
      measured += bodies.length;
    }
    done += bodies.length;
  }
  return us / measured;
}

if (process.env.BENCH_CHILD) {
  console.log((await measure(process.env.BENCH_CHILD)).toFixed(2));
  process.exit(0);
}

const run = (root: string) =>
  Number(
    execFileSync(process.execPath, [...NODE_SERVER_FLAGS, "--import", "tsx", import.meta.filename], {
      env: { ...process.env, BENCH_CHILD: root },
      encoding: "utf8",
    }).trim(),
  );
const other = process.argv[2];
console.log(`\n## In-process ingest, CPU µs per event (${EVENTS} events per run, ${ROUNDS} rounds)\n`);
console.log(other ? `| round | this tree | ${other} | ratio |\n|---|---|---|---|` : "| round | this tree |\n|---|---|");
for (let r = 1; r <= ROUNDS; r++) {
  const base = other ? run(other) : null;
  const mine = run(ROOT);
  console.log(
    base === null
      ? `| ${r} | ${mine.toFixed(2)} |`
      : `| ${r} | ${mine.toFixed(2)} | ${base.toFixed(2)} | ${(mine / base).toFixed(2)} |`,
  );
}

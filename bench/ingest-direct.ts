/**
 * Ingest CPU per event in one process, no HTTP: `ingestDirect` (validate, redact, normalize, store)
 * over the file-ops Edit PostToolUse with fresh tool ids, after a warm-up. With another checkout's
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
  const payload = JSON.parse(lines.find((l) => l.includes('"PostToolUse"') && l.includes('"Edit"'))!);
  const s = createSpanlight({ config: configSchema.parse({}), log: () => {}, hostName: "bench" });
  const encoder = new TextEncoder();
  const headers = { get: (n: string) => ({ host: "127.0.0.1:9292", "content-type": "application/json" })[n] ?? null };
  // 50 sessions, fresh tool ids: what a busy server sees, not one repeated event.
  const bodies = Array.from({ length: 2000 }, (_, i) =>
    encoder.encode(JSON.stringify({ ...payload, session_id: `s${i % 50}`, tool_use_id: `t${i}` })),
  );
  for (let i = 0; i < 20_000; i++) s.ingestDirect("hook", bodies[i % bodies.length]!, headers);
  const c0 = process.cpuUsage();
  for (let i = 0; i < EVENTS; i++) s.ingestDirect("hook", bodies[i % bodies.length]!, headers);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / EVENTS;
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

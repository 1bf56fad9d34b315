/**
 * Hook latency: how long Claude Code waits per event, for each delivery mode, with the server up
 * and down, beside the floors and the naive hooks measured in the same run.
 *
 *   npx tsx bench/hook-latency.ts            (BENCH_RUNS=500 per row by default)
 *
 * - HTTP mode: request → response of the POST Claude Code's HTTP hook makes (keep-alive, like
 *   its client), against Spanlight and against the floor: a bare node:http server that parses
 *   the JSON and answers 202. Server down: the time until the connection is refused.
 * - Command mode: spawn → exit (and closed output) of `/bin/sh -c <command>`, exactly as Claude
 *   Code runs the command `spanlight init` installs; the floor is the same shape running a bare
 *   `sh` script that only reads its stdin. Hooks are paced: each run starts after the previous
 *   one's background delivery finished, as on an agent that fires a hook every few seconds.
 * - Beside them: a plain `curl` POST and a `python3` urllib POST as synchronous command hooks.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HOOK_SCRIPT_NAMES, hookScript, toHookCommand } from "../src/install/mod.ts";
import { freePort } from "./lib/processes.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 500);
const WARMUP = Math.min(30, RUNS);
const ROOT = join(import.meta.dirname, "..");
const lines = readFileSync(join(ROOT, "test/fixtures/claude-code/file-ops/hooks.jsonl"), "utf8").split("\n");
// The PostToolUse of an Edit: ~0.9 KB, a typical mid-size hook payload.
const BODY = lines.find((l) => l.includes('"PostToolUse"') && l.includes('"Edit"'))!;
// The interpreter behind `python3`, without a version manager's shim in front of every start.
const PYTHON = execFileSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).trim();

type Row = { name: string; server: "up" | "down" | "—"; samples: number[] };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95) };
}

async function startProcess(cmd: string, args: string[], health: string): Promise<ChildProcess> {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: "ignore" });
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(health)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error(`${cmd} ${args.join(" ")} did not come up`);
}

async function stopProcess(child: ChildProcess) {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

type Contender = { name: string; server: Row["server"]; once: () => Promise<void>; between?: () => Promise<void> };

/**
 * Runs the contenders in turn, round after round, so that load from elsewhere on a shared
 * machine falls on all of them alike and the ratios stay meaningful.
 */
async function measureInterleaved(contenders: Contender[]): Promise<Row[]> {
  const rows = contenders.map((c): Row => ({ name: c.name, server: c.server, samples: [] }));
  for (let round = 0; round < WARMUP + RUNS; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (round + k) % contenders.length;
      const c = contenders[i]!;
      const t0 = performance.now();
      await c.once();
      const ms = performance.now() - t0;
      await c.between?.();
      if (round >= WARMUP) rows[i]!.samples.push(ms);
    }
  }
  return rows;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function post(url: string): Promise<void> {
  return new Promise((resolve) => {
    const req = request(url, { method: "POST", agent, headers: { "content-type": "application/json" } }, (res) => {
      res.resume();
      res.on("end", () => resolve());
    });
    req.on("error", () => resolve()); // server down: refused is the answer Claude Code gets
    req.end(BODY);
  });
}

function runCommand(command: string, env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", command], { env, stdio: ["pipe", "pipe", "pipe"] });
    child.stdout.resume();
    child.stderr.resume();
    child.on("error", reject);
    child.on("close", () => resolve());
    child.stdin.end(BODY);
  });
}

/** Waits until the hook's background delivery is over (nothing in flight, no lock, and, when up, nothing left). */
async function spoolSettled(spool: string, up: boolean) {
  for (let i = 0; i < 5000; i++) {
    let names: string[] = [];
    try {
      names = readdirSync(spool);
    } catch {
      // not created yet
    }
    const busy = names.some((n) => n.startsWith(".in.") || n === ".lock" || (up && /^\d/.test(n)));
    if (!busy) return;
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error(`spool ${spool} did not settle`);
}

async function main() {
  const home = mkdtempSync(join(tmpdir(), "spanlight-bench-hooks-"));
  const hooks = join(home, ".spanlight", "hooks");
  mkdirSync(hooks, { recursive: true });
  for (const name of HOOK_SCRIPT_NAMES) writeFileSync(join(hooks, name), hookScript(name), { mode: 0o755 });
  writeFileSync(join(home, "bare.sh"), "#!/bin/sh\ncat >/dev/null\n", { mode: 0o755 });
  const downUrl = `http://127.0.0.1:${await freePort()}/v1/hooks/claude-code`;

  const spanPort = await freePort();
  const barePort = await freePort();
  const spanlight = await startProcess(
    process.execPath,
    ["bin/spanlight.js", "serve", "--port", String(spanPort)],
    `http://127.0.0.1:${spanPort}/health`,
  );
  const bare = await startProcess(
    process.execPath,
    ["bench/lib/baseline-server.mjs", String(barePort)],
    `http://127.0.0.1:${barePort}/`,
  );
  const upUrl = `http://127.0.0.1:${spanPort}/v1/hooks/claude-code`;
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home };
  const rows: Row[] = [];

  try {
    process.stderr.write("measuring http mode…\n");
    rows.push(
      ...(await measureInterleaved([
        {
          name: "floor: bare node:http server (parse JSON, 202)",
          server: "up",
          once: () => post(`http://127.0.0.1:${barePort}/`),
        },
        { name: "http mode: Spanlight's hook endpoint", server: "up", once: () => post(upUrl) },
        { name: "http mode: nothing listening (event lost)", server: "down", once: () => post(downUrl) },
      ])),
    );

    const base = `http://127.0.0.1:${spanPort}`;
    const shHook = toHookCommand({ baseUrl: base, client: "sh", urlInCommand: true });
    const pyHook = toHookCommand({ baseUrl: base, client: "python", urlInCommand: true }).replace(
      "python3 ",
      `${PYTHON} `,
    );
    const hook = (name: string, command: string, up: boolean): Contender => {
      // Separate spools: the down runs' backlog must not ride along with the up runs.
      const spool = join(home, `spool-${name.replace(/\W+/g, "-")}-${up ? "up" : "down"}`);
      const hookEnv = { ...env, SPANLIGHT_SPOOL: spool, ...(up ? {} : { SPANLIGHT_URL: downUrl }) };
      return {
        name,
        server: up ? "up" : "down",
        once: () => runCommand(command, hookEnv),
        between: () => spoolSettled(spool, up),
      };
    };
    const curl = (url: string) =>
      `curl -s -o /dev/null -X POST -H 'content-type: application/json' --data-binary @- '${url}'`;
    const urllib = (url: string) =>
      `${PYTHON} -c 'import sys, urllib.request as u\ntry: u.urlopen(u.Request("${url}", data=sys.stdin.buffer.read(), headers={"content-type": "application/json"}), timeout=5)\nexcept Exception: pass'`;
    process.stderr.write("measuring command mode…\n");
    rows.push(
      ...(await measureInterleaved([
        {
          name: "floor: sh script that only reads stdin",
          server: "—",
          once: () => runCommand(`sh "$HOME/bare.sh"`, env),
        },
        hook("command mode: spanlight-hook.sh", shHook, true),
        hook("command mode: spanlight-hook.sh", shHook, false),
        hook("command mode: spanlight-hook.py", pyHook, true),
        hook("command mode: spanlight-hook.py", pyHook, false),
        { name: "plain curl POST (synchronous)", server: "up", once: () => runCommand(curl(upUrl), env) },
        { name: "plain curl POST (synchronous)", server: "down", once: () => runCommand(curl(downUrl), env) },
        { name: "python3 urllib POST (synchronous)", server: "up", once: () => runCommand(urllib(upUrl), env) },
        { name: "python3 urllib POST (synchronous)", server: "down", once: () => runCommand(urllib(downUrl), env) },
      ])),
    );
  } finally {
    agent.destroy();
    await stopProcess(spanlight);
    await stopProcess(bare);
    rmSync(home, { recursive: true, force: true });
  }

  const httpFloor = stats(rows[0]!.samples);
  const shFloor = stats(rows.find((r) => r.name.startsWith("floor: sh"))!.samples);
  console.log(`\n## Hook latency: what Claude Code waits per event (${RUNS} runs each, ms)\n`);
  console.log("| hook | server | p50 | p95 | p50 / floor | p95 / floor |");
  console.log("|---|---|---:|---:|---:|---:|");
  for (const r of rows) {
    const s = stats(r.samples);
    const floor = r.name.startsWith("http") || r.name.startsWith("floor: bare") ? httpFloor : shFloor;
    console.log(
      `| ${r.name} | ${r.server} | ${s.p50.toFixed(2)} | ${s.p95.toFixed(2)} | ${(s.p50 / floor.p50).toFixed(2)} | ${(s.p95 / floor.p95).toFixed(2)} |`,
    );
  }
  const http = stats(rows[1]!.samples);
  const shUp = stats(rows.find((r) => r.name.endsWith(".sh") && r.server === "up")!.samples);
  const shDown = stats(rows.find((r) => r.name.endsWith(".sh") && r.server === "down")!.samples);
  const targets = [
    ["http mode p50 ≤ 2 × floor p50", http.p50 / httpFloor.p50, 2],
    ["http mode p95 ≤ 3 × floor p95", http.p95 / httpFloor.p95, 3],
    ["command mode (server up) p50 ≤ 1.5 × floor p50", shUp.p50 / shFloor.p50, 1.5],
    ["command mode (server down) p50 ≤ 1.5 × floor p50", shDown.p50 / shFloor.p50, 1.5],
  ] as const;
  console.log("\n| target | ratio | |\n|---|---:|---|");
  for (const [what, ratio, limit] of targets) {
    console.log(`| ${what} | ${ratio.toFixed(2)} | ${ratio <= limit ? "met" : "MISSED"} |`);
  }
}

await main();

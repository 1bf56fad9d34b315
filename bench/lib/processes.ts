import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

// Linux reports CPU time in clock ticks of 1/100 s (CLK_TCK is 100 on every mainstream kernel).
const TICK_US = 10_000;

/** CPU time (user + system, µs) of a process with all its threads, and of its main thread alone (Linux /proc). */
export function cpuOf(pid: number): { processUs: number; mainUs: number } {
  const times = (path: string) => {
    const stat = readFileSync(path, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_US; // utime, stime (fields 14 and 15)
  };
  return { processUs: times(`/proc/${pid}/stat`), mainUs: times(`/proc/${pid}/task/${pid}/stat`) };
}

/**
 * Scheduler figures of a process's main (event-loop) thread (Linux /proc): µs it spent runnable but
 * waiting for a core, and how many times it went to sleep (ran out of work) of its own accord.
 */
export function schedOf(pid: number): { waitUs: number; sleeps: number } {
  const task = `/proc/${pid}/task/${pid}`;
  const waitNs = Number(readFileSync(`${task}/schedstat`, "utf8").split(" ")[1]);
  const sleeps = Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(readFileSync(`${task}/status`, "utf8"))?.[1] ?? 0);
  return { waitUs: waitNs / 1000, sleeps };
}

/** Resident set size of a process in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** Spawns a server process and resolves once `url` answers. */
export async function startProcess(
  cmd: string,
  args: string[],
  url: string,
  env: Record<string, string> = {},
): Promise<ChildProcess> {
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (let i = 0; i < 400; i++) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      return child;
    } catch {
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  child.kill();
  throw new Error(`${cmd} ${args.join(" ")} did not come up at ${url}`);
}

/** The counting OTLP/HTTP receiver (bench/otel-sink.mjs) in its own process, and its traces URL. */
export async function startOtlpSink(): Promise<{ sink: ChildProcess; endpoint: string }> {
  const port = await freePort();
  const sink = await startProcess(
    process.execPath,
    ["bench/otel-sink.mjs", String(port)],
    `http://127.0.0.1:${port}/count`,
  );
  return { sink, endpoint: `http://127.0.0.1:${port}/v1/traces` };
}

export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

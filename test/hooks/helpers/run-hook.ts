import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, vi } from "vitest";

const HOOKS_DIR = join(import.meta.dirname, "..", "..", "..", "hooks");

export type HookVariant = { name: "sh" | "python"; command: string; args: string[] };

// The interpreter behind `python3` on PATH, resolved once: version-manager shims (pyenv) add a
// shell script per start, which slows 50-way parallel runs without changing what is tested.
const PYTHON = execFileSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).trim();

/** Both hook clients, started the way `spanlight init` registers them. */
export const HOOK_VARIANTS: HookVariant[] = [
  { name: "sh", command: "sh", args: [join(HOOKS_DIR, "spanlight-hook.sh")] },
  { name: "python", command: PYTHON, args: ["-I", "-S", join(HOOKS_DIR, "spanlight-hook.py")] },
];

export type HookRun = { code: number | null; stdout: string; stderr: string };

/**
 * Runs one hook with `payload` on stdin, as Claude Code does, and resolves when the hook's
 * process has exited and closed its output: exactly what Claude Code waits for.
 */
export function runHook(variant: HookVariant, payload: string, env: Record<string, string>): Promise<HookRun> {
  return runWithStdin(variant.command, variant.args, payload, { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env });
}

/** A process with `payload` on stdin; resolves with its exit code and output once it closed them. */
export function runWithStdin(
  command: string,
  args: string[],
  payload: string,
  env: Record<string, string>,
): Promise<HookRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    // A process may exit without reading its stdin (a missing script): the write then fails
    // with EPIPE, which is not the process's failure; its exit code and output say what happened.
    child.stdin.on("error", () => {});
    child.stdin.end(payload);
  });
}

export type SpoolState = {
  /** Spooled payload files, oldest first. */
  pending: string[];
  /** Payloads still being written or named. */
  inFlight: number;
  locked: boolean;
  dropped: number;
  rejected: number;
};

function counter(path: string): number {
  return existsSync(path) ? Number(readFileSync(path, "utf8").trim()) : 0;
}

export function readSpool(dir: string): SpoolState {
  const names = existsSync(dir) ? readdirSync(dir) : [];
  return {
    pending: names.filter((n) => /^\d+-\d+\.json$/.test(n)).sort(),
    inFlight: names.filter((n) => n.startsWith(".in.")).length,
    locked: names.includes(".lock"),
    dropped: counter(join(dir, ".dropped")),
    rejected: counter(join(dir, ".rejected")),
  };
}

/** Live processes whose environment mentions `dir` (Linux /proc): hooks run with it and their deliveries. */
function processesWith(dir: string): number[] {
  const found: number[] = [];
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, "latin1").includes(dir)) found.push(Number(pid));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/**
 * Waits until every hook run with `dir` in its environment has ended, background deliveries
 * included: one started late can still take the spool's lock after the spool looked settled,
 * and removing the directory under it then fails.
 */
export async function hooksEnded(dir: string): Promise<void> {
  if (!existsSync("/proc/self/environ")) return;
  await vi.waitFor(() => expect(processesWith(dir)).toEqual([]), { timeout: 20_000, interval: 20 });
}

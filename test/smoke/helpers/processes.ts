import { type ChildProcess, spawn } from "node:child_process";

export type Exit = { code: number | null; signal: NodeJS.Signals | null };

/** A spawned program with its output collected; `waitForOutput` resolves on data, never by polling. */
export type Spawned = {
  child: ChildProcess;
  exited: Promise<Exit>;
  stdout(): string;
  stderr(): string;
  /** `stream`: where to look, stdout by default (the CLI's own lines); stderr holds the log. */
  waitForOutput(pattern: RegExp, stream?: "stdout" | "stderr"): Promise<RegExpMatchArray>;
};

const live = new Set<ChildProcess>();

export function spawnProgram(argv: string[], opts: { env: Record<string, string>; cwd: string }): Spawned {
  const [cmd, ...args] = argv;
  const child = spawn(cmd!, args, { env: opts.env, cwd: opts.cwd, stdio: ["ignore", "pipe", "pipe"] });
  live.add(child);
  let out = "";
  let err = "";
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of listeners) l();
  };
  child.stdout!.on("data", (d) => {
    out += d;
    notify();
  });
  child.stderr!.on("data", (d) => {
    err += d;
    notify();
  });
  const exited = new Promise<Exit>((resolve) => {
    child.on("exit", (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
    child.on("error", (e) => {
      live.delete(child);
      err += `spawn failed: ${e.message}`;
      resolve({ code: null, signal: null });
    });
  });
  let gone = false;
  void exited.then(() => {
    gone = true;
    notify();
  });
  return {
    child,
    exited,
    stdout: () => out,
    stderr: () => err,
    waitForOutput(pattern, stream = "stdout") {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = (stream === "stdout" ? out : err).match(pattern);
          if (m) {
            listeners.delete(check);
            resolve(m);
          } else if (gone) {
            listeners.delete(check);
            reject(new Error(`${argv.join(" ")} exited before printing ${pattern}:\n${out}\n${err}`));
          }
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** Runs a command to completion. */
export async function runProgram(argv: string[], opts: { env: Record<string, string>; cwd: string }) {
  const p = spawnProgram(argv, opts);
  const exit = await p.exited;
  return { ...exit, stdout: p.stdout(), stderr: p.stderr() };
}

/** Kills whatever a test left running (a failed assertion before its SIGTERM). */
export function killAll(): void {
  for (const child of live) child.kill("SIGKILL");
  live.clear();
}

import { type ChildProcess, spawn } from "node:child_process";
import { cpuOf, ROOT, stop } from "./processes.ts";

/**
 * bench/cpu-burner.mjs in its own process, burning about `share` of one core until stopped.
 * `stop` says how much it really burned, in cores (its start-up included: about 0.01 of a core over 5 s).
 */
export function startCpuBurner(share: number): { stop(): Promise<number> } {
  const child: ChildProcess = spawn(process.execPath, ["bench/cpu-burner.mjs", String(share)], {
    cwd: ROOT,
    stdio: "ignore",
  });
  const t0 = performance.now();
  return {
    async stop() {
      let used = 0;
      try {
        used = cpuOf(child.pid!).processUs;
      } catch {
        // it already exited: report nothing burned
      }
      const seconds = (performance.now() - t0) / 1000;
      await stop(child);
      return used / 1e6 / seconds;
    },
  };
}

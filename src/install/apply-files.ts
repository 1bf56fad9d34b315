import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { FileWrite } from "./install-plan.ts";

/** A file's text, or null when it does not exist (any other error is the caller's problem). */
export function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

/**
 * Writes through a temporary file and a rename, so Claude Code (which re-reads settings while it
 * runs) never sees a half-written file, and a failure leaves the old one in place. A file keeps its
 * permissions (settings often hold API keys under `env`, kept 0600); a new one takes those of
 * `modeOf` (a backup, its original's), else 0755 for scripts and 0644.
 */
export function writeFileAtomic(write: FileWrite): void {
  mkdirSync(dirname(write.path), { recursive: true });
  const tmp = `${write.path}.tmp-${process.pid}`;
  const mode = modeIfExists(write.path) ?? modeIfExists(write.modeOf) ?? (write.executable ? 0o755 : 0o644);
  // Created unreadable to others, then given its mode: the text is never readable more widely.
  writeFileSync(tmp, write.text, { mode: mode & 0o700 });
  chmodSync(tmp, mode);
  renameSync(tmp, write.path);
}

function modeIfExists(path: string | undefined): number | null {
  if (path === undefined) return null;
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return null;
  }
}

export function applyWrites(writes: FileWrite[]): void {
  for (const w of writes) writeFileAtomic(w);
}

export function removeFile(path: string): void {
  rmSync(path, { force: true });
}

import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
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
 * runs) never sees a half-written file, and a failure leaves the old one in place.
 */
export function writeFileAtomic(write: FileWrite): void {
  mkdirSync(dirname(write.path), { recursive: true });
  const tmp = `${write.path}.tmp-${process.pid}`;
  writeFileSync(tmp, write.text, { mode: write.executable ? 0o755 : 0o644 });
  if (write.executable) chmodSync(tmp, 0o755);
  renameSync(tmp, write.path);
}

export function applyWrites(writes: FileWrite[]): void {
  for (const w of writes) writeFileAtomic(w);
}

export function removeFile(path: string): void {
  rmSync(path, { force: true });
}

import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, resolve } from "node:path";
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

/** A file `init` or `uninstall` could not read, write or remove; the message is one line for the user. */
export class FileAccessError extends Error {
  constructor(
    readonly action: "read" | "write" | "remove",
    readonly path: string,
    readonly error: NodeJS.ErrnoException,
    /** The file a symlink at `path` leads to, when that is where it failed. */
    readonly target?: string,
  ) {
    const where = target && target !== path ? `${path} (a link to ${target})` : path;
    super(`cannot ${action} ${where}: ${describeFsError(error, [path, target])}`);
    this.name = "FileAccessError";
  }
}

const REASONS: Record<string, string> = {
  EROFS: "read-only file system",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOTDIR: "not a directory",
  EISDIR: "is a directory",
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  ELOOP: "too many levels of symbolic links",
  ENAMETOOLONG: "file name too long",
  EEXIST: "file exists",
  EBUSY: "resource busy",
};

/**
 * "read-only file system", with the path the system call failed on when it is another one (a parent
 * directory); for ENOTDIR, the file that stands where a directory should be.
 */
function describeFsError(err: NodeJS.ErrnoException, named: Array<string | undefined>): string {
  const at = err.path;
  if (err.code === "ENOTDIR" && at) {
    const culprit = fileInTheWay(at);
    if (culprit) return `${culprit} is not a directory`;
  }
  const reason = (err.code && REASONS[err.code]) ?? err.message;
  if (!at || named.some((p) => p !== undefined && (at === p || at.startsWith(`${p}.tmp-`)))) return reason;
  return `${reason} (${at})`;
}

/** The first of `path`'s parent directories that exists but is not a directory. */
function fileInTheWay(path: string): string | null {
  const parents: string[] = [];
  for (let dir = dirname(resolve(path)); dir !== dirname(dir); dir = dirname(dir)) parents.unshift(dir);
  for (const dir of parents) {
    try {
      if (!statSync(dir).isDirectory()) return dir;
    } catch {
      return null;
    }
  }
  return null;
}

/** An error from a file system call (it has an errno code such as ENOENT or EROFS). */
export function isFsError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === "string";
}

/**
 * The file that holds `path`'s text: `path` itself, or where a symlink there leads. Dotfiles
 * managers (stow, chezmoi, home-manager) keep `~/.claude/settings.json` as a link into their
 * repository; writing or removing the link itself would disconnect that copy. A dangling link
 * leads to the file it names (created by a write, as if it had been there empty).
 */
export function resolveTarget(path: string): string {
  try {
    if (!lstatSync(path).isSymbolicLink()) return path;
  } catch {
    return path; // missing (or unreachable: the write itself reports that)
  }
  try {
    return realpathSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err; // a loop: ELOOP
  }
  // Dangling: follow it one link at a time to the missing file (realpath has ruled out a loop).
  return resolveTarget(resolve(dirname(path), readlinkSync(path)));
}

/**
 * Writes through a temporary file and a rename, so Claude Code (which re-reads settings while it
 * runs) never sees a half-written file, and a failure leaves the old one in place. A symlink is
 * written through: the temporary file goes next to the file it leads to, and the link stays. A
 * file keeps its permissions (settings often hold API keys under `env`, kept 0600); a new one
 * takes those of `modeOf` (a backup, its original's), else 0755 for scripts and 0644.
 * Throws FileAccessError when the file cannot be written.
 */
export function writeFileAtomic(write: FileWrite): void {
  let target: string | undefined;
  try {
    target = resolveTarget(write.path);
    mkdirSync(dirname(target), { recursive: true });
    const tmp = `${target}.tmp-${process.pid}`;
    const mode = modeIfExists(target) ?? modeIfExists(write.modeOf) ?? (write.executable ? 0o755 : 0o644);
    try {
      // Created unreadable to others, then given its mode: the text is never readable more widely.
      writeFileSync(tmp, write.text, { mode: mode & 0o700 });
      chmodSync(tmp, mode);
      renameSync(tmp, target);
    } catch (err) {
      try {
        rmSync(tmp, { force: true });
      } catch {
        // Not a file we made: left alone, the first error is the one to report.
      }
      throw err;
    }
  } catch (err) {
    throw isFsError(err) ? new FileAccessError("write", write.path, err, target) : err;
  }
}

function modeIfExists(path: string | undefined): number | null {
  if (path === undefined) return null;
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return null;
  }
}

/**
 * Removes a file; nothing when it is missing. A symlink's target goes and the link stays, as it was
 * before `init` wrote the file through it. Throws FileAccessError when the file cannot be removed.
 */
export function removeFile(path: string): void {
  let target: string | undefined;
  try {
    target = resolveTarget(path);
    rmSync(target, { force: true });
  } catch (err) {
    throw isFsError(err) ? new FileAccessError("remove", path, err, target) : err;
  }
}

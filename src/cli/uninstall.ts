import { existsSync, readdirSync, rmdirSync } from "node:fs";
import { dirname, isAbsolute } from "node:path";
import {
  backupPath,
  dockerEnvFile,
  FileAccessError,
  hooksDir,
  isFsError,
  planUninstall,
  readIfExists,
  removeFile,
  SettingsError,
  settingsPath,
  writeFileAtomic,
} from "../install/mod.ts";
import type { CliIo, Runtime } from "../runtime/runtime.ts";
import { parseArgs, UsageError } from "./args.ts";

export const UNINSTALL_HELP = `Usage: spanlight uninstall [--user | --project] [--dry-run]

Removes exactly the hooks (and env keys) "spanlight init" added; other hooks stay as they are.
When nothing else changed since, the original file is restored byte for byte from its backup.

Options:
  --user      ~/.claude/settings.json (default)
  --project   .claude/settings.json in this directory
  --dry-run   show the changes as a diff; write nothing
  --help      show this help`;

function removeEmptyDir(dir: string): void {
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    // Missing, not empty by now, or not ours to remove: left as it is.
  }
}

/** The env file `init --docker --project` writes holds only Spanlight's variables. */
function isOurEnvFile(text: string | null): boolean {
  if (text === null) return false;
  return text.split("\n").every((l) => l === "" || l.startsWith("SPANLIGHT_"));
}

export async function uninstallCommand(args: string[], io: CliIo & Partial<Runtime>): Promise<number> {
  const { flags } = parseArgs(args, { values: [], switches: ["user", "project", "dry-run", "help"] });
  if (flags.help) {
    io.out(UNINSTALL_HELP);
    return 0;
  }
  if (flags.user && flags.project) throw new UsageError("choose one of --user and --project");
  const scope = flags.project ? "project" : "user";
  if (scope === "user" && !isAbsolute(io.home)) {
    // "" would look for ~/.claude in the current directory.
    io.err(`spanlight uninstall: no home directory to look in (found ${JSON.stringify(io.home)}); set HOME to one`);
    return 1;
  }
  const where = { home: io.home, cwd: io.cwd };
  const path = settingsPath(scope, where);
  const backup = backupPath(path);
  const envFile = scope === "project" ? dockerEnvFile(io.cwd) : null;
  let plan: ReturnType<typeof planUninstall>;
  let removeEnvFile: boolean;
  try {
    plan = planUninstall(scope, where, { settings: readIfExists(path), backup: readIfExists(backup) });
    removeEnvFile = envFile !== null && isOurEnvFile(readIfExists(envFile));
  } catch (err) {
    if (err instanceof SettingsError) {
      io.err(`spanlight uninstall: ${err.message}`);
      return 1;
    }
    if (isFsError(err)) {
      io.err(`spanlight uninstall: ${new FileAccessError("read", err.path ?? path, err).message}`);
      return 1;
    }
    throw err;
  }

  if (!plan.changed && !removeEnvFile) {
    io.out(`No Spanlight hooks in ${path}; nothing to do.`);
    return 0;
  }
  if (flags["dry-run"]) {
    io.out("Dry run: nothing is written.");
    if (plan.changed) io.out(plan.diff.trimEnd());
    if (plan.restoredFromBackup) io.out(`would restore ${path} from ${backup} and remove the backup`);
    if (removeEnvFile) io.out(`would remove ${envFile}`);
    return 0;
  }
  try {
    // The settings first: until they are written nothing has changed, and the backup goes only once
    // the original is back in place.
    if (plan.changed) {
      if (plan.after === null) removeFile(path);
      else writeFileAtomic({ path, text: plan.after });
      io.out(
        plan.after === null
          ? `Removed ${path} (Spanlight had created it).`
          : `Removed Spanlight's hooks from ${path}${plan.restoredFromBackup ? " (original restored from its backup)" : ""}.`,
      );
      if (plan.restoredFromBackup) removeFile(backup);
      else if (existsSync(backup)) {
        io.out(`${backup} holds the file as it was before init, without your later edits; delete it if you like.`);
      }
    }
    if (removeEnvFile && envFile !== null) {
      removeFile(envFile);
      io.out(`Removed ${envFile}.`);
    }
  } catch (err) {
    if (!(err instanceof FileAccessError)) throw err;
    io.err(`spanlight uninstall: ${err.message}`);
    return 1;
  }
  // A project's .claude/ and .spanlight/ that held only what init wrote go too.
  if (scope === "project") for (const dir of [dirname(path), dirname(dockerEnvFile(io.cwd))]) removeEmptyDir(dir);
  io.out(
    `The hook scripts and any undelivered payloads stay in ${hooksDir(io.home).replace(/hooks$/, "")}; delete it if you like.`,
  );
  return 0;
}

export const uninstallCmd = { summary: "remove Spanlight's hooks from Claude Code's settings", run: uninstallCommand };

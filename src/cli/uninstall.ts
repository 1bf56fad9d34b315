import { readdirSync, rmdirSync } from "node:fs";
import { dirname } from "node:path";
import {
  backupPath,
  dockerEnvFile,
  hooksDir,
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
  const where = { home: io.home, cwd: io.cwd };
  const path = settingsPath(scope, where);
  const backup = backupPath(path);
  let plan: ReturnType<typeof planUninstall>;
  try {
    plan = planUninstall(scope, where, { settings: readIfExists(path), backup: readIfExists(backup) });
  } catch (err) {
    if (err instanceof SettingsError) {
      io.err(`spanlight uninstall: ${err.message}`);
      return 1;
    }
    throw err;
  }
  const envFile = scope === "project" ? dockerEnvFile(io.cwd) : null;
  const removeEnvFile = envFile !== null && isOurEnvFile(readIfExists(envFile));

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
  if (plan.changed) {
    if (plan.after === null) removeFile(path);
    else writeFileAtomic({ path, text: plan.after });
    if (plan.restoredFromBackup) removeFile(backup);
    io.out(
      plan.after === null
        ? `Removed ${path} (Spanlight had created it).`
        : `Removed Spanlight's hooks from ${path}${plan.restoredFromBackup ? " (original restored from its backup)" : ""}.`,
    );
    if (!plan.restoredFromBackup && readIfExists(backup) !== null) {
      io.out(`${backup} holds the file as it was before init, without your later edits; delete it if you like.`);
    }
  }
  if (removeEnvFile) {
    removeFile(envFile);
    io.out(`Removed ${envFile}.`);
  }
  // A project's .claude/ and .spanlight/ that held only what init wrote go too.
  if (scope === "project") for (const dir of [dirname(path), dirname(dockerEnvFile(io.cwd))]) removeEmptyDir(dir);
  io.out(
    `The hook scripts and any undelivered payloads stay in ${hooksDir(io.home).replace(/hooks$/, "")}; delete it if you like.`,
  );
  return 0;
}

export const uninstallCmd = { summary: "remove Spanlight's hooks from Claude Code's settings", run: uninstallCommand };

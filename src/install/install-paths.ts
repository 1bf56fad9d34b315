import { join } from "node:path";

export type Scope = "user" | "project";

/** Where Claude Code reads the settings Spanlight edits. */
export function settingsPath(scope: Scope, where: { home: string; cwd: string }): string {
  return scope === "user" ? join(where.home, ".claude", "settings.json") : join(where.cwd, ".claude", "settings.json");
}

/** A stable place for the hook scripts, outside ~/.claude (which containers often bind-mount). */
export function hooksDir(home: string): string {
  return join(home, ".spanlight", "hooks");
}

/** The spool the hook scripts use: SPANLIGHT_SPOOL, else ~/.spanlight/spool (as in the scripts). */
export function spoolDir(env: Record<string, string | undefined>, home: string): string {
  return env.SPANLIGHT_SPOOL || join(home, ".spanlight", "spool");
}

/** The pre-Spanlight settings file, kept once, before the first change. */
export function backupPath(settings: string): string {
  return `${settings}.spanlight-backup`;
}

import { join } from "node:path";
import { toDockerSetup, toEnvFile } from "./docker-snippet.ts";
import { HOOK_SCRIPT_NAMES, hookScript } from "./hook-assets.ts";
import { type HookClient, type HookMode, toHookEntries } from "./hook-entries.ts";
import { backupPath, hooksDir, type Scope, settingsPath } from "./install-paths.ts";
import { toOtelEnv } from "./otel-env.ts";
import { SettingsError } from "./settings-error.ts";
import {
  envConflicts,
  formatSettings,
  parseSettings,
  spanlightHandlers,
  withoutSpanlight,
  withSpanlight,
} from "./settings-merge.ts";
import { toUnifiedDiff } from "./text-diff.ts";

/**
 * What `spanlight init` / `uninstall` would do, computed from the current files without touching
 * them: the CLI shows the plan (`--dry-run`) or applies it. Keeping this pure keeps every rule
 * (idempotency, backups, foreign hooks untouched) testable on plain strings.
 */

/** A file to write; `modeOf` names a file whose permissions a new one takes. */
export type FileWrite = { path: string; text: string; executable?: boolean; modeOf?: string };

export type InitOptions = {
  scope: Scope;
  mode: HookMode;
  /** Spanlight's base URL as seen from the machine running Claude Code (before any docker rewrite). */
  baseUrl: string;
  client: HookClient;
  docker: boolean;
  otel: boolean;
  /** A token is in use: hooks send `Authorization: Bearer $SPANLIGHT_TOKEN`. */
  token: boolean;
  hostName: string;
};

export type Place = { home: string; cwd: string };

export type CurrentFiles = {
  /** The settings file's text; null when it does not exist. */
  settings: string | null;
  backupExists: boolean;
};

export type InitPlan = {
  settingsPath: string;
  before: string | null;
  after: string;
  changed: boolean;
  diff: string;
  /**
   * In the order they must be written: the hook scripts, then the backup, then the settings that run
   * the scripts, so a failure part way never leaves settings pointing at missing scripts, nor a
   * change without its backup.
   */
  writes: FileWrite[];
  /** Base URL the hooks post to (the docker one with --docker). */
  hookBaseUrl: string;
};

export function planInit(options: InitOptions, where: Place, current: CurrentFiles): InitPlan {
  const path = settingsPath(options.scope, where);
  const settings = parseSettings(current.settings, path);
  const port = toPort(options.baseUrl);
  const docker = options.docker ? toDockerSetup({ port, hostHooksDir: hooksDir(where.home) }) : null;
  const hookBaseUrl = docker?.baseUrl ?? options.baseUrl;
  const entries = toHookEntries({
    mode: options.mode,
    baseUrl: hookBaseUrl,
    client: options.client,
    token: options.token || options.docker,
    host: docker
      ? { kind: "env" }
      : options.scope === "user"
        ? { kind: "fixed", name: options.hostName }
        : { kind: "none" },
    urlInCommand: true,
    commandBaseUrl: options.baseUrl,
  });
  const env = options.otel ? toOtelEnv(hookBaseUrl) : {};
  const conflicts = envConflicts(withoutSpanlight(settings, { prune: false }), env);
  if (conflicts.length > 0) {
    throw new SettingsError(
      path,
      `env already sets ${conflicts.join(", ")}; Spanlight does not overwrite your own values`,
    );
  }
  const next = withSpanlight(settings, entries, env);
  const after = formatSettings(next, current.settings);
  const changed = after !== current.settings;

  // Scripts first: when ~/.spanlight cannot be written, the settings and their backup are untouched.
  const writes: FileWrite[] = [];
  for (const name of HOOK_SCRIPT_NAMES) {
    writes.push({ path: join(hooksDir(where.home), name), text: hookScript(name), executable: true });
  }
  if (docker && options.scope === "project") writes.push({ path: dockerEnvFile(where.cwd), text: toEnvFile(docker) });
  // The file as it was before Spanlight: not one an earlier init already wrote its hooks into
  // (re-running init with another mode or URL, after the first run created the file).
  const ours = Object.keys(spanlightHandlers(settings)).length > 0;
  if (changed && current.settings !== null && !current.backupExists && !ours) {
    writes.push({ path: backupPath(path), text: current.settings, modeOf: path });
  }
  if (changed) writes.push({ path, text: after });
  return {
    settingsPath: path,
    before: current.settings,
    after,
    changed,
    diff: toUnifiedDiff(current.settings ?? "", after, current.settings === null ? "/dev/null" : path, path),
    writes,
    hookBaseUrl,
  };
}

/** The URL's port, or the scheme's default one. */
export function toPort(baseUrl: string): number {
  const url = new URL(baseUrl);
  return Number(url.port || (url.protocol === "https:" ? 443 : 80));
}

export function dockerEnvFile(cwd: string): string {
  return join(cwd, ".spanlight", "docker.env");
}

export type UninstallPlan = {
  settingsPath: string;
  before: string | null;
  /** null: delete the settings file (Spanlight created it and nothing else is left). */
  after: string | null;
  changed: boolean;
  /** The backup equals the result, so its exact bytes are restored (and the backup removed). */
  restoredFromBackup: boolean;
  diff: string;
};

export function planUninstall(
  scope: Scope,
  where: Place,
  current: { settings: string | null; backup: string | null },
): UninstallPlan {
  const path = settingsPath(scope, where);
  const unchanged = {
    settingsPath: path,
    before: current.settings,
    after: current.settings,
    changed: false,
    restoredFromBackup: false,
    diff: "",
  };
  if (current.settings === null) return unchanged;
  const settings = parseSettings(current.settings, path);
  const cleaned = withoutSpanlight(settings, { prune: true });
  if (JSON.stringify(cleaned) === JSON.stringify(settings)) return unchanged;

  let after: string | null = formatSettings(cleaned, current.settings);
  let restoredFromBackup = false;
  if (current.backup !== null) {
    let backup: unknown = null;
    try {
      backup = JSON.parse(current.backup);
    } catch {
      // A damaged backup is simply not used.
    }
    if (JSON.stringify(backup) === JSON.stringify(cleaned)) {
      after = current.backup;
      restoredFromBackup = true;
    }
  } else if (Object.keys(cleaned).length === 0) {
    after = null; // no backup: there was no file before Spanlight wrote one
  }
  return {
    settingsPath: path,
    before: current.settings,
    after,
    changed: true,
    restoredFromBackup,
    diff: toUnifiedDiff(current.settings, after ?? "", path, after === null ? "/dev/null" : path),
  };
}

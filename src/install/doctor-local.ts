// `spanlight doctor`'s checks of what is on this machine: settings, scripts, spool.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { readIfExists } from "./apply-files.ts";
import { HOOK_SCRIPT_NAMES, hookScript, hookScriptVersion } from "./hook-assets.ts";
import { DEFAULT_BASE_URL, HOOK_PATH } from "./hook-entries.ts";
import { spanlightEvents } from "./hook-events.ts";
import { hooksDir, type Scope, settingsPath, spoolDir } from "./install-paths.ts";
import { SettingsError } from "./settings-error.ts";
import { parseSettings, spanlightHandlers } from "./settings-merge.ts";

/** One line of `spanlight doctor`: what was checked, what was found, and how to fix it. */
export type Check = { status: "ok" | "warn" | "fail"; title: string; detail?: string; fix?: string };

export type DoctorOptions = {
  home: string;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Overrides the URL found in the settings. */
  url: string | null;
  token: string | null;
  /** How long to wait for the test event to show up in the server. */
  arrivalTimeoutMs?: number;
};

export type Installed = {
  scope: Scope;
  path: string;
  handlers: Record<string, Record<string, unknown>[]>;
  env: Record<string, unknown>;
};

export function toBaseUrl(endpoint: string): string {
  return endpoint.endsWith(HOOK_PATH) ? endpoint.slice(0, -HOOK_PATH.length) : endpoint.replace(/\/+$/, "");
}

export function findInstalled(options: DoctorOptions, checks: Check[]): Installed | null {
  let found: Installed | null = null;
  // Run in the home directory, the project's settings are the user's own: one file, user scope.
  const sameFile = settingsPath("project", options) === settingsPath("user", options);
  for (const scope of sameFile ? (["user"] as const) : (["project", "user"] as const)) {
    const path = settingsPath(scope, options);
    try {
      const settings = parseSettings(readIfExists(path), path);
      const handlers = spanlightHandlers(settings);
      const env = (settings.env ?? {}) as Record<string, unknown>;
      if (Object.keys(handlers).length > 0 && !found) found = { scope, path, handlers, env };
    } catch (err) {
      if (!(err instanceof SettingsError)) throw err;
      checks.push({
        status: "fail",
        title: `Settings file ${path} cannot be read`,
        detail: err.reason,
        fix: "Fix the JSON.",
      });
    }
  }
  const both =
    !sameFile &&
    (["project", "user"] as const).every(
      (scope) => Object.keys(handlersIn(settingsPath(scope, options)) ?? {}).length > 0,
    );
  if (both) {
    checks.push({
      status: "warn",
      title: "Spanlight hooks are in both the project's and your user settings",
      detail: `${settingsPath("project", options)} and ${settingsPath("user", options)}: Claude Code runs the hooks of both (identical HTTP hooks once), so events can arrive twice`,
      fix: "Keep one: spanlight uninstall --project, or spanlight uninstall (user settings).",
    });
  }
  if (!found) {
    checks.push({
      status: "fail",
      title: "No Spanlight hooks in Claude Code's settings",
      detail: `looked in ${settingsPath("project", options)} and ${settingsPath("user", options)}`,
      fix: "Run: spanlight init",
    });
    return null;
  }
  const missing = spanlightEvents().filter((e) => !found.handlers[e]);
  const modes = new Set(Object.values(found.handlers).flatMap((hs) => hs.map((h) => h.type)));
  checks.push({
    status: missing.length > 0 ? "warn" : "ok",
    title: `Spanlight hooks in ${found.path}`,
    detail: `${Object.keys(found.handlers).length} events, ${modes.has("http") ? "http mode" : "command mode"}${missing.length > 0 ? `; missing: ${missing.join(", ")}` : ""}`,
    ...(missing.length > 0 ? { fix: "Run spanlight init again to add the missing events." } : {}),
  });
  return found;
}

/** Spanlight's handlers in a settings file, or null when it cannot be read. */
function handlersIn(path: string): Record<string, unknown[]> | null {
  try {
    return spanlightHandlers(parseSettings(readIfExists(path), path));
  } catch {
    return null;
  }
}

/** The base URL the installed hooks post to, as the hook itself resolves it (env beats the baked-in URL). */
export function hookBaseUrl(installed: Installed | null, options: DoctorOptions): string {
  if (options.url) return toBaseUrl(options.url);
  for (const hs of Object.values(installed?.handlers ?? {})) {
    for (const h of hs) if (h.type === "http" && typeof h.url === "string") return toBaseUrl(h.url);
  }
  if (options.env.SPANLIGHT_URL) return toBaseUrl(options.env.SPANLIGHT_URL);
  for (const hs of Object.values(installed?.handlers ?? {})) {
    for (const h of hs) {
      const m = typeof h.command === "string" ? /SPANLIGHT_URL:-([^}]+)\}/.exec(h.command) : null;
      if (m) return toBaseUrl(m[1]!);
    }
  }
  return DEFAULT_BASE_URL;
}

export function checkScripts(home: string, checks: Check[]): void {
  const dir = hooksDir(home);
  const problems: string[] = [];
  for (const name of HOOK_SCRIPT_NAMES) {
    const text = readIfExists(join(dir, name));
    if (text === null) problems.push(`${name} is missing`);
    else if (text !== hookScript(name)) {
      const [theirs, ours] = [hookScriptVersion(text) ?? "?", hookScriptVersion(hookScript(name))];
      problems.push(
        theirs === ours
          ? `${name} differs from the one this spanlight ships`
          : `${name} is version ${theirs}, this spanlight ships ${ours}`,
      );
    }
  }
  checks.push(
    problems.length === 0
      ? { status: "ok", title: `Hook scripts are current in ${dir}` }
      : {
          status: "fail",
          title: `Hook scripts in ${dir}`,
          detail: problems.join("; "),
          fix: "Run spanlight init to rewrite them.",
        },
  );
}

export function checkSpool(options: DoctorOptions, checks: Check[]): void {
  const dir = spoolDir(options.env, options.home);
  const names = existsSync(dir) ? readdirSync(dir) : [];
  const pending = names.filter((n) => /^\d+-\d+\.json$/.test(n)).sort();
  const count = (name: string) => Number(readIfExists(join(dir, name))?.trim() ?? 0) || 0;
  const dropped = count(".dropped");
  const rejected = count(".rejected");
  const lost = [
    dropped > 0 ? `${dropped} dropped when it was full` : "",
    rejected > 0 ? `${rejected} rejected by the server` : "",
  ]
    .filter(Boolean)
    .join(", ");
  if (pending.length === 0) {
    checks.push({
      status: lost ? "warn" : "ok",
      title: `Spool ${dir} is empty`,
      ...(lost ? { detail: `earlier: ${lost}` } : {}),
    });
    return;
  }
  const oldest = new Date(Number(BigInt(pending[0]!.split("-")[0]!) / 1_000_000n)).toISOString();
  checks.push({
    status: "warn",
    title: `${pending.length} payload${pending.length === 1 ? "" : "s"} waiting in the spool ${dir}`,
    detail: `oldest from ${oldest}${lost ? `; earlier: ${lost}` : ""}`,
    fix: "The next hook delivers them once the server is reachable.",
  });
}

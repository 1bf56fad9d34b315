import { fnv1a32 } from "../text/fnv1a.ts";
import type { HookEntries } from "./hook-entries.ts";
import { isSpanlightHandler } from "./hook-entries.ts";
import { locateJsonError } from "./json-error.ts";
import { SettingsError } from "./settings-error.ts";

/**
 * Pure edits of a Claude Code settings object. Spanlight only ever appends matcher groups of its
 * own (recognised by `isSpanlightHandler`) and env keys it lists in MANAGED_ENV_KEY, so removing
 * exactly those restores what was there before, and foreign hooks are never touched.
 */
export type Settings = Record<string, unknown>;

/**
 * Env key that lists the env keys Spanlight added, each with a hash of the value it wrote
 * (`KEY=1a2b3c4d,…`), so uninstall removes only those, and only while they still hold that value:
 * a value the user changed afterwards is theirs. (A bare `KEY`, from older versions, is removed.)
 */
export const MANAGED_ENV_KEY = "SPANLIGHT_MANAGED_ENV";

/** FNV-1a, 32 bits, hex: enough to tell a value Spanlight wrote from one the user changed. */
function valueHash(value: unknown): string {
  return fnv1a32(typeof value === "string" ? value : JSON.stringify(value));
}

/** Keys Spanlight may remove now: listed, and unchanged since it wrote them. */
function removableEnvKeys(env: Record<string, unknown>): Set<string> {
  const keys = new Set<string>();
  for (const entry of String(env[MANAGED_ENV_KEY]).split(",")) {
    const [key, hash] = entry.split("=");
    if (key && (hash === undefined || valueHash(env[key]) === hash)) keys.add(key);
  }
  return keys;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Parses and checks the parts Spanlight edits; a missing file (`null`) is an empty settings object. */
export function parseSettings(text: string | null, path: string): Settings {
  if (text === null || text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new SettingsError(path, `not valid JSON (${locateJsonError(text) || (err as Error).message})`);
  }
  if (!isObject(value)) throw new SettingsError(path, "the top level is not a JSON object");
  if (value.hooks !== undefined) {
    if (!isObject(value.hooks)) throw new SettingsError(path, '"hooks" is not an object');
    for (const [event, groups] of Object.entries(value.hooks)) {
      if (!Array.isArray(groups)) throw new SettingsError(path, `"hooks.${event}" is not a list`);
    }
  }
  if (value.env !== undefined && !isObject(value.env)) throw new SettingsError(path, '"env" is not an object');
  return value;
}

function hasSpanlightHandler(group: unknown): boolean {
  return isObject(group) && Array.isArray(group.hooks) && group.hooks.some(isSpanlightHandler);
}

function withoutSpanlightHandlers(group: unknown): unknown {
  if (!hasSpanlightHandler(group)) return group;
  const g = group as Record<string, unknown>;
  return { ...g, hooks: (g.hooks as unknown[]).filter((h) => !isSpanlightHandler(h)) };
}

function isEmptyGroup(group: unknown): boolean {
  return isObject(group) && Array.isArray(group.hooks) && group.hooks.length === 0;
}

/**
 * Settings without anything Spanlight added. `prune` (uninstall) also drops the lists and objects
 * that Spanlight's removal left empty; re-installing keeps them so every key stays where it was.
 */
export function withoutSpanlight(settings: Settings, { prune }: { prune: boolean }): Settings {
  const out: Settings = { ...settings };
  if (isObject(settings.hooks)) {
    const hooks: Record<string, unknown> = {};
    for (const [event, groups] of Object.entries(settings.hooks)) {
      const list = groups as unknown[];
      const kept = list
        .map((g) => (hasSpanlightHandler(g) ? withoutSpanlightHandlers(g) : g))
        .filter((g, i) => !(isEmptyGroup(g) && hasSpanlightHandler(list[i])));
      if (prune && kept.length === 0 && list.length > 0) continue;
      hooks[event] = kept;
    }
    if (prune && Object.keys(hooks).length === 0 && Object.keys(settings.hooks).length > 0) delete out.hooks;
    else out.hooks = hooks;
  }
  if (isObject(settings.env) && typeof settings.env[MANAGED_ENV_KEY] === "string") {
    const managed = removableEnvKeys(settings.env);
    const env: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(settings.env)) if (k !== MANAGED_ENV_KEY && !managed.has(k)) env[k] = v;
    if (prune && Object.keys(env).length === 0) delete out.env;
    else out.env = env;
  }
  return out;
}

/** Env keys already set to something else: Spanlight will not overwrite a user's own setting. */
export function envConflicts(settings: Settings, env: Record<string, string>): string[] {
  const current = isObject(settings.env) ? settings.env : {};
  return Object.entries(env)
    .filter(([k, v]) => k in current && current[k] !== v)
    .map(([k]) => `${k}=${JSON.stringify(current[k])}`);
}

/**
 * Settings with Spanlight's entries: any earlier Spanlight entries are replaced (so running
 * `init` twice gives the same file), new groups go after the user's own.
 */
export function withSpanlight(settings: Settings, entries: HookEntries, env: Record<string, string> = {}): Settings {
  const out = withoutSpanlight(settings, { prune: false });
  const hooks: Record<string, unknown> = isObject(out.hooks) ? { ...out.hooks } : {};
  for (const [event, groups] of Object.entries(entries)) {
    hooks[event] = [...((hooks[event] as unknown[] | undefined) ?? []), ...(groups ?? [])];
  }
  out.hooks = hooks;
  const added = Object.keys(env).filter((k) => !(isObject(out.env) && k in out.env));
  if (added.length > 0) {
    const managed = added.map((k) => `${k}=${valueHash(env[k])}`).join(",");
    out.env = { ...(isObject(out.env) ? out.env : {}), ...env, [MANAGED_ENV_KEY]: managed };
  } else if (isObject(out.env) && Object.keys(out.env).length === 0 && isObject(settings.env)) {
    // Only Spanlight's keys were there, and this install adds none.
    if (MANAGED_ENV_KEY in settings.env) delete out.env;
  }
  return out;
}

/** True when the settings hold any Spanlight hook. */
export function hasSpanlight(settings: Settings): boolean {
  if (!isObject(settings.hooks)) return false;
  return Object.values(settings.hooks).some((groups) => (groups as unknown[]).some(hasSpanlightHandler));
}

/** Spanlight's handlers per event, as found in the settings (for `doctor`). */
export function spanlightHandlers(settings: Settings): Record<string, Record<string, unknown>[]> {
  const found: Record<string, Record<string, unknown>[]> = {};
  if (!isObject(settings.hooks)) return found;
  for (const [event, groups] of Object.entries(settings.hooks)) {
    for (const g of groups as unknown[]) {
      if (!isObject(g) || !Array.isArray(g.hooks)) continue;
      const mine = g.hooks.filter(isSpanlightHandler) as Record<string, unknown>[];
      if (mine.length > 0) found[event] = [...(found[event] ?? []), ...mine];
    }
  }
  return found;
}

/** JSON in the file's own indentation (two spaces for a new file), ending with a newline. */
export function formatSettings(settings: Settings, original: string | null): string {
  const indent = original ? (/\n([ \t]+)\S/.exec(original)?.[1] ?? "  ") : "  ";
  return `${JSON.stringify(settings, null, indent)}\n`;
}

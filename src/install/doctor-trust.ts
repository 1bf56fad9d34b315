// What `spanlight doctor` may run and whom it may contact. A project's `.claude/settings.json`
// comes with the repository: Claude Code runs its hooks only after the user trusts the folder,
// and fills in only the variables a hook lists in `allowedEnvVars`. Doctor asks no such question,
// so it runs only the commands `spanlight init` writes, sends the token and test events only to a
// server the user named (flag, environment, their own settings) or one on this machine, and fills
// in only the variables init's hooks use.

import { isLoopbackHost } from "../config/loopback.ts";
import type { DoctorOptions, Installed } from "./doctor-local.ts";
import { DEFAULT_BASE_URL, HOOK_CLIENTS, toHookCommand } from "./hook-entries.ts";

/** The variables init's HTTP hooks interpolate; doctor fills in no others. */
const HEADER_VARS = new Set(["CLAUDE_INSTANCE_ID", "SPANLIGHT_WORKFLOW_ID", "SPANLIGHT_NODE_ID", "HOSTNAME"]);

/** Whether `command` is exactly one `spanlight init` writes (it runs the user's own hook script). */
export function isInitCommand(command: string): boolean {
  const baked = /^SPANLIGHT_URL="\$\{SPANLIGHT_URL:-(.*?)\}" /.exec(command);
  // Unescape what toHookCommand escaped; regenerating the command below proves the round trip.
  const url = baked ? baked[1]!.replace(/\\(.)/g, "$1") : null;
  const base = url?.replace(/\/v1\/hooks\/claude-code$/, "") ?? DEFAULT_BASE_URL;
  return HOOK_CLIENTS.some((client) => toHookCommand({ baseUrl: base, client, urlInCommand: true }) === command);
}

/** Whether doctor may send the token and test events to `url`, found in (or near) `installed`. */
export function mayContact(url: string, installed: Installed | null, options: DoctorOptions): boolean {
  if (options.url || !installed || installed.scope === "user") return true;
  const origin = originOf(url);
  if (origin === null) return false;
  if (options.env.SPANLIGHT_URL && origin === originOf(options.env.SPANLIGHT_URL)) return true;
  return isLoopbackHost(new URL(url).hostname);
}

/** An HTTP hook header as Claude Code would send it: `$VAR` / `${VAR}` filled in for listed, known variables. */
export function headerValue(
  value: string,
  allowed: unknown,
  env: Record<string, string | undefined>,
  token: string | null,
): string {
  const listed = new Set(Array.isArray(allowed) ? allowed : []);
  return value.replace(/\$\{?(\w+)\}?/g, (_, name: string) => {
    if (!listed.has(name)) return "";
    if (name === "SPANLIGHT_TOKEN") return token ?? env[name] ?? "";
    return HEADER_VARS.has(name) ? (env[name] ?? "") : "";
  });
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

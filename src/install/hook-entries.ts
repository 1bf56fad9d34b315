import type { HookEventName } from "../schema/hook-payload.ts";
import { COMMAND_ONLY_EVENTS, spanlightEvents } from "./hook-events.ts";

export const HOOK_MODES = ["http", "command"] as const;
export type HookMode = (typeof HOOK_MODES)[number];
export const HOOK_CLIENTS = ["sh", "python"] as const;
export type HookClient = (typeof HOOK_CLIENTS)[number];

export const DEFAULT_BASE_URL = "http://127.0.0.1:9292";
export const HOOK_PATH = "/v1/hooks/claude-code";

// A hook returns in milliseconds; the timeouts only bound what a broken network could cost.
// HTTP hooks fail fast on a refused connection, and 2 s keeps a black-holed one from stalling a turn.
const HTTP_TIMEOUT_S = 2;
const COMMAND_TIMEOUT_S = 5;

/** How `spanlight init` recognises its own hooks: a trailing comment on commands, a header on HTTP hooks. */
export const COMMAND_MARK = "# spanlight";
export const HTTP_MARK_HEADER = "X-Spanlight-Hook";

export type HttpHook = {
  type: "http";
  url: string;
  timeout: number;
  headers: Record<string, string>;
  allowedEnvVars: string[];
};
export type CommandHook = { type: "command"; command: string; timeout: number };
export type HookHandler = HttpHook | CommandHook;
export type MatcherGroup = { matcher: string; hooks: HookHandler[] };
export type HookEntries = Partial<Record<HookEventName, MatcherGroup[]>>;

export type EntryOptions = {
  mode: HookMode;
  /** Spanlight's base URL as Claude Code reaches it. */
  baseUrl: string;
  client: HookClient;
  /** Send `Authorization: Bearer $SPANLIGHT_TOKEN` (HTTP hooks interpolate it; command hooks read the env). */
  token: boolean;
  /**
   * Where the host name comes from in HTTP hooks: a fixed name (user settings on one machine),
   * `$HOSTNAME` (containers: Docker sets it to the container id), or nothing (shared project settings).
   */
  host: { kind: "fixed"; name: string } | { kind: "env" } | { kind: "none" };
  /** Bake the URL into command hooks (the environment's SPANLIGHT_URL still wins). */
  urlInCommand: boolean;
  /**
   * The URL command hooks bake in, when it differs from `baseUrl`: with --docker, HTTP hooks post
   * to the host from the container, while the command hook posts where the host reaches Spanlight
   * unless the container's SPANLIGHT_URL says otherwise (the same project settings serve both).
   */
  commandBaseUrl?: string;
};

export function toHookUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, "")}${HOOK_PATH}`;
}

/** Text placed inside double quotes in `sh`: only these four characters are special there. */
function shEscapeInQuotes(value: string): string {
  return value.replace(/[\\"$`]/g, "\\$&");
}

/** The command line Claude Code runs (through `/bin/sh -c`) for the command hook. */
export function toHookCommand(options: Pick<EntryOptions, "baseUrl" | "client" | "urlInCommand">): string {
  const url = toHookUrl(options.baseUrl);
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
  const dir = "${SPANLIGHT_HOOKS_DIR:-$HOME/.spanlight/hooks}";
  const run =
    options.client === "python" ? `python3 -I -S "${dir}/spanlight-hook.py"` : `sh "${dir}/spanlight-hook.sh"`;
  // The environment still wins over the baked-in URL, so a container can point elsewhere.
  const bake = options.urlInCommand && url !== toHookUrl(DEFAULT_BASE_URL);
  const prefix = bake ? `SPANLIGHT_URL="\${SPANLIGHT_URL:-${shEscapeInQuotes(url)}}" ` : "";
  // Exit 2 is a decision to Claude Code (it blocks the tool, erases the prompt, keeps a Stop
  // going), and dash exits 2 when the script is missing: a project settings file shared with
  // someone without the scripts, or a container without the mount. The hook itself always exits 0.
  return `${prefix}${run} || true ${COMMAND_MARK}`;
}

function toHttpHook(options: EntryOptions): HttpHook {
  const headers: Record<string, string> = {
    [HTTP_MARK_HEADER]: "http",
    "X-Spanlight-Agent": "$CLAUDE_INSTANCE_ID",
    "X-Spanlight-Workflow": "$SPANLIGHT_WORKFLOW_ID",
    "X-Spanlight-Node": "$SPANLIGHT_NODE_ID",
  };
  const allowedEnvVars = ["CLAUDE_INSTANCE_ID", "SPANLIGHT_WORKFLOW_ID", "SPANLIGHT_NODE_ID"];
  if (options.host.kind === "fixed") headers["X-Spanlight-Host"] = options.host.name;
  if (options.host.kind === "env") {
    headers["X-Spanlight-Host"] = "$HOSTNAME";
    headers["X-Spanlight-Container"] = "$HOSTNAME";
    allowedEnvVars.push("HOSTNAME");
  }
  if (options.token) {
    headers.Authorization = "Bearer $SPANLIGHT_TOKEN";
    allowedEnvVars.push("SPANLIGHT_TOKEN");
  }
  return { type: "http", url: toHookUrl(options.baseUrl), timeout: HTTP_TIMEOUT_S, headers, allowedEnvVars };
}

/**
 * Spanlight's hook entries per event: HTTP hooks (no process per event) wherever Claude Code
 * allows them in `http` mode, the spooling command hook everywhere else.
 */
export function toHookEntries(options: EntryOptions): HookEntries {
  const commandLine = toHookCommand({ ...options, baseUrl: options.commandBaseUrl ?? options.baseUrl });
  const command: CommandHook = { type: "command", command: commandLine, timeout: COMMAND_TIMEOUT_S };
  const entries: HookEntries = {};
  for (const event of spanlightEvents()) {
    const handler = options.mode === "http" && !COMMAND_ONLY_EVENTS.has(event) ? toHttpHook(options) : command;
    entries[event] = [{ matcher: "*", hooks: [handler] }];
  }
  return entries;
}

export function isSpanlightHandler(handler: unknown): boolean {
  if (!handler || typeof handler !== "object") return false;
  const h = handler as Record<string, unknown>;
  if (h.type === "command" && typeof h.command === "string") return h.command.trimEnd().endsWith(COMMAND_MARK);
  if (h.type === "http" && h.headers && typeof h.headers === "object") {
    return Object.keys(h.headers).some((k) => k.toLowerCase() === HTTP_MARK_HEADER.toLowerCase());
  }
  return false;
}

import { accessSync, constants } from "node:fs";
import { hostname } from "node:os";
import { delimiter, isAbsolute, join } from "node:path";
import {
  backupPath,
  COMMAND_ONLY_EVENTS,
  DEFAULT_BASE_URL,
  dockerEnvFile,
  FileAccessError,
  HOOK_CLIENTS,
  HOOK_MODES,
  type HookClient,
  type HookMode,
  hooksDir,
  type InitPlan,
  isFsError,
  planInit,
  readIfExists,
  removeFile,
  SettingsError,
  SKIPPED_EVENTS,
  settingsPath,
  spanlightEvents,
  toDockerSetup,
  toDockerText,
  toPort,
  writeFileAtomic,
} from "../install/mod.ts";
import type { CliIo, Runtime } from "../runtime/runtime.ts";
import { parseArgs, UsageError } from "./args.ts";

export const INIT_HELP = `Usage: spanlight init [--user | --project] [--mode http|command] [--url URL] [options]

Adds Spanlight's hooks to Claude Code's settings without touching other hooks. Running it again
replaces them (same result); "spanlight uninstall" removes exactly what it added.

Options:
  --user            ~/.claude/settings.json (default)
  --project         .claude/settings.json in this directory
  --mode http       native HTTP hooks, no process per event (default); SessionStart and Setup,
                    which only take command hooks, use the spooling command hook
  --mode command    the spooling command hook for every event: nothing is lost while the server
                    is down, and it works where Claude Code cannot reach the URL directly
  --url URL         Spanlight's address (default ${DEFAULT_BASE_URL})
  --client sh|python  command hook variant (default: sh when curl is installed, else python)
  --token T         the server needs a token: hooks send Authorization from $SPANLIGHT_TOKEN
                    (the token itself is never written to a file; SPANLIGHT_TOKEN also enables this)
  --docker          set up for an agent in a container (defaults to --mode command); prints the
                    docker run options, and with --project writes .spanlight/docker.env
  --otel            also make Claude Code send its own OpenTelemetry to Spanlight (env block)
  --dry-run         show the changes as a diff; write nothing
  --help            show this help

Skipped events: ${Object.keys(SKIPPED_EVENTS).join(", ")} (registering them changes how Claude Code behaves).`;

/** Accepts a base URL or the full hook endpoint; returns the base URL without a trailing slash. */
export function parseBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--url ${JSON.stringify(value)} is not a URL (expected e.g. ${DEFAULT_BASE_URL})`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError("--url must be http:// or https://");
  if (url.search || url.hash || url.username) throw new UsageError("--url takes no query, fragment or credentials");
  const path = url.pathname.replace(/\/+$/, "").replace(/\/(v1\/hooks\/claude-code|hooks)$/, "");
  return `${url.origin}${path}`;
}

function onPath(env: Record<string, string | undefined>, program: string): boolean {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, program), constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

/** sh + curl is the fastest hook; images without curl get the Python variant. */
function detectClient(env: Record<string, string | undefined>): HookClient {
  return onPath(env, "curl") || !onPath(env, "python3") ? "sh" : "python";
}

function oneOf<T extends string>(flag: string, value: string | true | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !allowed.includes(value as T)) {
    throw new UsageError(`--${flag} must be one of ${allowed.join(", ")}`);
  }
  return value as T;
}

function summary(plan: InitPlan, mode: HookMode): string {
  const events = spanlightEvents();
  const http = mode === "http" ? events.filter((e) => !COMMAND_ONLY_EVENTS.has(e)).length : 0;
  const how =
    mode === "http"
      ? `${http} events as HTTP hooks, ${events.length - http} (${[...COMMAND_ONLY_EVENTS].join(", ")}) via the command hook`
      : `${events.length} events via the spooling command hook`;
  return `${plan.changed ? "Installed" : "Already installed, nothing changed:"} Spanlight hooks in ${plan.settingsPath} (${how}), posting to ${plan.hookBaseUrl}.`;
}

/**
 * Writes the plan's files in their order (scripts, backup, settings); returns the error that
 * stopped it. A backup made for a settings change that then failed is removed again: left there,
 * uninstall would take it for the file as it was before init.
 */
function applyInOrder(plan: InitPlan): FileAccessError | null {
  const backup = backupPath(plan.settingsPath);
  let backedUp = false;
  try {
    for (const w of plan.writes) {
      writeFileAtomic(w);
      if (w.path === backup) backedUp = true;
    }
    return null;
  } catch (err) {
    if (!(err instanceof FileAccessError)) throw err;
    if (backedUp) {
      try {
        removeFile(backup);
      } catch {
        // It holds the settings as they still are: harmless.
      }
    }
    return err;
  }
}

export async function initCommand(args: string[], io: CliIo & Partial<Runtime>): Promise<number> {
  const { flags } = parseArgs(args, {
    values: ["mode", "url", "client", "token"],
    switches: ["user", "project", "docker", "otel", "dry-run", "help"],
  });
  if (flags.help) {
    io.out(INIT_HELP);
    return 0;
  }
  if (flags.user && flags.project) throw new UsageError("choose one of --user and --project");
  if (!isAbsolute(io.home)) {
    // "" would put ~/.claude and ~/.spanlight in the current directory.
    io.err(`spanlight init: no home directory to install into (found ${JSON.stringify(io.home)}); set HOME to one`);
    return 1;
  }
  const docker = flags.docker === true;
  const mode = oneOf("mode", flags.mode, HOOK_MODES) ?? (docker ? "command" : "http");
  const client = oneOf("client", flags.client, HOOK_CLIENTS) ?? detectClient(io.env);
  const baseUrl = parseBaseUrl(typeof flags.url === "string" ? flags.url : DEFAULT_BASE_URL);
  const scope = flags.project ? "project" : "user";
  const where = { home: io.home, cwd: io.cwd };
  const options = {
    scope,
    mode,
    baseUrl,
    client,
    docker,
    otel: flags.otel === true,
    token: typeof flags.token === "string" || !!io.env.SPANLIGHT_TOKEN,
    hostName: io.hostName?.() ?? hostname(),
  } as const;

  let plan: InitPlan;
  try {
    const path = settingsPath(scope, where);
    plan = planInit(options, where, {
      settings: readIfExists(path),
      backupExists: readIfExists(backupPath(path)) !== null,
    });
  } catch (err) {
    if (err instanceof SettingsError) {
      io.err(`spanlight init: ${err.message}`);
      return 1;
    }
    if (isFsError(err)) {
      io.err(`spanlight init: ${new FileAccessError("read", err.path ?? settingsPath(scope, where), err).message}`);
      return 1;
    }
    throw err;
  }

  if (flags["dry-run"]) {
    io.out(`Dry run: nothing is written. ${summary(plan, mode).replace(/^Installed/, "Would install")}`);
    io.out(plan.changed ? plan.diff.trimEnd() : "(settings already up to date)");
    for (const w of plan.writes) if (w.path !== plan.settingsPath) io.out(`would write ${w.path}`);
  } else {
    const failure = applyInOrder(plan);
    if (failure) {
      io.err(`spanlight init: ${failure.message}`);
      return 1;
    }
    io.out(summary(plan, mode));
    if (plan.writes.some((w) => w.path === backupPath(plan.settingsPath))) {
      io.out(`The original settings are kept in ${backupPath(plan.settingsPath)}.`);
    }
    io.out(`Hook scripts: ${hooksDir(io.home)}/`);
  }
  if (options.token && !docker) {
    io.out("Claude Code must run with SPANLIGHT_TOKEN in its environment: the hooks read the token from there.");
  }
  if (options.otel) {
    io.out(
      `Claude Code will also export its own telemetry (tokens, cost, LLM requests) over OTLP/HTTP JSON to ${plan.hookBaseUrl}.`,
    );
    if (options.token) {
      // The token stays out of settings files; OTLP exporters read their headers from the environment.
      io.out(
        'Its OTLP exports need the token too: start Claude Code with OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer%20$SPANLIGHT_TOKEN" in its environment.',
      );
    }
  }
  if (docker) {
    const setup = toDockerSetup({ port: toPort(baseUrl), hostHooksDir: hooksDir(io.home) });
    io.out(toDockerText(setup, mode, scope === "project" ? dockerEnvFile(io.cwd) : null));
  }
  io.out("Restart running Claude Code sessions to pick up the hooks; check everything with: spanlight doctor");
  return 0;
}

export const initCmd = { summary: "add Spanlight's hooks to Claude Code's settings", run: initCommand };

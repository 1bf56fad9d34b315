import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
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

type Installed = {
  scope: Scope;
  path: string;
  handlers: Record<string, Record<string, unknown>[]>;
  env: Record<string, unknown>;
};

function toBaseUrl(endpoint: string): string {
  return endpoint.endsWith(HOOK_PATH) ? endpoint.slice(0, -HOOK_PATH.length) : endpoint.replace(/\/+$/, "");
}

function findInstalled(options: DoctorOptions, checks: Check[]): Installed | null {
  let found: Installed | null = null;
  for (const scope of ["project", "user"] as const) {
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

/** The base URL the installed hooks post to, as the hook itself resolves it (env beats the baked-in URL). */
function hookBaseUrl(installed: Installed | null, options: DoctorOptions): string {
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

async function checkServer(base: string, token: string | null, checks: Check[]): Promise<boolean> {
  try {
    const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(3000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const health = (await res.json()) as { version?: string; uptime?: number; buffer?: { events?: number } };
    checks.push({
      status: "ok",
      title: `Server is up at ${base}`,
      detail: `version ${health.version}, up ${Math.round(health.uptime ?? 0)} s, ${health.buffer?.events ?? 0} events held`,
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    checks.push({
      status: "fail",
      title: `Server does not answer at ${base}`,
      detail: cause === "ECONNREFUSED" ? "connection refused" : (cause ?? (err as Error).message),
      fix: /\/\/(127\.|localhost|\[::1\])/.test(base)
        ? `Start it: spanlight serve${new URL(base).port && new URL(base).port !== "9292" ? ` --port ${new URL(base).port}` : ""}`
        : "Check that the server runs and that this machine can reach it.",
    });
    return false;
  }
  const auth = await fetch(`${base}/api/stats`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (auth.status === 401) {
    checks.push({
      status: "fail",
      title: "The server requires a token",
      fix: "Set SPANLIGHT_TOKEN (where Claude Code runs, too) or pass --token, then run spanlight init again.",
    });
    return false;
  }
  return true;
}

function checkScripts(home: string, checks: Check[]): void {
  const dir = hooksDir(home);
  const problems: string[] = [];
  for (const name of HOOK_SCRIPT_NAMES) {
    const text = readIfExists(join(dir, name));
    if (text === null) problems.push(`${name} is missing`);
    else if (text !== hookScript(name)) {
      problems.push(
        `${name} is version ${hookScriptVersion(text) ?? "?"}, this spanlight ships ${hookScriptVersion(hookScript(name))}`,
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

function runCommandHook(command: string, payload: string, env: Record<string, string | undefined>) {
  return new Promise<{ code: number | null; stdout: string; ms: number }>((resolve) => {
    const started = performance.now();
    const child = spawn("/bin/sh", ["-c", command], { env, stdio: ["pipe", "pipe", "ignore"] });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.on("error", () => resolve({ code: null, stdout, ms: performance.now() - started }));
    child.on("close", (code) => resolve({ code, stdout, ms: performance.now() - started }));
    child.stdin.end(payload);
  });
}

async function waitForEvent(base: string, token: string | null, sessionId: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  while (Date.now() < deadline) {
    const res = await fetch(`${base}/api/events?sessionId=${encodeURIComponent(sessionId)}&limit=1`, { headers });
    if (res.ok && ((await res.json()) as { events: unknown[] }).events.length > 0) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

function testPayload(sessionId: string): string {
  return JSON.stringify({
    session_id: sessionId,
    hook_event_name: "Notification",
    notification_type: "spanlight_doctor",
    message: "spanlight doctor test event",
    cwd: "/",
  });
}

async function checkCommandHook(installed: Installed, options: DoctorOptions, base: string, checks: Check[]) {
  const handler = Object.values(installed.handlers)
    .flat()
    .find((h) => h.type === "command" && typeof h.command === "string");
  if (!handler) return;
  const sessionId = `spanlight-doctor-${randomUUID().slice(0, 8)}`;
  const logDir = mkdtempSync(join(tmpdir(), "spanlight-doctor-"));
  const log = join(logDir, "hook.log");
  try {
    const env = {
      ...options.env,
      HOME: options.home,
      SPANLIGHT_HOOK_LOG: log,
      ...(options.url ? { SPANLIGHT_URL: `${base}${HOOK_PATH}` } : {}),
      ...(options.token ? { SPANLIGHT_TOKEN: options.token } : {}),
    };
    const run = await runCommandHook(handler.command as string, testPayload(sessionId), env);
    if (run.code !== 0 || run.stdout !== "") {
      checks.push({
        status: "fail",
        title: "The command hook does not run cleanly",
        detail: `exit ${run.code}, ${run.stdout.length} bytes on stdout: ${handler.command}`,
        fix: "Run spanlight init again; check that sh and curl (or python3) are installed.",
      });
      return;
    }
    const arrived = await waitForEvent(base, options.token, sessionId, options.arrivalTimeoutMs ?? 5000);
    const attempts = existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [];
    checks.push(
      arrived
        ? { status: "ok", title: `Command hook ran in ${run.ms.toFixed(0)} ms and its test event arrived` }
        : {
            status: "fail",
            title: `Command hook ran in ${run.ms.toFixed(0)} ms, but its test event did not arrive`,
            detail:
              attempts.length > 0 ? `last delivery attempt: ${attempts.at(-1)}` : "no delivery attempt was logged",
            fix: "Status 000 means the URL is unreachable from here, 401 a missing token; see docs/hooks.md.",
          },
    );
  } finally {
    rmSync(logDir, { recursive: true, force: true });
  }
}

/** Posts like Claude Code's HTTP hook: a 2xx with a non-empty body would be read as a hook decision. */
async function checkHttpHook(installed: Installed, options: DoctorOptions, checks: Check[]) {
  const handler = Object.values(installed.handlers)
    .flat()
    .find((h) => h.type === "http");
  if (!handler) return;
  const headers: Record<string, string> = { "content-type": "application/json" };
  for (const [k, v] of Object.entries((handler.headers ?? {}) as Record<string, string>)) {
    headers[k] = v.replace(/\$\{?(\w+)\}?/g, (_, name: string) =>
      name === "SPANLIGHT_TOKEN" ? (options.token ?? options.env[name] ?? "") : (options.env[name] ?? ""),
    );
  }
  const url = options.url ? `${toBaseUrl(options.url)}${HOOK_PATH}` : String(handler.url);
  const sessionId = `spanlight-doctor-${randomUUID().slice(0, 8)}`;
  try {
    const res = await fetch(url, {
      method: "POST",
      headers,
      body: testPayload(sessionId),
      signal: AbortSignal.timeout(3000),
    });
    const body = await res.text();
    checks.push(
      res.ok && body === ""
        ? { status: "ok", title: `HTTP hook endpoint ${url} accepts events` }
        : {
            status: "fail",
            title: `HTTP hook endpoint ${url} answered ${res.status}`,
            detail: body.slice(0, 200) || "(empty body)",
            fix: res.status === 401 ? "Claude Code needs SPANLIGHT_TOKEN in its environment." : "See docs/hooks.md.",
          },
    );
  } catch (err) {
    checks.push({ status: "fail", title: `HTTP hook endpoint ${url} is unreachable`, detail: (err as Error).message });
  }
}

/** With `init --otel`, Claude Code exports OTLP to the same port; say whether this server takes it. */
async function checkOtlp(installed: Installed, base: string, token: string | null, checks: Check[]) {
  if (typeof installed.env.OTEL_EXPORTER_OTLP_ENDPOINT !== "string") return;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const endpoint = installed.env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, "");
  try {
    const res = await fetch(`${endpoint}/v1/logs`, { method: "POST", headers, body: '{"resourceLogs":[]}' });
    checks.push(
      res.ok
        ? { status: "ok", title: `OTLP endpoint ${endpoint} accepts Claude Code's telemetry` }
        : {
            status: "warn",
            title: `OTLP endpoint ${endpoint} answered ${res.status} to an empty export`,
            detail: endpoint === base ? "this server does not take OTLP yet" : undefined,
            fix: "Update Spanlight, or run spanlight init without --otel.",
          },
    );
  } catch (err) {
    checks.push({ status: "warn", title: `OTLP endpoint ${endpoint} is unreachable`, detail: (err as Error).message });
  }
}

function checkSpool(options: DoctorOptions, checks: Check[]): void {
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

export async function runDoctor(options: DoctorOptions): Promise<Check[]> {
  const checks: Check[] = [];
  const installed = findInstalled(options, checks);
  const base = hookBaseUrl(installed, options);
  const token = options.token ?? options.env.SPANLIGHT_TOKEN ?? null;
  const opts = { ...options, token };
  checkScripts(options.home, checks);
  const up = await checkServer(base, token, checks);
  if (installed && up) {
    await checkCommandHook(installed, opts, base, checks);
    await checkHttpHook(installed, opts, checks);
    await checkOtlp(installed, base, token, checks);
  }
  checkSpool(options, checks);
  return checks;
}

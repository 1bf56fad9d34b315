// `spanlight doctor`'s checks over the network: the server, a test event through each hook, OTLP.

import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkOtlpArrival } from "../otlp/mod.ts";
import { fetchFailureReason, isConnectionRefused } from "../runtime/connection-refused.ts";
import { DOCTOR_SESSION_PREFIX, type ExportStats, type Health } from "../schema/mod.ts";
import { type Check, type DoctorOptions, type Installed, toBaseUrl } from "./doctor-local.ts";
import { headerValue, isInitCommand, mayContact } from "./doctor-trust.ts";
import { HOOK_PATH } from "./hook-entries.ts";

export async function checkServer(base: string, token: string | null, checks: Check[]): Promise<boolean> {
  try {
    const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(3000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const health = (await res.json()) as Partial<Health>;
    checks.push({
      status: "ok",
      title: `Server is up at ${base}`,
      detail: `version ${health.version}, up ${Math.round(health.uptime ?? 0)} s, ${health.buffer?.events ?? 0} events held`,
    });
    checkExport(health.export, checks);
  } catch (err) {
    checks.push({
      status: "fail",
      title: `Server does not answer at ${base}`,
      detail: isConnectionRefused(err) ? "connection refused" : fetchFailureReason(err),
      fix: /\/\/(127\.|localhost|\[::1\])/.test(base)
        ? `Start it: spanlight serve${new URL(base).port && new URL(base).port !== "9292" ? ` --port ${new URL(base).port}` : ""} (or, if it runs at another address, point the hooks there: spanlight init --url <its URL>)`
        : "Check that the server runs and that this machine can reach it.",
    });
    return false;
  }
  const auth = await fetch(`${base}/api/stats`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(3000),
  }).catch(() => null);
  if (auth?.status === 401) {
    checks.push(
      token
        ? {
            status: "fail",
            title: "The server refused the token",
            fix: "Use the token the server was started with (its SPANLIGHT_TOKEN or --token), here and where Claude Code runs.",
          }
        : {
            status: "fail",
            title: "The server requires a token",
            fix: "Pass --token or set SPANLIGHT_TOKEN here; the hooks read $SPANLIGHT_TOKEN where Claude Code runs (spanlight init --token sets them up for it).",
          },
    );
    return false;
  }
  return true;
}

/** Trace export, when the server has it on: spans reach the backend, or what stops them. */
function checkExport(exp: ExportStats | undefined, checks: Check[]): void {
  if (!exp?.enabled) return;
  const lost = exp.failed + exp.dropped;
  if (!exp.lastError && exp.exported === 0 && lost === 0) {
    checks.push({
      status: "warn",
      title: "Trace export is on, but no span has been sent yet, so whether it reaches the backend is not known",
      fix: "Run a Claude Code session, then check again.",
    });
    return;
  }
  checks.push(
    exp.lastError
      ? {
          status: "warn",
          title: "Trace export is failing",
          detail: `${exp.lastError}; ${lost} spans not delivered so far`,
          fix: "Start the backend (Jaeger: docker run --rm -p 16686:16686 -p 4318:4318 jaegertracing/jaeger:latest) or correct otel.export.endpoint.",
        }
      : {
          status: "ok",
          title: "Trace export works",
          detail: `${exp.exported} spans exported${lost > 0 ? `, ${lost} not delivered earlier` : ""}`,
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

export async function checkCommandHook(installed: Installed, options: DoctorOptions, base: string, checks: Check[]) {
  const handler = Object.values(installed.handlers)
    .flat()
    .find((h) => h.type === "command" && typeof h.command === "string");
  if (!handler) return;
  if (!isInitCommand(handler.command as string)) {
    checks.push({
      status: "warn",
      title: "The command hook is not one spanlight init writes, so doctor did not run it",
      detail: `${handler.command} (in ${installed.path})`,
      fix: "Run spanlight init again, or test the command by hand.",
    });
    return;
  }
  const sessionId = `${DOCTOR_SESSION_PREFIX}${randomUUID().slice(0, 8)}`;
  const logDir = mkdtempSync(join(tmpdir(), "spanlight-doctor-"));
  const log = join(logDir, "hook.log");
  try {
    const env = {
      ...options.env,
      HOME: options.home,
      SPANLIGHT_HOOK_LOG: log,
      // The server checked above, even if the command bakes in another (the token goes nowhere else).
      SPANLIGHT_URL: `${base}${HOOK_PATH}`,
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
export async function checkHttpHook(installed: Installed, options: DoctorOptions, checks: Check[]) {
  const handler = Object.values(installed.handlers)
    .flat()
    .find((h) => h.type === "http");
  if (!handler) return;
  const headers: Record<string, string> = { "content-type": "application/json" };
  for (const [k, v] of Object.entries((handler.headers ?? {}) as Record<string, unknown>)) {
    if (typeof v === "string") headers[k] = headerValue(v, handler.allowedEnvVars, options.env, options.token);
  }
  const url = options.url ? `${toBaseUrl(options.url)}${HOOK_PATH}` : String(handler.url);
  const sessionId = `${DOCTOR_SESSION_PREFIX}${randomUUID().slice(0, 8)}`;
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
            fix:
              res.status !== 401
                ? "See docs/hooks.md."
                : sendsToken(handler)
                  ? "Claude Code needs SPANLIGHT_TOKEN in its environment."
                  : "The hooks were installed without a token: run spanlight init --token (or with SPANLIGHT_TOKEN set).",
          },
    );
  } catch (err) {
    checks.push({ status: "fail", title: `HTTP hook endpoint ${url} is unreachable`, detail: (err as Error).message });
  }
}

/** With `init --otel`, Claude Code exports OTLP to Spanlight too: is it accepted, and has any arrived? */
export async function checkOtlp(installed: Installed, options: DoctorOptions, checks: Check[]) {
  if (typeof installed.env.OTEL_EXPORTER_OTLP_ENDPOINT !== "string") return;
  const endpoint = installed.env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, "");
  if (!mayContact(endpoint, installed, options)) {
    checks.push(notContacted(endpoint, installed, "Claude Code's own telemetry"));
    return;
  }
  const token = options.token;
  const arrival = await checkOtlpArrival({ baseUrl: endpoint, token });
  const detail = arrival.lines.join("; ");
  switch (arrival.verdict) {
    case "ok":
      checks.push({ status: "ok", title: `Claude Code's own telemetry arrives at ${endpoint}`, detail });
      break;
    case "partial":
    case "none":
      checks.push({
        status: "warn",
        title: `OTLP endpoint ${endpoint} accepts exports, ${arrival.verdict === "none" ? "but none arrived yet" : "but not every signal arrived"}`,
        detail,
        fix: "Run a Claude Code session with the settings init wrote, then check again.",
      });
      break;
    case "failed":
      checks.push({
        status: "fail",
        title: `OTLP endpoint ${endpoint} does not take Claude Code's telemetry`,
        detail,
        fix: "Check the server and token, or run spanlight init without --otel.",
      });
      break;
    default:
      arrival.verdict satisfies never;
  }
}

/** A server named only by a project's settings, elsewhere: said, not contacted. */
export function notContacted(url: string, installed: Installed, what: string): Check {
  return {
    status: "warn",
    title: `${installed.path} sends ${what} to ${url}, which doctor did not contact`,
    detail: "a project's settings name a server off this machine; doctor sends your token only where you point it",
    fix: `If you trust it: spanlight doctor --url ${url}`,
  };
}

function sendsToken(handler: Record<string, unknown>): boolean {
  const headers = (handler.headers ?? {}) as Record<string, unknown>;
  return Object.keys(headers).some((k) => k.toLowerCase() === "authorization");
}

import { join } from "node:path";
import { afterEach, beforeEach, expect, vi } from "vitest";
import { type CaptureServer, createCaptureServer } from "./capture-server.ts";
import { type HookRun, type HookVariant, hooksEnded, readSpool, runHook } from "./run-hook.ts";
import { createTempDir } from "./temp-dir.ts";

/**
 * Shared setup of the behaviour suites for both hook clients (sh + curl, Python): they must be
 * interchangeable. Waits are on conditions (requests seen, spool state), never on elapsed time.
 */

export function payload(event: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ session_id: "sess-hooks", hook_event_name: event, ...extra });
}

export function eventsOf(server: CaptureServer): string[] {
  return server.requests.flatMap((r) => {
    const body = JSON.parse(r.body);
    return (Array.isArray(body) ? body : [body]).map((p: { hook_event_name: string }) => p.hook_event_name);
  });
}

export function keysOf(server: CaptureServer): string[] {
  return server.requests.flatMap((r) => (r.headers["idempotency-key"] ?? "").split(","));
}

export function expectQuiet(run: HookRun) {
  expect(run).toEqual({ code: 0, stdout: "", stderr: "" });
}

/**
 * One test's world: a temporary HOME with the spool in it, a capture server, the hook's environment.
 * The helpers are arrow functions so a test can destructure them along with the state.
 */
export class HookSuite {
  tmp!: ReturnType<typeof createTempDir>;
  server!: CaptureServer;
  spool!: string;
  /** The hook's environment; a test may change or replace it, `hook()` reads it at each call. */
  env!: Record<string, string>;

  constructor(readonly variant: HookVariant) {}

  readonly setUp = async () => {
    this.tmp = createTempDir();
    this.spool = join(this.tmp.path, "spool");
    this.server = await createCaptureServer();
    this.env = { HOME: this.tmp.path, SPANLIGHT_SPOOL: this.spool, SPANLIGHT_URL: this.server.url };
  };

  readonly tearDown = async () => {
    await this.server.close();
    await hooksEnded(this.tmp.path);
    this.tmp.cleanup();
  };

  /** Runs the hook with a payload for `event`; it must exit 0 without a word. */
  readonly hook = async (event: string, extraEnv: Record<string, string> = {}) => {
    const run = await runHook(this.variant, payload(event), { ...this.env, ...extraEnv });
    expectQuiet(run);
  };

  /** Waits until no delivery holds the spool and no payload is being written or named. */
  readonly spoolIdle = async () => {
    await vi.waitFor(
      () => {
        const s = readSpool(this.spool);
        expect(s.locked || s.inFlight > 0).toBe(false);
      },
      { timeout: 20_000, interval: 20 },
    );
  };

  /** Waits until every background delivery attempt is over and `n` payloads are left. */
  readonly spoolSettles = async (n: number) => {
    await vi.waitFor(
      () => {
        const s = readSpool(this.spool);
        expect(s.locked || s.inFlight > 0).toBe(false);
        expect(s.pending).toHaveLength(n);
      },
      { timeout: 20_000, interval: 20 },
    );
  };
}

/** A `HookSuite` for the enclosing describe block, set up afresh before each of its tests and torn down after. */
export function useHookSuite(variant: HookVariant): HookSuite {
  const suite = new HookSuite(variant);
  beforeEach(() => suite.setUp());
  afterEach(() => suite.tearDown());
  return suite;
}

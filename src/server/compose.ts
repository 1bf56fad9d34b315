import type { Hono } from "hono";
import type { Config } from "../config/mod.ts";
import type { ExportStats } from "../schema/mod.ts";
import { type Clock, createStore, systemClock } from "../store/mod.ts";
import { createStreamHub } from "../stream/mod.ts";
import { createApp } from "./app.ts";

export const VERSION = "0.1.0";

const EXPORT_OFF: ExportStats = { enabled: false, exported: 0, dropped: 0, failed: 0, queued: 0, lastError: null };
// How often silent turns are checked for the idle timeout; the timeout itself is minutes.
const SWEEP_INTERVAL_MS = 5000;

export type SpanlightOptions = {
  config: Config;
  clock?: Clock;
  log?: (line: string) => void;
  /** The dashboard sub-app (static assets + SPA fallback). */
  ui?: Hono;
};

export type Spanlight = ReturnType<typeof createSpanlight>;

/**
 * The one composition root: builds store → stream hub → app from settings and components.
 * Nothing here listens or reads env; runtime entries do that. `start()` begins the periodic
 * work (stats ticks, heartbeats, idle sweeps); tests drive `tick()` by hand with a fixed clock.
 */
export function createSpanlight({ config, clock = systemClock, log = () => {}, ui }: SpanlightOptions) {
  const startedAtMs = clock.now();
  const bootId = crypto.randomUUID();
  const store = createStore({ store: config.store, clock });
  const exportStats = () => EXPORT_OFF;
  const hub = createStreamHub({
    store,
    config: config.stream,
    version: VERSION,
    bootId,
    stats: () => store.stats(exportStats()),
  });
  const app = createApp({
    config,
    store,
    hub,
    version: VERSION,
    startedAtMs,
    now: () => clock.now(),
    exportStats,
    ui,
    log,
  });
  const timers: Array<ReturnType<typeof setInterval>> = [];

  function every(ms: number, fn: () => void) {
    const t = setInterval(() => {
      try {
        fn();
      } catch (err) {
        log(`periodic task failed: ${(err as Error).message}`);
      }
    }, ms);
    // Timers must not keep a process alive that is otherwise done (Node/Bun; Deno ignores unref).
    (t as { unref?: () => void }).unref?.();
    timers.push(t);
  }

  return {
    app,
    version: VERSION,
    fetch: app.fetch,
    store,
    hub,
    bootId,
    start(): void {
      every(config.stream.statsIntervalMs, () => hub.tick());
      every(config.stream.heartbeatMs, () => hub.heartbeat());
      every(SWEEP_INTERVAL_MS, () => store.sweep());
    },
    /** Stops timers and closes SSE streams; accepted events are already stored (nothing to flush). */
    async close(): Promise<void> {
      for (const t of timers) clearInterval(t);
      hub.close();
    },
  };
}

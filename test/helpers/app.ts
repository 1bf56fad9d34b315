import type { SpanExporter } from "../../otel/mod.ts";
import { type ConfigInput, resolveConfig } from "../../src/config/mod.ts";
import { createSpanlight } from "../../src/server/compose.ts";
import { loadHooks } from "./fixtures.ts";

/** A clock tests move by hand. */
export function fixedClock(start = Date.parse("2026-11-21T10:00:00.000Z")) {
  let now = start;
  return {
    now: () => now,
    set: (ms: number) => {
      now = ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** A Spanlight (no listener) for `app.request()` tests; config as the CLI would resolve it. */
export function testSpanlight(
  config: ConfigInput = {},
  clock = fixedClock(),
  extra: { spanExporter?: SpanExporter } = {},
) {
  const resolved = resolveConfig([{ source: "test", values: config }]);
  if (!resolved.ok) throw new Error(resolved.error);
  const spanlight = createSpanlight({ config: resolved.config, clock, ...extra });
  return { ...spanlight, clock, config: resolved.config };
}

/** Posts TelemetryEvents: one as an object, several as a batch; the answer's status and JSON body. */
export async function postTelemetry(
  app: { request: (path: string, init: RequestInit) => Response | Promise<Response> },
  ...events: unknown[]
) {
  const res = await app.request("/telemetry", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(events.length === 1 ? events[0] : events),
  });
  return { status: res.status, body: await res.json() };
}

export function postHook(
  app: { request: (path: string, init: RequestInit) => Response | Promise<Response> },
  payload: unknown,
  headers: Record<string, string> = {},
) {
  return app.request("/v1/hooks/claude-code", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof payload === "string" ? payload : JSON.stringify(payload),
  });
}

/** Replays a captured scenario through the HTTP ingest path with the real arrival times. */
export async function replayScenario(
  app: Parameters<typeof postHook>[0],
  scenario: string,
  headers: Record<string, string> = {},
) {
  for (const h of loadHooks(scenario)) {
    const res = await postHook(app, h.line, { "x-spanlight-time": h.receivedAt, ...headers });
    if (res.status !== 204) throw new Error(`replay ${scenario}: ${res.status} ${await res.text()}`);
  }
}

import { render } from "@solidjs/testing-library";
import type { SpanExporter } from "../../../otel/mod.ts";
import type { ConfigInput } from "../../../src/config/mod.ts";
import type { OtlpSignal } from "../../../src/otlp/mod.ts";
import { App } from "../../../ui/src/app.tsx";
import { createApiClient } from "../../../ui/src/lib/api-client.ts";
import { createAppCtx } from "../../../ui/src/state/app-ctx.tsx";
import { postHook, postTelemetry, replayScenario, testSpanlight } from "../../helpers/app.ts";
import { postScenarioOtlp } from "../../otlp/helpers/post-otlp.ts";

/** A stand-in EventSource: the test decides what the stream delivers and when. */
export class ManualSource {
  listeners = new Map<string, (e: MessageEvent) => void>();
  onopen: ((e: Event) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {}
  addEventListener(type: string, fn: (e: MessageEvent) => void) {
    this.listeners.set(type, fn);
  }
  emit(kind: string, data: unknown) {
    this.listeners.get(kind)?.({ data: JSON.stringify(data) } as MessageEvent);
  }
  close() {
    this.closed = true;
  }
}

/**
 * The whole dashboard in happy-dom against the real app in-process (no socket): REST through
 * `app.request`, the SSE stream driven by hand, animation frames flushed by the test.
 */
export async function renderDashboard(opts: {
  path: string | ((server: ReturnType<typeof testSpanlight>) => string);
  config?: ConfigInput;
  token?: string | null;
  /** Captured scenarios replayed into the server before the page loads. */
  scenarios?: string[];
  /** Also replay the scenarios' OTLP exports (Claude Code's own telemetry) after their hooks; a function picks signals. */
  otlp?: boolean | ((signal: OtlpSignal) => boolean);
  /** When true every request fails as if the server were gone. */
  unreachable?: () => boolean;
  /** Hook payloads posted after the scenarios, before the page loads (edited captures: other ids, cut short). */
  hooks?: Array<{ payload: unknown; headers?: Record<string, string> }>;
  /** TelemetryEvents (other agents) posted after the hooks, before the page loads. */
  telemetry?: unknown[];
  /** Takes the spans when the config turns export on (nothing is sent anywhere). */
  spanExporter?: SpanExporter;
  /** Events the page keeps (the app's default otherwise). */
  cap?: number;
  /** Called with each request's path before it is answered; the answer waits for the promise. */
  gate?: (path: string) => Promise<void> | undefined;
}) {
  const server = testSpanlight(opts.config, undefined, { spanExporter: opts.spanExporter });
  for (const sc of opts.scenarios ?? []) {
    await replayScenario(server.app, sc);
    if (opts.otlp) await postScenarioOtlp(server.app, sc, "json", opts.otlp === true ? undefined : opts.otlp);
  }
  for (const h of opts.hooks ?? []) {
    const res = await postHook(server.app, h.payload, h.headers);
    if (res.status !== 204) throw new Error(`hook: ${res.status} ${await res.text()}`);
  }
  if (opts.telemetry) {
    const res = await postTelemetry(server.app, opts.telemetry);
    if (res.status !== 202) throw new Error(`telemetry: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const sources: ManualSource[] = [];
  const frames: Array<() => void> = [];
  window.history.replaceState(null, "", typeof opts.path === "string" ? opts.path : opts.path(server));
  const api = createApiClient({
    token: () => opts.token ?? null,
    fetch: (async (input: string, init?: RequestInit) => {
      if (opts.unreachable?.()) throw new TypeError("fetch failed");
      await opts.gate?.(input);
      return server.app.request(input, init);
    }) as typeof fetch,
  });
  let ctx!: ReturnType<typeof createAppCtx>;
  const view = render(() => {
    ctx = createAppCtx({
      api,
      createSource: (url) => {
        const s = new ManualSource(url);
        sources.push(s);
        return s;
      },
      scheduleFrame: (run) => frames.push(run),
      ...(opts.cap ? { cap: opts.cap } : {}),
    });
    ctx.start();
    return <App ctx={ctx} />;
  });
  return {
    ...view,
    server,
    ctx: () => ctx,
    sources,
    /** Runs queued animation frames (the batched state updates). */
    flush() {
      for (const run of frames.splice(0)) run();
    },
    /** Posts a hook payload to the server and streams the stored event to the page, like SSE would. */
    async post(payload: unknown) {
      const res = await postHook(server.app, payload);
      if (res.status !== 204) throw new Error(`post: ${res.status} ${await res.text()}`);
      const newest = server.store.buffer().newestSeq;
      const event = server.store.event(newest);
      sources[sources.length - 1]?.emit("event", event);
      return event!;
    },
  };
}

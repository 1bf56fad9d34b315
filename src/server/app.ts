import { Hono } from "hono";
import { apiRoutes, healthRoute } from "../api/routes.ts";
import type { Config } from "../config/config-schema.ts";
import { ingestRoutes } from "../ingest/routes.ts";
import { OTLP_PATHS, type OtlpReceiver, otlpRoutes } from "../otlp/mod.ts";
import type { ExportStats } from "../schema/mod.ts";
import type { SessionLinker, Store, TraceLinker } from "../store/mod.ts";
import type { StreamHub } from "../stream/mod.ts";
import { ApiError } from "./api-error.ts";
import { refuseCrossSite } from "./cross-site.ts";
import { allowedMethods, refuseOtherMethods } from "./methods.ts";
import { PLACEHOLDER_PAGE } from "./placeholder-page.ts";
import { checkHost, requireToken } from "./security.ts";

export type AppOptions = {
  config: Config;
  store: Store;
  hub: StreamHub;
  version: string;
  startedAtMs: number;
  now: () => number;
  exportStats: () => ExportStats;
  linkTrace?: TraceLinker;
  linkSession?: SessionLinker;
  /** OTLP/HTTP receiver for POST /v1/traces, /v1/logs, /v1/metrics; not mounted when absent. */
  otlp?: OtlpReceiver;
  /** Serves the dashboard (static assets + SPA fallback); a placeholder page when absent. */
  ui?: Hono;
  log?: (line: string) => void;
};

/**
 * The Hono app: Web-standard Request → Response, the same on Node, Deno and the compiled binary.
 * One error path: handlers throw ApiError; `onError` renders `{ error: { code, message, issues? } }`.
 */
export function createApp(options: AppOptions): Hono {
  const { config, store, now, log = () => {} } = options;
  const app = new Hono();

  app.onError((err, c) => {
    if (err instanceof ApiError && options.otlp && c.req.method === "POST" && OTLP_PATHS.has(c.req.path)) {
      return options.otlp.refuse(c.req.raw, err);
    }
    if (err instanceof ApiError) return c.json(err.toBody(), err.status, err.headers);
    log(`internal error on ${c.req.method} ${c.req.path}: ${err.stack ?? err.message}`);
    return c.json(new ApiError("internal", "Internal error; the server logged it and keeps serving.").toBody(), 500);
  });
  app.notFound((c) => c.json(new ApiError("not_found", `No route ${c.req.method} ${c.req.path}.`).toBody(), 404));

  const ingestPaths = new Set(["/v1/hooks/claude-code", "/hooks", "/telemetry"]);
  app.use("*", async function securityHeaders(c, next) {
    await next();
    // Ingest answers are read by hook clients, not browsers: skip the header work on the hot path.
    if (ingestPaths.has(c.req.path)) return;
    c.header("x-content-type-options", "nosniff");
    c.header("referrer-policy", "no-referrer");
  });
  app.use("*", checkHost({ host: config.server.host, allowedHosts: config.server.allowedHosts }));
  // After the Host guard: the cross-site check trusts the Host header it has vetted.
  app.use("*", refuseCrossSite(config.server));

  const health = healthRoute(options);
  app.route("/", health);

  const token = config.server.token;
  const guard = requireToken({ token, queryTokenPaths: ["/api/stream"] });
  for (const path of ["/api/*", "/status", "/v1/*", "/hooks", "/telemetry"]) app.use(path, guard);

  const guarded = [
    ingestRoutes({ limits: config.limits, sink: store, now }),
    ...(options.otlp ? [otlpRoutes(options.otlp)] : []),
    apiRoutes(options),
  ];
  for (const sub of guarded) app.route("/", sub);
  refuseOtherMethods(app, allowedMethods([health, ...guarded]));
  // Unknown /api routes are JSON 404s, never the dashboard's SPA fallback.
  app.all("/api/*", (c) => {
    throw new ApiError("not_found", `No route ${c.req.method} ${c.req.path}.`);
  });

  if (options.ui) app.route("/", options.ui);
  else app.get("/", (c) => c.html(PLACEHOLDER_PAGE));
  return app;
}

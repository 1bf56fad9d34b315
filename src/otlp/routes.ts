import { Hono } from "hono";

/** The OTLP/HTTP export paths: failures on them are answered in OTLP's form (google.rpc.Status). */
export const OTLP_PATHS = new Set(["/v1/traces", "/v1/logs", "/v1/metrics"]);

import type { OtlpReceiver } from "./receiver.ts";

/**
 * OTLP/HTTP on Spanlight's own port: POST /v1/traces, /v1/logs, /v1/metrics (the paths an SDK
 * appends to OTEL_EXPORTER_OTLP_ENDPOINT). The app's token and Host guards cover /v1/*.
 */
export function otlpRoutes(receiver: OtlpReceiver): Hono {
  const app = new Hono();
  app.post("/v1/traces", (c) => receiver.handle(c.req.raw, "traces"));
  app.post("/v1/logs", (c) => receiver.handle(c.req.raw, "logs"));
  app.post("/v1/metrics", (c) => receiver.handle(c.req.raw, "metrics"));
  return app;
}

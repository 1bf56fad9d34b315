import { Hono } from "hono";
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

/**
 * The `env` block that makes Claude Code export its own telemetry (metrics, log events, traces)
 * to Spanlight over OTLP/HTTP JSON. Spanlight receives OTLP on the same port as hooks, so the
 * endpoint is the base URL (the SDK appends /v1/traces, /v1/logs, /v1/metrics).
 * Hooks never see these variables: Claude Code keeps OTEL_* to itself.
 */
export function toOtelEnv(baseUrl: string): Record<string, string> {
  return {
    CLAUDE_CODE_ENABLE_TELEMETRY: "1",
    // Traces (interaction → llm_request → tool spans) are still behind this flag in 2.1.x.
    CLAUDE_CODE_ENHANCED_TELEMETRY_BETA: "1",
    OTEL_METRICS_EXPORTER: "otlp",
    OTEL_LOGS_EXPORTER: "otlp",
    OTEL_TRACES_EXPORTER: "otlp",
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_EXPORTER_OTLP_ENDPOINT: baseUrl.replace(/\/+$/, ""),
  };
}

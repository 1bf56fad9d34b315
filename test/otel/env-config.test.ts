import { describe, expect, it } from "vitest";
import { otelEnvToConfig } from "../../otel/mod.ts";
import { configSchema } from "../../src/config/config-schema.ts";

describe("otelEnvToConfig", () => {
  it.each([
    ["nothing set", {}, {}],
    ["SPANLIGHT_OTEL_ENABLED=1", { SPANLIGHT_OTEL_ENABLED: "1" }, { export: { enabled: true } }],
    ["SPANLIGHT_OTEL_EXPORT=false", { SPANLIGHT_OTEL_EXPORT: "false" }, { export: { enabled: false } }],
    [
      "OTEL_SDK_DISABLED=TRUE (the OTel spec's off switch)",
      { OTEL_SDK_DISABLED: "TRUE" },
      { export: { enabled: false } },
    ],
    ["OTEL_SDK_DISABLED=false (only true disables)", { OTEL_SDK_DISABLED: "false" }, {}],
    [
      "SPANLIGHT_OTEL_ENABLED wins over OTEL_SDK_DISABLED",
      { OTEL_SDK_DISABLED: "true", SPANLIGHT_OTEL_ENABLED: "true" },
      { export: { enabled: true } },
    ],
    [
      "OTEL_EXPORTER_OTLP_ENDPOINT (a base URL: /v1/traces appended)",
      { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" },
      { export: { endpoint: "http://collector:4318/v1/traces" } },
    ],
    [
      "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (used as is, wins over the base)",
      { OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:4318", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://b:4318/custom" },
      { export: { endpoint: "http://b:4318/custom" } },
    ],
    [
      "SPANLIGHT_OTEL_ENDPOINT wins over the standard variables",
      { SPANLIGHT_OTEL_ENDPOINT: "http://c/v1/traces", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://b/x" },
      { export: { endpoint: "http://c/v1/traces" } },
    ],
    [
      "OTEL_EXPORTER_OTLP_HEADERS (percent-decoded, traces-specific ones win)",
      {
        OTEL_EXPORTER_OTLP_HEADERS: "x-honeycomb-team=abc%20def, x-a=1",
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: "x-a=2",
      },
      { export: { headers: { "x-honeycomb-team": "abc def", "x-a": "2" } } },
    ],
    [
      "OTEL_EXPORTER_OTLP_PROTOCOL=http/json",
      { OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" },
      { export: { protocol: "http/json" } },
    ],
    ["OTEL_EXPORTER_OTLP_PROTOCOL=grpc (set for Claude Code; ignored)", { OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }, {}],
    [
      "SPANLIGHT_OTEL_PROTOCOL=grpc (passed on, so validation names it)",
      { SPANLIGHT_OTEL_PROTOCOL: "grpc" },
      { export: { protocol: "grpc" } },
    ],
    ["OTEL_EXPORTER_OTLP_TIMEOUT", { OTEL_EXPORTER_OTLP_TIMEOUT: "5000" }, { export: { timeoutMs: 5000 } }],
    ["OTEL_SERVICE_NAME", { OTEL_SERVICE_NAME: "my-agents" }, { serviceName: "my-agents" }],
    [
      "OTEL_RESOURCE_ATTRIBUTES, whose service.name counts when OTEL_SERVICE_NAME is unset",
      { OTEL_RESOURCE_ATTRIBUTES: "service.name=team-a,deployment.environment.name=prod" },
      {
        serviceName: "team-a",
        resourceAttributes: { "service.name": "team-a", "deployment.environment.name": "prod" },
      },
    ],
    [
      "capture flags",
      {
        SPANLIGHT_OTEL_CAPTURE_PROMPTS: "yes",
        SPANLIGHT_OTEL_CAPTURE_TOOL_INPUT: "1",
        SPANLIGHT_OTEL_CAPTURE_TOOL_OUTPUT: "off",
      },
      { capture: { prompts: true, toolInput: true, toolOutput: false } },
    ],
    [
      "limits and timeouts",
      {
        SPANLIGHT_OTEL_BATCH_SIZE: "100",
        SPANLIGHT_OTEL_DELAY_MS: "250",
        SPANLIGHT_OTEL_MAX_QUEUE: "5000",
        SPANLIGHT_OTEL_RETRIES: "2",
        SPANLIGHT_OTEL_TOOL_TIMEOUT_MS: "60000",
        SPANLIGHT_OTEL_TURN_TIMEOUT_MS: "120000",
        SPANLIGHT_OTEL_MAX_OPEN_SPANS: "500",
        SPANLIGHT_OTEL_MAX_ATTRIBUTE_CHARS: "1024",
      },
      {
        export: { batchSize: 100, delayMs: 250, maxQueue: 5000, retries: 2 },
        toolTimeoutMs: 60000,
        turnTimeoutMs: 120000,
        maxOpenSpans: 500,
        maxAttributeChars: 1024,
      },
    ],
    ["SPANLIGHT_OTEL_JAEGER_URL= (empty: no links)", { SPANLIGHT_OTEL_JAEGER_URL: "" }, { jaegerUrl: null }],
    [
      "SPANLIGHT_OTEL_JAEGER_URL",
      { SPANLIGHT_OTEL_JAEGER_URL: "http://jaeger:16686" },
      { jaegerUrl: "http://jaeger:16686" },
    ],
  ])("maps %s", (_name, env, expected) => {
    expect(otelEnvToConfig(env)).toEqual(expected);
  });

  it("appends /v1/traces to the path of the base URL, before a query string", () => {
    expect(otelEnvToConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://gw.example/otlp/?tenant=a" })).toEqual({
      export: { endpoint: "https://gw.example/otlp/v1/traces?tenant=a" },
    });
  });

  it("warns that a grpc protocol is not used when export is turned on, and stays quiet when it is off", () => {
    const warnings: string[] = [];
    otelEnvToConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }, (l) => warnings.push(l));
    expect(warnings).toEqual([]);
    otelEnvToConfig({ SPANLIGHT_OTEL_ENABLED: "1", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }, (l) => warnings.push(l));
    expect(warnings).toEqual([
      "OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported; Spanlight exports over OTLP/HTTP (http/protobuf), usually on port 4318",
    ]);
  });

  it("skips a standard OTEL_* value it cannot use, with a warning, where its own variable would fail the start", () => {
    const warnings: string[] = [];
    const env = {
      OTEL_EXPORTER_OTLP_TIMEOUT: "5s",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "collector:4318",
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://otel.internal:4318",
    };
    const otel = otelEnvToConfig(env, (l) => warnings.push(l));
    // The next usable standard variable still applies; the start is not refused.
    expect(otel).toEqual({ export: { endpoint: "http://otel.internal:4318/v1/traces" } });
    expect(configSchema.safeParse({ otel }).success).toBe(true);
    expect(warnings).toEqual([
      "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is not an http:// or https:// URL; Spanlight ignores it",
      "OTEL_EXPORTER_OTLP_TIMEOUT is not a whole number of milliseconds, at least 100; Spanlight ignores it",
    ]);
    // Overridden by Spanlight's own variable: nothing to say about it.
    warnings.length = 0;
    otelEnvToConfig(
      { ...env, SPANLIGHT_OTEL_ENDPOINT: "http://127.0.0.1:4318/v1/traces", SPANLIGHT_OTEL_TIMEOUT_MS: "900" },
      (l) => warnings.push(l),
    );
    expect(warnings).toEqual([]);
    const own = configSchema.safeParse({ otel: otelEnvToConfig({ SPANLIGHT_OTEL_TIMEOUT_MS: "5s" }) });
    expect(own.success).toBe(false);
  });

  it("produces input the config schema accepts", () => {
    const otel = otelEnvToConfig({
      SPANLIGHT_OTEL_ENABLED: "true",
      OTEL_EXPORTER_OTLP_ENDPOINT: "https://api.honeycomb.io",
      OTEL_EXPORTER_OTLP_HEADERS: "x-honeycomb-team=key",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
      OTEL_SERVICE_NAME: "claude",
    });
    const config = configSchema.parse({ otel });
    expect(config.otel.export).toMatchObject({
      enabled: true,
      endpoint: "https://api.honeycomb.io/v1/traces",
      headers: { "x-honeycomb-team": "key" },
      protocol: "http/protobuf",
    });
    expect(config.otel.serviceName).toBe("claude");
  });

  it("lets validation report a bad value instead of guessing", () => {
    const result = configSchema.safeParse({ otel: otelEnvToConfig({ SPANLIGHT_OTEL_BATCH_SIZE: "lots" }) });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["otel", "export", "batchSize"]);
  });

  it("skips malformed list entries and says which, never with their values", () => {
    const warnings: string[] = [];
    const config = otelEnvToConfig(
      {
        OTEL_EXPORTER_OTLP_HEADERS: "garbage, x-api-key=secret-value, =nokey, x-raw=100%zz,",
        OTEL_RESOURCE_ATTRIBUTES: "team",
      },
      (line) => warnings.push(line),
    );
    expect(config).toEqual({ export: { headers: { "x-api-key": "secret-value", "x-raw": "100%zz" } } });
    expect(warnings).toEqual([
      "OTEL_EXPORTER_OTLP_HEADERS: entry 1 is not key=value; ignored",
      "OTEL_EXPORTER_OTLP_HEADERS: entry 3 is not key=value; ignored",
      "OTEL_EXPORTER_OTLP_HEADERS: the value of x-raw is not valid percent-encoding; used as written",
      "OTEL_RESOURCE_ATTRIBUTES: entry 1 is not key=value; ignored",
    ]);
    expect(warnings.join("\n")).not.toContain("secret");
  });
});

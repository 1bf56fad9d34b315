/**
 * Environment → a partial `otel` config section (input shape), pure. Spanlight's own
 * SPANLIGHT_OTEL_* variables and the standard OTEL_* exporter variables
 * (https://opentelemetry.io/docs/specs/otel/protocol/exporter/) are read; the caller merges the
 * result as flag > env > file > default, and the config schema validates it.
 */
type Env = Record<string, string | undefined>;
type Json = Record<string, unknown>;

const TRUE = /^(1|true|yes|on)$/i;
const FALSE = /^(0|false|no|off)$/i;
const PROTOCOLS = new Set(["http/json", "http/protobuf"]);

function value(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === "" ? undefined : v;
}

/** Booleans and numbers as typed values; anything else passes through so validation names it. */
function flag(v: string): boolean | string {
  return TRUE.test(v) ? true : FALSE.test(v) ? false : v;
}

function num(v: string): number | string {
  const n = Number(v);
  return v !== "" && Number.isFinite(n) ? n : v;
}

/**
 * `k1=v1,k2=v2` with percent-encoded values (W3C baggage style, as the OTel spec defines it).
 * Malformed entries are skipped, as OTel SDKs do, and reported through `warn` by position and key
 * only: header values are credentials.
 */
export function parseKeyValueList(text: string, warn: (problem: string) => void = () => {}): Record<string, string> {
  const out: Record<string, string> = {};
  const parts = text.split(",");
  parts.forEach((part, n) => {
    if (part.trim() === "") return; // a trailing comma
    const i = part.indexOf("=");
    const key = i > 0 ? part.slice(0, i).trim() : "";
    if (!key) {
      warn(`entry ${n + 1} is not key=value; ignored`);
      return;
    }
    const raw = part.slice(i + 1).trim();
    try {
      out[key] = decodeURIComponent(raw);
    } catch {
      warn(`the value of ${key} is not valid percent-encoding; used as written`);
      out[key] = raw;
    }
  });
  return out;
}

/** OTEL_EXPORTER_OTLP_ENDPOINT is a base URL: the traces path is appended (spec rule). */
function tracesUrlFromBase(base: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return `${base.replace(/\/+$/, "")}/v1/traces`; // not a URL: validation will say so
  }
  // Onto the path, not the end of the text: a query string (some gateways take the key there) stays last.
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/v1/traces`;
  return url.href;
}

/** The otel config the environment gives; `warn` hears of malformed list variables it skipped. */
export function otelEnvToConfig(env: Env, warn: (line: string) => void = () => {}): Json {
  const list = (name: string) => parseKeyValueList(value(env, name) ?? "", (problem) => warn(`${name}: ${problem}`));
  const out: Json = {};
  const exp: Json = {};
  const capture: Json = {};

  const enabled = value(env, "SPANLIGHT_OTEL_ENABLED") ?? value(env, "SPANLIGHT_OTEL_EXPORT");
  if (enabled !== undefined) exp.enabled = flag(enabled);
  // The OTel spec's switch for every SDK in this environment: it turns export off (over a config
  // file's `enabled: true`); only Spanlight's own variable can turn it back on.
  else if (value(env, "OTEL_SDK_DISABLED")?.trim().toLowerCase() === "true") exp.enabled = false;
  const worker = value(env, "SPANLIGHT_OTEL_WORKER");
  if (worker !== undefined) exp.worker = flag(worker);

  // The standard variables are often set for other programs (Claude Code itself, an SDK): a value
  // Spanlight cannot use is skipped with a warning rather than refusing to start, as a typo in
  // Spanlight's own variable does.
  const standard = (name: string, usable: (v: string) => boolean, expected: string) => {
    const v = value(env, name);
    if (v === undefined || usable(v)) return v;
    warn(`${name} is not ${expected}; Spanlight ignores it`);
    return undefined;
  };
  const isHttpUrl = (v: string) => /^https?:\/\//i.test(v) && URL.canParse(v);
  // The config schema's floor too: a shorter timeout would fail every export.
  const isMs = (v: string) => /^\d+$/.test(v) && Number(v) >= 100;
  const baseUrl = () => {
    const base = standard("OTEL_EXPORTER_OTLP_ENDPOINT", isHttpUrl, "an http:// or https:// URL");
    return base ? tracesUrlFromBase(base) : undefined;
  };
  const endpoint =
    value(env, "SPANLIGHT_OTEL_ENDPOINT") ??
    standard("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", isHttpUrl, "an http:// or https:// URL") ??
    baseUrl();
  if (endpoint) exp.endpoint = endpoint;

  const headers = {
    ...list("OTEL_EXPORTER_OTLP_HEADERS"),
    ...list("OTEL_EXPORTER_OTLP_TRACES_HEADERS"),
    ...list("SPANLIGHT_OTEL_HEADERS"),
  };
  if (Object.keys(headers).length > 0) exp.headers = headers;

  // Spanlight's own variable is passed as given (a typo should fail at start-up); the standard
  // ones are often set for Claude Code itself (e.g. grpc), so values Spanlight cannot speak are ignored.
  const standardProtocol =
    value(env, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") ?? value(env, "OTEL_EXPORTER_OTLP_PROTOCOL");
  const protocol =
    value(env, "SPANLIGHT_OTEL_PROTOCOL") ??
    (standardProtocol && PROTOCOLS.has(standardProtocol) ? standardProtocol : undefined);
  if (protocol) exp.protocol = protocol;
  // Ignored quietly while export is off; with export on, the user expects that protocol and endpoint.
  if (exp.enabled === true && standardProtocol && !protocol)
    warn(
      `${value(env, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") ? "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL" : "OTEL_EXPORTER_OTLP_PROTOCOL"}=${standardProtocol} is not supported; Spanlight exports over OTLP/HTTP (http/protobuf), usually on port 4318`,
    );

  const timeout =
    value(env, "SPANLIGHT_OTEL_TIMEOUT_MS") ??
    standard("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", isMs, "a whole number of milliseconds, at least 100") ??
    standard("OTEL_EXPORTER_OTLP_TIMEOUT", isMs, "a whole number of milliseconds, at least 100");
  if (timeout) exp.timeoutMs = num(timeout);

  const numbers: Array<[string, Json, string]> = [
    ["SPANLIGHT_OTEL_BATCH_SIZE", exp, "batchSize"],
    ["SPANLIGHT_OTEL_DELAY_MS", exp, "delayMs"],
    ["SPANLIGHT_OTEL_MAX_QUEUE", exp, "maxQueue"],
    ["SPANLIGHT_OTEL_RETRIES", exp, "retries"],
    ["SPANLIGHT_OTEL_TOOL_TIMEOUT_MS", out, "toolTimeoutMs"],
    ["SPANLIGHT_OTEL_TURN_TIMEOUT_MS", out, "turnTimeoutMs"],
    ["SPANLIGHT_OTEL_MAX_OPEN_SPANS", out, "maxOpenSpans"],
    ["SPANLIGHT_OTEL_MAX_ATTRIBUTE_CHARS", out, "maxAttributeChars"],
  ];
  for (const [name, target, key] of numbers) {
    const v = value(env, name);
    if (v !== undefined) target[key] = num(v);
  }

  const flags: Array<[string, string]> = [
    ["SPANLIGHT_OTEL_CAPTURE_PROMPTS", "prompts"],
    ["SPANLIGHT_OTEL_CAPTURE_TOOL_INPUT", "toolInput"],
    ["SPANLIGHT_OTEL_CAPTURE_TOOL_OUTPUT", "toolOutput"],
  ];
  for (const [name, key] of flags) {
    const v = value(env, name);
    if (v !== undefined) capture[key] = flag(v);
  }

  const resource = list("OTEL_RESOURCE_ATTRIBUTES");
  if (Object.keys(resource).length > 0) out.resourceAttributes = resource;
  // OTEL_SERVICE_NAME wins over service.name in OTEL_RESOURCE_ATTRIBUTES (spec rule).
  const service =
    value(env, "SPANLIGHT_OTEL_SERVICE_NAME") ?? value(env, "OTEL_SERVICE_NAME") ?? resource["service.name"];
  if (service) out.serviceName = service;

  const jaeger = env.SPANLIGHT_OTEL_JAEGER_URL;
  if (jaeger !== undefined) out.jaegerUrl = jaeger.trim() === "" || FALSE.test(jaeger.trim()) ? null : jaeger.trim();

  if (Object.keys(exp).length > 0) out.export = exp;
  if (Object.keys(capture).length > 0) out.capture = capture;
  return out;
}

import { type Config, type ConfigInput, configSchema } from "./config-schema.ts";
import { isLoopbackHost } from "./loopback.ts";

/**
 * One source of settings. `origin` names, for a setting path the layer sets, what set it (an
 * environment variable, a flag), where `source` alone ("environment") would leave people guessing.
 */
export type ConfigLayer = {
  source: string;
  values: ConfigInput | Record<string, unknown>;
  origin?: (path: readonly string[]) => string | undefined;
};
export type ConfigResult = { ok: true; config: Config } | { ok: false; error: string };

type Plain = Record<string, unknown>;

function isPlain(v: unknown): v is Plain {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Whether a layer's value sets anything: env and flag layers carry sections of only `undefined`. */
function setsSomething(v: unknown): boolean {
  return isPlain(v) ? Object.values(v).some(setsSomething) : v !== undefined;
}

function merge(base: Plain, over: Plain): Plain {
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) {
    // An empty section must not replace a file's wrong-typed one (`"server": null`) unreported.
    if (!setsSomething(v) || k === "__proto__") continue;
    out[k] = isPlain(v) && isPlain(out[k]) ? merge(out[k] as Plain, v) : v;
  }
  return out;
}

function lookup(values: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = values;
  // Arrays too: an error in `allowedHosts[1]` must show that entry, not "nothing (from defaults)".
  for (const p of path) v = isPlain(v) || Array.isArray(v) ? (v as Plain)[String(p)] : undefined;
  return v;
}

/** Settings whose values are secrets: an error names their length, never their content. */
function isSecret(path: readonly PropertyKey[]): boolean {
  const p = path.map(String);
  return (p[0] === "server" && p[1] === "token") || (p[0] === "otel" && p[1] === "export" && p[2] === "headers");
}

function describe(v: unknown, secret = false): string {
  if (v === undefined) return "nothing";
  if (secret) return typeof v === "string" ? `a ${v.length}-character value (not shown)` : "a value (not shown)";
  return typeof v === "string" ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
}

/**
 * Merges layers (lowest precedence first: file, env, flags; defaults come from the schema)
 * and validates. A bad value gives one line: what, expected, actual, and where it came from.
 */
export function resolveConfig(layers: ConfigLayer[]): ConfigResult {
  const merged = layers.reduce<Plain>((acc, l) => merge(acc, l.values as Plain), {});
  const sourceOf = (p: readonly PropertyKey[]) => {
    const layer = [...layers].reverse().find((l) => setsSomething(lookup(l.values, p)));
    return layer ? (layer.origin?.(p.map(String)) ?? layer.source) : "defaults";
  };
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === "unrecognized_keys") {
      // Named on their own: the section's value could hold the token.
      const paths = issue.keys.map((k) => [...issue.path, k]);
      const names = paths.map((p) => p.map(String).join(".")).join(", ");
      return {
        ok: false,
        error: `Unknown setting ${names} (from ${sourceOf(paths[0]!)}); docs/configuration.md lists the settings.`,
      };
    }
    const path = issue.path.map(String).join(".");
    const from = sourceOf(issue.path);
    return {
      ok: false,
      error: `Invalid setting ${path || "(config)"}: ${issue.message}; got ${describe(lookup(merged, issue.path), isSecret(issue.path))} (from ${from}).`,
    };
  }
  const config = parsed.data;
  if (!isLoopbackHost(config.server.host) && !config.server.token) {
    return {
      ok: false,
      error: `Refusing to listen on ${config.server.host} (server.host, from ${sourceOf(["server", "host"])}) without a token: anyone who can reach it could read your agents' prompts and commands. Set --token or SPANLIGHT_TOKEN (8+ characters), or bind to 127.0.0.1.`,
    };
  }
  return { ok: true, config };
}

function num(v: string | undefined): number | string | undefined {
  if (v === undefined || v === "") return undefined;
  return /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v;
}

/**
 * The environment variable behind a setting a layer built by `toConfig` from `env` holds: the
 * first one whose absence changes that setting (so of OTEL_EXPORTER_OTLP_ENDPOINT and
 * SPANLIGHT_OTEL_ENDPOINT, the one that won). Runs only to word an error.
 */
export function envOrigin(
  env: Record<string, string | undefined>,
  toConfig: (env: Record<string, string | undefined>) => unknown,
  path: readonly string[],
): string | undefined {
  const value = JSON.stringify(lookup(toConfig(env), path));
  for (const name of Object.keys(env).sort()) {
    if (!/^(SPANLIGHT|OTEL)_/.test(name)) continue;
    const { [name]: _, ...without } = env;
    if (JSON.stringify(lookup(toConfig(without), path)) !== value) return `environment variable ${name}`;
  }
  return undefined;
}

/** `SPANLIGHT_*` environment variables → a config layer (docs/configuration.md lists them). */
export function envToConfig(env: Record<string, string | undefined>): ConfigInput {
  const list = (v: string | undefined) =>
    v
      ? v
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined;
  return {
    server: {
      host: env.SPANLIGHT_HOST || undefined,
      port: num(env.SPANLIGHT_PORT) as number,
      token: env.SPANLIGHT_TOKEN || undefined,
      allowedHosts: list(env.SPANLIGHT_ALLOWED_HOSTS),
    },
    limits: {
      bodyBytes: num(env.SPANLIGHT_BODY_BYTES) as number,
      eventBytes: num(env.SPANLIGHT_EVENT_BYTES) as number,
    },
    store: {
      maxEvents: num(env.SPANLIGHT_MAX_EVENTS) as number,
      maxBytes: num(env.SPANLIGHT_MAX_BYTES) as number,
      maxSessions: num(env.SPANLIGHT_MAX_SESSIONS) as number,
    },
  };
}

import { otelEnvToConfig, shownUrl } from "../../otel/mod.ts";
import { unknownEnvWarnings } from "../config/env-names.ts";
import { type Config, type ConfigInput, type ConfigLayer, envToConfig, resolveConfig } from "../config/mod.ts";
import { envOrigin } from "../config/resolve-config.ts";
import { otlpForwardFromEnv } from "../otlp/mod.ts";
import { AddressInUseError, type Runtime } from "../runtime/runtime.ts";
import { createSpanlight } from "../server/compose.ts";
import { parseArgs, UsageError } from "./args.ts";
import { portInUseMessage } from "./port-in-use.ts";

export const SERVE_HELP = `Usage: spanlight serve [options]

Receives agent events, keeps them in memory, serves the dashboard, API and live stream.

Options:
  --port <n>        port to listen on (default 9292; env SPANLIGHT_PORT)
  --host <addr>     address to bind (default 127.0.0.1; env SPANLIGHT_HOST); anything
                    beyond loopback needs a token
  --token <t>       require "Authorization: Bearer <t>" for ingest and API (env SPANLIGHT_TOKEN)
  --config <file>   JSON config file (env SPANLIGHT_CONFIG); see docs/configuration.md
  --help            show this help

Other settings (limits, store, stream, OpenTelemetry export) come from the config file, many
also from SPANLIGHT_* variables: docs/configuration.md lists them. Export traces:
SPANLIGHT_OTEL_ENABLED=1 (docs/otel.md).

Precedence: flags > environment > config file > defaults.`;

/** The flag behind each setting a flag can give, to name it in an error. */
const FLAG_OF: Record<string, string> = { "server.port": "--port", "server.host": "--host", "server.token": "--token" };

/** Builds the config layers (file < env < flags); reading the file is the runtime's job. */
export async function loadConfig(args: string[], rt: Pick<Runtime, "env" | "readTextFile">) {
  const { flags } = parseArgs(args, { values: ["port", "host", "token", "config"], switches: ["help"] });
  const layers: ConfigLayer[] = [];
  // `--config "$UNSET"` must not quietly run on defaults.
  if (flags.config === "") throw new UsageError("--config needs a file path");
  const file = typeof flags.config === "string" ? flags.config : rt.env.SPANLIGHT_CONFIG;
  if (file) {
    let text: string;
    try {
      text = await rt.readTextFile(file);
    } catch (err) {
      // A SPANLIGHT_CONFIG left in a profile is easy to forget: say where the path came from.
      const from = typeof flags.config === "string" ? "--config" : "SPANLIGHT_CONFIG";
      return { ok: false as const, error: `Cannot read config file ${file} (from ${from}): ${(err as Error).message}` };
    }
    let values: unknown;
    try {
      // Editors on Windows save UTF-8 with a byte-order mark, which JSON.parse rejects.
      values = JSON.parse(text.replace(/^\uFEFF/, ""));
    } catch (err) {
      return { ok: false as const, error: `Config file ${file} is not valid JSON: ${(err as Error).message}` };
    }
    if (values === null || typeof values !== "object" || Array.isArray(values)) {
      const got = values === null ? "null" : Array.isArray(values) ? "an array" : `a ${typeof values}`;
      return {
        ok: false as const,
        error: `Config file ${file} must hold a JSON object like {"server": {...}}; got ${got}.`,
      };
    }
    layers.push({ source: file, values: values as ConfigInput });
  }
  layers.push({
    source: "environment (SPANLIGHT_*)",
    values: envToConfig(rt.env),
    origin: (path) => envOrigin(rt.env, envToConfig, path),
  });
  const warnings: string[] = unknownEnvWarnings(rt.env);
  const otel = otelEnvToConfig(rt.env, (line) => warnings.push(line));
  layers.push({
    source: "environment (OTEL_*, SPANLIGHT_OTEL_*)",
    values: { otel },
    origin: (path) => envOrigin(rt.env, (env) => ({ otel: otelEnvToConfig(env) }), path),
  });
  const fromFlags: ConfigInput = { server: {} };
  if (typeof flags.port === "string")
    // Numeric text as a number (as for SPANLIGHT_PORT), so `--port -1` is reported as out of range.
    fromFlags.server!.port = /^-?\d+$/.test(flags.port) ? Number(flags.port) : (flags.port as never);
  if (typeof flags.host === "string") fromFlags.server!.host = flags.host;
  if (typeof flags.token === "string") fromFlags.server!.token = flags.token;
  layers.push({
    source: "command-line flags",
    values: fromFlags,
    origin: (path) => (FLAG_OF[path.join(".")] ? `command-line flag ${FLAG_OF[path.join(".")]}` : undefined),
  });
  const result = resolveConfig(layers);
  // The file turns export on and the environment (OTEL_SDK_DISABLED, often set for every OTel SDK
  // of a machine) turns it off: the banner names the variable, or no trace would say why.
  const fileExport = file ? (layers[0]!.values as ConfigInput).otel?.export?.enabled === true : false;
  const exportOffBy =
    fileExport && result.ok && !result.config.otel.export.enabled
      ? (envOrigin(rt.env, (env) => ({ otel: otelEnvToConfig(env) }), ["otel", "export", "enabled"]) ?? null)
      : null;
  return { ...result, help: flags.help === true, warnings, exportOffBy };
}

export async function serveCommand(args: string[], rt: Runtime): Promise<number> {
  let loaded: Awaited<ReturnType<typeof loadConfig>>;
  try {
    loaded = await loadConfig(args, rt);
  } catch (err) {
    if (err instanceof UsageError) {
      rt.err(`spanlight serve: ${err.message} (see spanlight serve --help)`);
      return 2;
    }
    throw err;
  }
  if ("help" in loaded && loaded.help) {
    rt.out(SERVE_HELP);
    return 0;
  }
  if (!loaded.ok) {
    rt.err(`spanlight: ${loaded.error}`);
    return 2;
  }
  const config = loaded.config;
  for (const line of loaded.warnings) rt.err(`spanlight: ${line}`);
  const spanlight = createSpanlight({
    config,
    log: (line) => rt.err(`spanlight: ${line}`),
    ui: await rt.dashboard?.(),
    hostName: rt.hostName(),
    otlpForward: otlpForwardFromEnv(rt.env),
    exportWorker: rt.spawnExportWorker,
  });
  let listener: Awaited<ReturnType<Runtime["serve"]>>;
  try {
    listener = await rt.serve(spanlight.fetch, {
      host: config.server.host,
      port: config.server.port,
      direct: { ingest: spanlight.ingestDirect, limit: config.limits.bodyBytes },
    });
  } catch (err) {
    if (err instanceof AddressInUseError) {
      rt.err(`spanlight: ${await portInUseMessage(err.host, err.port)}`);
      return 2;
    }
    // E.g. an address this machine does not have, or a name that does not resolve: one line, not a stack.
    rt.err(`spanlight: cannot listen on ${config.server.host}:${config.server.port}: ${(err as Error).message}`);
    return 2;
  }
  spanlight.start();
  // Before the banner: whoever reads "listening" may signal at once, and a signal that comes before
  // the handler takes the runtime's default (exit by signal, no flush).
  const stopped = new Promise<number>((resolve) => {
    rt.onShutdown(async (signal) => {
      rt.err(`spanlight: ${signal}, shutting down`);
      // Stop accepting first, then end the streams so open SSE connections let the server close.
      const closing = listener.close();
      await spanlight.close();
      await closing;
      resolve(0);
    });
  });
  const base = `http://${config.server.host.includes(":") ? `[${config.server.host}]` : config.server.host}:${listener.port}`;
  rt.out(`Spanlight ${spanlight.version} listening on ${base}`);
  rt.out(`  dashboard  ${base}/`);
  rt.out(`  hooks      POST ${base}/v1/hooks/claude-code   (spanlight init installs them)`);
  rt.out(`  otlp       ${base}/v1/{traces,logs,metrics}   (spanlight init --otel points Claude Code here)`);
  const exportLine = exportBanner(config, rt.env, loaded.exportOffBy);
  if (exportLine) rt.out(`  export     ${exportLine}`);
  if (config.server.token) {
    rt.out("  auth       bearer token required (the dashboard: open it once with ?token=<token>)");
  }
  return stopped;
}

/** The banner's export line: where spans go, or why not when the settings suggest they should. */
export function exportBanner(
  config: Config,
  env: Record<string, string | undefined>,
  offBy: string | null = null,
): string | null {
  const exp = config.otel.export;
  if (exp.enabled) return `${shownUrl(exp.endpoint)} (${exp.protocol})`;
  if (offBy) return `off: the config file turns it on, but ${offBy} turns it off`;
  if (env.SPANLIGHT_OTEL_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
    return "off: an export endpoint is set, but SPANLIGHT_OTEL_ENABLED=1 (or otel.export.enabled) turns export on";
  return null;
}

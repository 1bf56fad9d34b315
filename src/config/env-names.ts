// Every SPANLIGHT_* variable some part of Spanlight reads: the server (config, OTel export, OTLP
// forwarding), the hook scripts (which may share the environment), and the test runner. A name
// outside this list is a typo (PROT for PORT) that would otherwise be ignored without a word.

const SERVER = [
  "CONFIG",
  "HOST",
  "PORT",
  "TOKEN",
  "ALLOWED_HOSTS",
  "BODY_BYTES",
  "EVENT_BYTES",
  "MAX_EVENTS",
  "MAX_BYTES",
  "MAX_SESSIONS",
  "OTLP_FORWARD_LOGS",
  "OTLP_FORWARD_METRICS",
];
const OTEL = [
  "ENABLED",
  "EXPORT",
  "WORKER",
  "ENDPOINT",
  "HEADERS",
  "PROTOCOL",
  "TIMEOUT_MS",
  "BATCH_SIZE",
  "DELAY_MS",
  "MAX_QUEUE",
  "RETRIES",
  "TOOL_TIMEOUT_MS",
  "TURN_TIMEOUT_MS",
  "MAX_OPEN_SPANS",
  "MAX_ATTRIBUTE_CHARS",
  "CAPTURE_PROMPTS",
  "CAPTURE_TOOL_INPUT",
  "CAPTURE_TOOL_OUTPUT",
  "SERVICE_NAME",
  "JAEGER_URL",
].map((n) => `OTEL_${n}`);
const HOOKS = [
  "URL",
  "ENABLED",
  "SPOOL",
  "SPOOL_MAX_FILES",
  "SPOOL_MAX_KB",
  "AGENT_ID",
  "CONTAINER_ID",
  "WORKFLOW_ID",
  "NODE_ID",
  "HOOKS_DIR",
  "HOOK_LOG",
  "MANAGED_ENV",
];
// Tests and benchmarks (bench/ingest.ts passes its environment to the server it starts).
const TESTS = ["QUICK", "SCREENSHOTS", "BENCH_NODE_FLAGS"];

export const KNOWN_ENV = new Set([...SERVER, ...OTEL, ...HOOKS, ...TESTS].map((n) => `SPANLIGHT_${n}`));

/** One warning per SPANLIGHT_* variable nothing reads, with the known name it most resembles. */
export function unknownEnvWarnings(env: Record<string, string | undefined>): string[] {
  const warnings: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith("SPANLIGHT_") || KNOWN_ENV.has(name)) continue;
    const near = closest(name);
    warnings.push(`${name} is not a Spanlight setting and is ignored${near ? ` (did you mean ${near}?)` : ""}`);
  }
  return warnings;
}

/** The known name within two edits of `name`, if any. */
function closest(name: string): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const known of KNOWN_ENV) {
    const d = distance(name, known);
    if (d < bestDistance) [best, bestDistance] = [known, d];
  }
  return best;
}

/** Levenshtein distance with adjacent swaps (PROT → PORT is one edit). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
      }
    }
  }
  return d[a.length]![b.length]!;
}

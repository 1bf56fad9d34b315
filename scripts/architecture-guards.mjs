// Architecture rules that matter, checked by grep (docs/architecture.md explains each).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist") continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|tsx)$/.test(name)) out.push(p);
  }
  return out;
}

const RULES = [
  {
    why: "only otel/sdk-tracer.ts imports the OpenTelemetry SDK and exporters",
    pattern: /from\s+["']@opentelemetry\/(sdk-|exporter-|resources|core)/,
    allowed: (f) =>
      f === "otel/sdk-tracer.ts" || f.startsWith("test/") || f.startsWith("bench/") || f.startsWith("src/otlp/"),
  },
  {
    why: "Deno APIs only in the Deno entry",
    pattern: /\bDeno\./,
    allowed: (f) => f === "src/runtime/deno.ts" || f.startsWith("test/"),
  },
  {
    why: "Bun APIs only in the Bun entry",
    pattern: /\bBun\./,
    allowed: (f) => f === "src/runtime/bun.ts" || f.startsWith("test/"),
  },
  {
    why: "the app core never touches process.* (runtime entries and CLI do)",
    // Not inside a string: attribute names such as "process.exit.code" are data, not calls.
    pattern: /(?<![\w."'`])process\.(env|argv|exit|on)\b/,
    allowed: (f) => !/^src\/(ingest|store|stream|api|server|schema|config)\//.test(f) && !/^otel\//.test(f),
  },
  {
    why: "the dashboard never imports zod (types only from src/schema)",
    pattern: /from\s+["']zod["']|import\s+\{[^}]*\}\s+from\s+["'][^"']*src\/schema/,
    allowed: (f) => !f.startsWith("ui/src/"),
  },
];

export function guardArchitecture(root) {
  const problems = [];
  const files = ["src", "otel", "ui/src"].flatMap((d) => {
    try {
      return walk(join(root, d));
    } catch {
      return [];
    }
  });
  for (const file of files) {
    const rel = relative(root, file).replaceAll("\\", "/");
    const text = readFileSync(file, "utf8");
    for (const rule of RULES) {
      if (!rule.allowed(rel) && rule.pattern.test(text)) problems.push(`${rel}: ${rule.why}`);
    }
  }
  return problems;
}

#!/usr/bin/env node
// Bundles the server for Node into dist/node/spanlight.mjs, so `npm start` runs plain JavaScript:
// no TypeScript loader at run time (about 30 MB less memory and faster start than tsx).
// The bundle sits two folders deep like src/runtime/, so paths it resolves relative to itself
// (../../ui/dist) still find the dashboard build. Skipped when the bundle is newer than every source.
import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const BUNDLE = join(root, "dist", "node", "spanlight.mjs");

function newest(dir) {
  let max = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    max = Math.max(max, st.isDirectory() ? newest(p) : st.mtimeMs);
  }
  return max;
}

export function bundleIsFresh() {
  try {
    const built = statSync(BUNDLE).mtimeMs;
    return (
      built >=
      Math.max(newest(join(root, "src")), newest(join(root, "otel")), statSync(join(root, "package.json")).mtimeMs)
    );
  } catch {
    return false;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (bundleIsFresh() && !process.argv.includes("--force")) process.exit(0);
  // esbuild is a build-time tool: imported only when a bundle is actually built.
  const { build } = await import("esbuild");
  await build({
    // The export worker is its own entry: worker_threads loads it from a file next to the bundle.
    entryPoints: {
      spanlight: join(root, "src", "runtime", "node-main.ts"),
      "export-worker": join(root, "src", "runtime", "node-worker.ts"),
    },
    outdir: dirname(BUNDLE),
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "linked",
    logLevel: "warning",
    // Some dependencies still call require(); give the ESM bundle one.
    banner: {
      js: "import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);",
    },
  });
}

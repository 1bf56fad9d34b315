#!/usr/bin/env node
// Builds the dashboard (ui/ → ui/dist) when the build is missing or older than its sources, so
// `npm start` always serves the current UI. `--force` builds regardless.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

function newestMtime(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** Why the build in `<root>/ui/dist` must be (re)made, or null when it is current. */
export function staleReason(root = ROOT) {
  const built = join(root, "ui", "dist", "index.html");
  if (!existsSync(built)) return "ui/dist is missing";
  const builtAt = statSync(built).mtimeMs;
  const inputs = ["ui/src", "ui/public", "ui/index.html", "ui/vite.config.ts"].map((p) => join(root, p));
  const newest = Math.max(...inputs.map(newestMtime));
  return newest > builtAt ? "ui/src changed since the last build" : null;
}

export function buildUi(root = ROOT) {
  const vite = join(root, "node_modules", "vite", "bin", "vite.js");
  if (!existsSync(vite)) return { ok: false, message: "vite is not installed (npm install includes it)" };
  const res = spawnSync(
    process.execPath,
    [vite, "build", "--config", join(root, "ui", "vite.config.ts"), "--logLevel", "warn"],
    {
      cwd: root,
      stdio: "inherit",
    },
  );
  return res.status === 0 ? { ok: true } : { ok: false, message: `vite build exited with ${res.status}` };
}

function main() {
  const force = process.argv.includes("--force");
  const reason = force ? "--force" : staleReason();
  if (!reason) return 0;
  process.stdout.write(`spanlight: building the dashboard (${reason})…\n`);
  const result = buildUi();
  if (result.ok) return 0;
  // The server still runs without a current build (it serves the last one, or a placeholder page).
  process.stderr.write(`spanlight: could not build the dashboard: ${result.message}\n`);
  return force ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main();

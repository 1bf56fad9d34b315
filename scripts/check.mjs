#!/usr/bin/env node
// The one command that runs every check: format + lint, type-check, architecture guards, tests.
// CI runs exactly this (`npm test`). It ends with a plain `N passed, N failed` line computed from
// vitest's JSON report, because that is the line the CI runner reads.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { guardArchitecture } from "./architecture-guards.mjs";

const args = process.argv.slice(2);
const quick = args.includes("--quick"); // skip slow suites (browser, real CLI) while iterating
const vitestArgs = args.filter((a) => a !== "--quick");
const failures = [];

function step(name, cmd, cmdArgs, env = {}) {
  process.stdout.write(`\n▶ ${name}\n`);
  const res = spawnSync(cmd, cmdArgs, { stdio: "inherit", env: { ...process.env, ...env } });
  if (res.status !== 0) failures.push(name);
  return res.status === 0;
}

const bin = (name) => join("node_modules", ".bin", name);

step("format + lint (biome)", bin("biome"), ["check", "."]);
step("type-check (tsc)", bin("tsc"), ["-p", "."]);
process.stdout.write("\n▶ architecture guards\n");
const guardProblems = guardArchitecture(process.cwd());
for (const p of guardProblems) process.stdout.write(`  ✗ ${p}\n`);
if (guardProblems.length > 0) failures.push("architecture guards");
else process.stdout.write("  ok\n");

const dir = mkdtempSync(join(tmpdir(), "spanlight-check-"));
const report = join(dir, "vitest.json");
step(
  "tests (vitest)",
  bin("vitest"),
  ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...vitestArgs],
  quick ? { SPANLIGHT_QUICK: "1" } : {},
);

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const json = JSON.parse(readFileSync(report, "utf8"));
  passed = json.numPassedTests;
  failed = json.numFailedTests;
  skipped = json.numPendingTests + json.numTodoTests;
  // A suite that fails to load has no tests but is a failure all the same.
  failed += (json.testResults ?? []).filter((r) => r.status === "failed" && r.assertionResults.length === 0).length;
} catch {
  failures.push("vitest report missing");
}
rmSync(dir, { recursive: true, force: true });

if (failures.length > 0) process.stdout.write(`\nfailed steps: ${failures.join(", ")}\n`);
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
process.exit(failures.length > 0 || failed > 0 || passed === 0 ? 1 : 0);

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NODE_SERVER_FLAGS } from "../../src/runtime/node-flags.ts";

const ROOT = join(import.meta.dirname, "..", "..");

describe("the V8 settings the Node server runs with", () => {
  it("are the same in bin/spanlight.js (npx spanlight) and in npm start", () => {
    const shebang = readFileSync(join(ROOT, "bin", "spanlight.js"), "utf8").split("\n")[0]!;
    expect(shebang).toBe(`#!/usr/bin/env -S node ${NODE_SERVER_FLAGS.join(" ")}`);
    const start = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: { start: string } })
      .scripts.start;
    expect(start).toContain(`node ${NODE_SERVER_FLAGS.join(" ")} bin/spanlight.js serve`);
  });

  it("are flags this Node accepts", () => {
    // Node refuses to start on a flag it does not know ("bad option", exit 9).
    const out = execFileSync(process.execPath, [...NODE_SERVER_FLAGS, "-e", "process.stdout.write('started')"], {
      encoding: "utf8",
    });
    expect(out).toBe("started");
  });
});

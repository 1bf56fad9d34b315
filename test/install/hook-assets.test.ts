import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HOOK_SCRIPT_NAMES, hookScript, hookScriptVersion } from "../../src/install/mod.ts";

const HOOKS_DIR = join(import.meta.dirname, "..", "..", "hooks");

describe("embedded hook scripts", () => {
  it.each(HOOK_SCRIPT_NAMES)("embeds %s exactly as it is in hooks/", (name) => {
    expect(hookScript(name)).toBe(readFileSync(join(HOOKS_DIR, name), "utf8"));
  });

  it("declares the same hook version in both variants", () => {
    const versions = HOOK_SCRIPT_NAMES.map((n) => hookScriptVersion(hookScript(n)));
    expect(versions[0]).toMatch(/^\d+$/);
    expect(new Set(versions).size).toBe(1);
  });

  it("has a generator check that passes when the module is current", () => {
    const res = spawnSync(process.execPath, [join(HOOKS_DIR, "build-assets.mjs"), "--check"], { encoding: "utf8" });
    expect(res.stderr).toBe("");
    expect(res.status).toBe(0);
  });
});

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { firstHome } from "../../src/runtime/home.ts";
import { nodeRuntime } from "../../src/runtime/node.ts";
import { createTempDir } from "../hooks/helpers/temp-dir.ts";
import { denoPermissions, findDeno, ROOT } from "../smoke/helpers/targets.ts";

// The home `init` installs under (~/.claude, ~/.spanlight) is chosen by each runtime's entry module.
// An empty HOME must count as unset: "" would put both in the current directory.

const ACCOUNT_HOME = userInfo().homedir;

describe("firstHome", () => {
  it("takes the first source that gives a path, skipping empty and failing ones", () => {
    expect(firstHome([() => "/home/a", () => "/home/b"])).toBe("/home/a");
    expect(firstHome([() => "", () => undefined, () => "/home/b"])).toBe("/home/b");
    const noPasswdEntry = () => {
      throw new Error("ENOENT: no such file or directory, uv_os_get_passwd");
    };
    expect(firstHome([() => "", noPasswdEntry, () => "/home/c"])).toBe("/home/c");
    expect(firstHome([() => "", noPasswdEntry])).toBe("");
  });
});

describe("the runtime's home", () => {
  const saved = process.env.HOME;
  afterEach(() => {
    process.env.HOME = saved;
  });

  it("on Node is HOME when set, and the account's home when HOME is empty", () => {
    process.env.HOME = "/somewhere/else";
    expect(nodeRuntime([]).home).toBe("/somewhere/else");
    process.env.HOME = "";
    expect(nodeRuntime([]).home).toBe(ACCOUNT_HOME);
  });

  /** `home` as the entry module computes it, run on that runtime with HOME as given (undefined: unset). */
  function homeOn(
    argv: string[],
    source: string,
    home: string | undefined,
    extra: Record<string, string> = {},
  ): string {
    // The runtimes' caches go to a temporary directory: under an empty HOME, Bun would put its
    // own in the current directory, the source tree.
    const tmp = createTempDir();
    try {
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        DENO_DIR: join(tmp.path, "deno"),
        DENO_NO_UPDATE_CHECK: "1",
        BUN_INSTALL: join(tmp.path, "bun"),
        BUN_INSTALL_CACHE_DIR: join(tmp.path, "bun", "cache"),
        BUN_RUNTIME_TRANSPILER_CACHE_PATH: "0",
      };
      if (home !== undefined) env.HOME = home;
      Object.assign(env, extra);
      const res = spawnSync(argv[0]!, argv.slice(1), { cwd: ROOT, env, input: source, encoding: "utf8" });
      expect(res.stderr).toBe("");
      return JSON.parse(res.stdout) as string;
    } finally {
      tmp.cleanup();
    }
  }

  it.each([
    ["set", "/somewhere/else", "/somewhere/else"],
    ["empty", "", ACCOUNT_HOME],
    ["unset", undefined, ACCOUNT_HOME],
  ])("on Deno, with HOME %s", (_, home, expected) => {
    const deno = [findDeno(), "run", "--no-prompt", ...denoPermissions("spanlight"), "-"];
    const source = `import { denoRuntime } from "./src/runtime/deno.ts";
console.log(JSON.stringify(denoRuntime([]).home));`;
    expect(homeOn(deno, source, home)).toBe(expected);
  });

  it("on Deno, takes the directory `deno task` was typed in (INIT_CWD) for the working directory", () => {
    // `deno task` runs in deno.json's directory: `init --project` must still write the user's project.
    const deno = [findDeno(), "run", "--no-prompt", ...denoPermissions("spanlight"), "-"];
    const source = `import { denoRuntime } from "./src/runtime/deno.ts";
console.log(JSON.stringify(denoRuntime([]).cwd));`;
    expect(homeOn(deno, source, "/somewhere/else", { INIT_CWD: "/my/project" })).toBe("/my/project");
    expect(homeOn(deno, source, "/somewhere/else")).toBe(ROOT);
  });

  const bun = join(ROOT, "node_modules", ".bin", "bun");
  it.skipIf(!existsSync(bun)).each([
    ["set", "/somewhere/else", "/somewhere/else"],
    ["empty", "", ACCOUNT_HOME],
    ["unset", undefined, ACCOUNT_HOME],
  ])("on Bun (the compiled binary's runtime), with HOME %s", (_, home, expected) => {
    const source = `import { bunRuntime } from "./src/runtime/bun.ts";
console.log(JSON.stringify(bunRuntime([]).home));`;
    expect(homeOn([bun, "run", "-"], source, home)).toBe(expected);
  });
});

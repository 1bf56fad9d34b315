import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { toHookCommand } from "../../src/install/hook-entries.ts";
import { HOOK_VARIANTS, type HookRun, hooksEnded, readSpool, runHook, runWithStdin } from "./helpers/run-hook.ts";
import { createTempDir } from "./helpers/temp-dir.ts";

/**
 * What a broken machine must not turn into a hook decision: for Claude Code exit 2 blocks the
 * tool (or erases the prompt, or keeps a Stop going), other codes show an error on every event,
 * and stdout can be read as a decision. Whatever is missing, the hook exits 0 with no output.
 */

/** Runs a command line the way Claude Code does: `/bin/sh -c`, the payload on stdin. */
function runCommandLine(command: string, payload: string, env: Record<string, string>): Promise<HookRun> {
  return runWithStdin("/bin/sh", ["-c", command], payload, env);
}

const PAYLOAD = JSON.stringify({ session_id: "sess-failsafe", hook_event_name: "PreToolUse", tool_name: "Bash" });

describe("hooks on a machine missing parts", () => {
  let tmp: ReturnType<typeof createTempDir>;
  beforeEach(() => {
    tmp = createTempDir();
  });
  afterEach(async () => {
    await hooksEnded(tmp.path);
    tmp.cleanup();
  });

  it.each(["sh", "python"] as const)(
    "the installed %s command exits 0 when the hook scripts are not there",
    async (client) => {
      // A project's settings shared with someone who never ran init, or a container without the mount.
      const command = toHookCommand({ baseUrl: "http://127.0.0.1:9393", client, urlInCommand: true });
      const run = await runCommandLine(command, PAYLOAD, { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tmp.path });
      expect(run.code).toBe(0);
      expect(run.stdout).toBe("");
    },
  );

  it.each(HOOK_VARIANTS)("the $name hook is quiet when the spool takes no files", async (variant) => {
    // A directory where no file can be created, even as root.
    if (!existsSync("/proc/self")) return;
    const run = await runHook(variant, PAYLOAD, { HOME: tmp.path, SPANLIGHT_SPOOL: "/proc/self" });
    expect(run).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("the sh hook keeps the spool within its bound when curl is not installed", async () => {
    // A PATH with what the script uses, but no curl (Alpine and other slim images).
    const bin = join(tmp.path, "bin");
    mkdirSync(bin);
    const tools = ["sh", "cat", "mkdir", "rm", "mv", "date", "sed", "head", "find", "wc", "uname"];
    for (const tool of tools) {
      const found = (process.env.PATH ?? "").split(":").find((dir) => dir && existsSync(join(dir, tool)));
      if (found) symlinkSync(join(found, tool), join(bin, tool));
    }
    expect(existsSync(join(bin, "curl"))).toBe(false);
    const [sh] = HOOK_VARIANTS;
    const spool = join(tmp.path, "spool");
    const env = { PATH: bin, HOME: tmp.path, SPANLIGHT_SPOOL: spool, SPANLIGHT_SPOOL_MAX_FILES: "2" };
    for (const n of [1, 2, 3, 4, 5]) {
      const run = await runHook(sh!, JSON.stringify({ session_id: "s", hook_event_name: `E${n}` }), env);
      expect(run).toEqual({ code: 0, stdout: "", stderr: "" });
      // One hook at a time, each waited for until its background pass is over.
      await vi.waitFor(
        () => {
          const s = readSpool(spool);
          expect(s.locked || s.inFlight > 0).toBe(false);
          expect(s.pending).toHaveLength(Math.min(n, 2));
          expect(s.dropped).toBe(Math.max(0, n - 2));
        },
        { timeout: 20_000, interval: 20 },
      );
    }
  });
});

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

/**
 * The real Claude Code CLI: a native binary in the SDK's platform package (npm installs the one
 * for this machine, e.g. `claude-agent-sdk-linux-x64`; musl systems get the `-musl` one).
 */
export const CLAUDE_BIN = ((): string => {
  const scope = join(import.meta.dirname, "..", "..", "node_modules", "@anthropic-ai");
  const base = `claude-agent-sdk-${process.platform}-${process.arch}`;
  const exe = process.platform === "win32" ? "claude.exe" : "claude";
  return [base, `${base}-musl`].map((p) => join(scope, p, exe)).find((p) => existsSync(p)) ?? join(scope, base, exe);
})();

export type ClaudeResult = {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Claude Code's `--output-format json` result, when it printed one. */
  result: { session_id: string; is_error: boolean; num_turns: number; total_cost_usd: number } | null;
};

// Safety net against a hung CLI; a scripted session takes one or two seconds.
const RUN_TIMEOUT_MS = 60_000;

/**
 * Runs `claude -p` once in `cwd` with a clean environment: the temporary HOME (whose settings
 * hold the hooks under test), the fake API, no telemetry or update traffic. As root
 * `--dangerously-skip-permissions` is refused, so tools are allowed by name.
 */
export function runClaude(options: {
  home: string;
  cwd: string;
  apiUrl: string;
  prompt: string;
  env?: Record<string, string>;
}): Promise<ClaudeResult> {
  const args = ["-p", options.prompt, "--output-format", "json", "--allowedTools", "Bash,Read,Write,Edit,Grep,Agent"];
  const env = {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: options.home,
    TMPDIR: join(options.home, "tmp"),
    LANG: "C.UTF-8",
    ANTHROPIC_BASE_URL: options.apiUrl,
    ANTHROPIC_API_KEY: "sk-ant-e2e-fake-key",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_AUTOUPDATER: "1",
    ...options.env,
  };
  return new Promise((resolve, reject) => {
    // stdin closed: with a pipe open, print mode waits 3 s for more input.
    const child = spawn(CLAUDE_BIN, args, { cwd: options.cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }, RUN_TIMEOUT_MS);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      let result: ClaudeResult["result"] = null;
      try {
        result = JSON.parse(stdout);
      } catch {
        // not JSON: the assertions show stdout and stderr
      }
      resolve({ code, stdout, stderr, result });
    });
  });
}

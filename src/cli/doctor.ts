import { type Check, runDoctor } from "../install/doctor-checks.ts";
import type { CliIo, Runtime } from "../runtime/runtime.ts";
import { parseArgs } from "./args.ts";
import { parseBaseUrl } from "./init.ts";

export const DOCTOR_HELP = `Usage: spanlight doctor [--url URL] [--token T]

Checks the whole path from Claude Code to Spanlight and prints a fix for every problem:
the hooks in Claude Code's settings, the hook scripts, the server, a test event sent through
the installed command hook (and the HTTP endpoint), the spool, and OTLP when --otel is set up.
The test events appear as a short session named spanlight-doctor-….

Options:
  --url URL   the server to check (default: the URL in the installed hooks)
  --token T   bearer token (default: $SPANLIGHT_TOKEN)
  --help      show this help

Exits 1 when any check fails.`;

const MARK: Record<Check["status"], string> = { ok: "✓", warn: "!", fail: "✗" };

export async function doctorCommand(args: string[], io: CliIo & Partial<Runtime>): Promise<number> {
  const { flags } = parseArgs(args, { values: ["url", "token"], switches: ["help"] });
  if (flags.help) {
    io.out(DOCTOR_HELP);
    return 0;
  }
  const checks = await runDoctor({
    home: io.home,
    cwd: io.cwd,
    env: io.env,
    url: typeof flags.url === "string" ? parseBaseUrl(flags.url) : null,
    token: typeof flags.token === "string" ? flags.token : null,
  });
  for (const c of checks) {
    io.out(`${MARK[c.status]} ${c.title}${c.detail ? ` (${c.detail})` : ""}`);
    if (c.fix && c.status !== "ok") io.out(`    → ${c.fix}`);
  }
  const failed = checks.filter((c) => c.status === "fail").length;
  io.out(failed === 0 ? "Everything needed works." : `${failed} problem${failed === 1 ? "" : "s"} found.`);
  return failed === 0 ? 0 : 1;
}

export const doctorCmd = { summary: "check hooks, server and delivery, with fixes", run: doctorCommand };

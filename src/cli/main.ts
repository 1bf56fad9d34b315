import type { Runtime } from "../runtime/runtime.ts";
import { VERSION } from "../server/compose.ts";
import { UsageError } from "./args.ts";
import { COMMANDS } from "./commands.ts";

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `Spanlight ${VERSION}: see what your coding agents are doing, live.

Usage: spanlight <command> [options]

Commands:
${lines.join("\n")}

Run "spanlight <command> --help" for a command's options. With no command, "serve" runs.`;
}

/** The CLI: dispatches to a command; returns the process exit code. */
export async function runCli(args: string[], rt: Runtime): Promise<number> {
  const [first, ...rest] = args;
  if (first === "--help" || first === "-h" || first === "help") {
    // `spanlight help init`, `spanlight -h init`: that command's help.
    if (rest[0] && COMMANDS[rest[0]]) return COMMANDS[rest[0]]!.run(["--help"], rt);
    rt.out(help());
    return 0;
  }
  if (first === "--version" || first === "-v") {
    rt.out(VERSION);
    return 0;
  }
  const name = first === undefined || first.startsWith("--") ? "serve" : first;
  const command = COMMANDS[name];
  if (!command) {
    rt.err(`spanlight: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  try {
    return await command.run(first === undefined || first.startsWith("--") ? args : rest, rt);
  } catch (err) {
    if (err instanceof UsageError) {
      rt.err(`spanlight ${name}: ${err.message}`);
      return 2;
    }
    throw err;
  }
}

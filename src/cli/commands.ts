import type { CliIo, Runtime } from "../runtime/runtime.ts";
import { doctorCmd } from "./doctor.ts";
import { initCmd } from "./init.ts";
import { serveCommand } from "./serve.ts";
import { uninstallCmd } from "./uninstall.ts";

export type Command = { summary: string; run(args: string[], io: CliIo & Partial<Runtime>): Promise<number> };

/** Every `spanlight <command>`; `spanlight --help` lists them in this order. */
export const COMMANDS: Record<string, Command> = {
  serve: { summary: "run the server (dashboard, API, ingest)", run: (args, io) => serveCommand(args, io as Runtime) },
  init: initCmd,
  uninstall: uninstallCmd,
  doctor: doctorCmd,
};

import type { CliIo } from "../../src/runtime/runtime.ts";

export type CapturedIo = CliIo & { hostName(): string; lines: string[]; errors: string[]; text(): string };

/** A CliIo that records output, for running CLI commands in-process against temp directories. */
export function captureIo(where: { home: string; cwd: string; env?: Record<string, string | undefined> }): CapturedIo {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    out: (line) => lines.push(line),
    err: (line) => errors.push(line),
    env: where.env ?? { PATH: process.env.PATH },
    cwd: where.cwd,
    home: where.home,
    hostName: () => "test-host",
    lines,
    errors,
    text: () => [...lines, ...errors].join("\n"),
  };
}

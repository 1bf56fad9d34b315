import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const FIXTURES_DIR = join(import.meta.dirname, "..", "fixtures", "claude-code");

export function scenarios(): string[] {
  return readdirSync(FIXTURES_DIR).filter((n) => !n.includes("."));
}

export type HookCapture = { payload: Record<string, unknown>; receivedAt: string; line: string };

/** A captured scenario's hook payloads with their real arrival times (from hooks-meta.jsonl). */
export function loadHooks(scenario: string): HookCapture[] {
  const dir = join(FIXTURES_DIR, scenario);
  const lines = readFileSync(join(dir, "hooks.jsonl"), "utf8").split("\n").filter(Boolean);
  const meta = readFileSync(join(dir, "hooks-meta.jsonl"), "utf8").split("\n").filter(Boolean);
  return lines.map((line, i) => ({
    payload: JSON.parse(line),
    line,
    receivedAt: JSON.parse(meta[i] ?? "{}").received_at ?? new Date(0).toISOString(),
  }));
}

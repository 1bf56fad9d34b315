// Types for scripts/compile.mjs, so TypeScript tests can import it.
import type { EmbeddedFiles } from "../src/runtime/embedded-assets.ts";

export function findBun(root?: string): string | null;
export function collectFiles(dir: string): EmbeddedFiles;
export function renderEntry(files: EmbeddedFiles, bunEntry?: string): string;
export function compile(options?: {
  root?: string;
  outfile?: string;
  uiDir?: string;
  target?: string;
  log?: (line: string) => void;
}): Promise<{ outfile: string; files: string[]; bytes: number }>;

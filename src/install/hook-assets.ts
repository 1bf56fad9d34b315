import { HOOK_ASSETS } from "./hook-assets.generated.ts";
import type { HookClient } from "./hook-entries.ts";

/**
 * The hook scripts' text, embedded at build time (hooks/build-assets.mjs), so `spanlight init`
 * works from an installed package or a compiled binary without the source tree.
 */
export type HookScriptName = keyof typeof HOOK_ASSETS;

export const HOOK_SCRIPT_NAMES = Object.keys(HOOK_ASSETS) as HookScriptName[];

export function hookScript(name: HookScriptName): string {
  return HOOK_ASSETS[name];
}

export function scriptFor(client: HookClient): HookScriptName {
  return client === "python" ? "spanlight-hook.py" : "spanlight-hook.sh";
}

/** The `spanlight-hook-version: N` a script declares in its header; null when it has none. */
export function hookScriptVersion(text: string): string | null {
  return /spanlight-hook-version: (\S+)/.exec(text)?.[1] ?? null;
}

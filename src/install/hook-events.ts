import { HOOK_EVENTS, type HookEventName } from "../schema/hook-payload.ts";

/** Events whose hooks may only be `command` (or `mcp_tool`) hooks in Claude Code 2.1.x. */
export const COMMAND_ONLY_EVENTS: ReadonlySet<HookEventName> = new Set(["SessionStart", "Setup"]);

/**
 * Events Spanlight never subscribes to by default, with the reason: registering a hook for them
 * changes what Claude Code does, or watches nothing.
 */
export const SKIPPED_EVENTS: Readonly<Partial<Record<HookEventName, string>>> = {
  WorktreeCreate: "a registered hook replaces git worktree creation (Claude Code waits for a path on stdout)",
  WorktreeRemove: "the cleanup half of WorktreeCreate: it fires only for worktrees a WorktreeCreate hook made",
  MessageDisplay: "Claude Code holds rendering until the hook returns",
  FileChanged: "its matcher is a list of file names to watch, not a pattern; `*` watches nothing",
};

/** The events `spanlight init` registers, in Claude Code's own order. */
export function spanlightEvents(): HookEventName[] {
  return HOOK_EVENTS.filter((e) => !(e in SKIPPED_EVENTS));
}

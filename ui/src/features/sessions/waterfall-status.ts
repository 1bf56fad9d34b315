import type { SessionDetail, ToolCall } from "../../../../src/schema/session.ts";

/**
 * Failures and interruptions are what the eye should find first. A call the user denied is no
 * failure (the session counts no error for it): it has a look of its own (`isDenied`).
 */
export function isProblem(status: string): boolean {
  return status === "error" || status === "interrupted";
}

export function isDenied(status: string): boolean {
  return status === "denied";
}

/**
 * The running call a session waiting for a permission (`waitingFor` `permission: Bash`) waits on:
 * the latest running call of that tool. Null when the session waits for something else.
 */
export function callAwaitingPermission(detail: SessionDetail): ToolCall | null {
  const wait = detail.status === "waiting" ? detail.waitingFor : null;
  if (!wait?.startsWith("permission: ")) return null;
  const tool = wait.slice("permission: ".length);
  let found: ToolCall | null = null;
  for (const c of detail.toolCalls) {
    if (c.status === "running" && c.toolName === tool && (!found || c.startedAt >= found.startedAt)) found = c;
  }
  return found;
}

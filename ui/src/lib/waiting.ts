/**
 * Why a session waits, in words. The server's `waitingFor` is a code (`permission: Bash`,
 * `input: permission_prompt`, `input: MCP elicitation`); Claude Code's notification types
 * read badly as they are.
 */
const INPUT_LABELS: Record<string, string> = {
  permission_prompt: "permission prompt",
  idle_prompt: "your next prompt",
  agent_needs_input: "your input",
  elicitation_dialog: "an MCP server's question",
  "MCP elicitation": "an MCP server's question",
};

/** `permission for Bash`, `permission prompt`, `your next prompt`; `input` when the server gave no reason. */
export function describeWaiting(waitingFor: string | null | undefined): string {
  if (!waitingFor) return "input";
  const at = waitingFor.indexOf(": ");
  const kind = at < 0 ? "" : waitingFor.slice(0, at);
  const what = at < 0 ? waitingFor : waitingFor.slice(at + 2);
  if (kind === "permission") return `permission for ${what}`;
  if (kind === "input") return INPUT_LABELS[what] ?? what.replaceAll("_", " ");
  return waitingFor;
}

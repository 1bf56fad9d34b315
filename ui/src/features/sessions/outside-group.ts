/** The group row of calls outside any turn: another agent's run, or strays of a Claude Code session. */
export function outsideText(
  run: boolean,
  has: { calls: boolean; subagents: boolean; llm: boolean },
): { label: string; detail: string } {
  // Other agents (TelemetryEvents) have no prompts: their calls are the run itself, not strays.
  if (run) return { label: "Agent run", detail: "tool calls the agent reported" };
  const parts = [has.calls && "tool calls", has.subagents && "subagents", has.llm && "LLM requests"].filter(
    (p): p is string => typeof p === "string",
  );
  const what = parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}` : (parts[0] ?? "work");
  // Without stray tool calls, what is left is Claude Code's own work between prompts.
  return {
    label: "Outside a turn",
    detail: `${what} not matched to a prompt${has.calls ? "" : " (slash commands such as /compact, no hooks)"}`,
  };
}

/** A valid Claude Code hook payload (a PreToolUse of Bash), as the ingest tests post it. */
export const hook = {
  session_id: "s1",
  hook_event_name: "PreToolUse",
  tool_name: "Bash",
  tool_use_id: "t1",
  tool_input: { command: "ls" },
};

/** The `error` of Spanlight's JSON error body. */
export async function errorOf(res: Response) {
  const body = (await res.json()) as { error: { code: string; message: string; issues?: Array<{ path: string }> } };
  return body.error;
}

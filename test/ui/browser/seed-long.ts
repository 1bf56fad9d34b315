import { loadHooks } from "../../helpers/fixtures.ts";
import { postHooks, postOtlp } from "./harness.ts";

/** What the layout audit found overflowing: ids and names as long as real ones get. */
export const LONG_AGENT = "builder-container-with-an-extremely-long-identifier-0123456789abcdef0123456789abcdef";
export const LONG_TOOL = "mcp__some_really_long_server_name__some_really_long_tool_name_that_does_many_things_at_once";
export const LONG_CWD = "/home/dev/projects/very-long-monorepo-name-with-many-segments";
export const LONG_PATH = `${LONG_CWD}/packages/some-really-long-package-name/src/features/deeply/nested/directory/structure/a_very_long_file_name_that_goes_on_and_on.component.test.tsx`;
export const LONG_SESSION = "live-0001-aaaa-bbbb-running-tool";
export const WAITING_SESSION = "live-0002-cccc-dddd-waiting-perm";

/** Captured sessions with Claude Code's telemetry, the scenarios the audit looked at. */
export const SCENARIOS = [
  "subagent",
  "failing-tool",
  "permissions",
  "big-output",
  "session-lifecycle",
  "subagent-background",
];

export const sessionOf = (scenario: string) => loadHooks(scenario)[0]!.payload.session_id as string;

/**
 * The captured scenarios with their OTLP exports, plus two sessions caught mid-work: one under a
 * long agent id running a long-named MCP tool after reading a long path, one waiting for a Bash
 * permission.
 */
export async function seedLong(url: string): Promise<void> {
  for (const sc of SCENARIOS) {
    for (const h of loadHooks(sc)) await postHooks(url, [h.payload], { "x-spanlight-time": h.receivedAt });
    await postOtlp(url, sc);
  }
  const base = (session_id: string, cwd: string) => ({
    session_id,
    transcript_path: `/tmp/${session_id}.jsonl`,
    cwd,
    permission_mode: "default",
  });
  const s1 = base(LONG_SESSION, LONG_CWD);
  const read = { ...s1, tool_name: "Read", tool_input: { file_path: LONG_PATH }, tool_use_id: "toolu_long_read" };
  await postHooks(
    url,
    [
      { ...s1, hook_event_name: "SessionStart", source: "startup" },
      {
        ...s1,
        hook_event_name: "UserPromptSubmit",
        prompt: `Run the formatter on every file ${"and more ".repeat(30)}`,
      },
      { ...read, hook_event_name: "PreToolUse" },
      { ...read, hook_event_name: "PostToolUse", tool_response: { type: "text" } },
      {
        ...s1,
        hook_event_name: "PreToolUse",
        tool_name: LONG_TOOL,
        tool_input: { query: "what the tool looks up, at some length so the summary has text to cut" },
        tool_use_id: "toolu_long_mcp",
      },
    ],
    { "x-spanlight-agent": LONG_AGENT },
  );
  const s2 = base(WAITING_SESSION, "/home/dev/projects/api");
  const rm = { ...s2, tool_name: "Bash", tool_input: { command: "rm -rf build/" } };
  await postHooks(
    url,
    [
      { ...s2, hook_event_name: "SessionStart", source: "startup" },
      { ...s2, hook_event_name: "UserPromptSubmit", prompt: "Delete the build dir" },
      { ...rm, hook_event_name: "PreToolUse", tool_use_id: "toolu_wait_rm" },
      { ...rm, hook_event_name: "PermissionRequest" },
    ],
    { "x-spanlight-agent": "laptop" },
  );
}

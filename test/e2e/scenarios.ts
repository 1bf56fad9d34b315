import type { Script } from "./fake-anthropic-api.ts";

/**
 * Scripted sessions for the real Claude Code CLI. Every prompt carries a marker the fake API
 * uses to recognise the conversation; file paths are absolute inside the scenario's project dir.
 */
export type Scenario = {
  name: string;
  prompt: string;
  /** Files to create in the project dir before the run. */
  files: Record<string, string>;
  script: (project: string) => Script;
};

const text = (t: string) => ({ type: "text" as const, text: t });
const tool = (name: string, input: Record<string, unknown>) => ({ type: "tool_use" as const, name, input });

export const SCENARIOS = {
  bash: {
    name: "bash",
    prompt: "E2E-BASH: say hello from the shell",
    files: {},
    script: () => ({
      mainMarker: "E2E-BASH",
      main: [
        [text("Running it."), tool("Bash", { command: "echo hello-from-e2e", description: "Print a greeting" })],
        [text("The shell printed hello-from-e2e.")],
      ],
    }),
  },
  fileOps: {
    name: "file-ops",
    prompt: "E2E-FILES: write, read and edit notes.txt",
    files: {},
    script: (project: string) => ({
      mainMarker: "E2E-FILES",
      main: [
        [tool("Write", { file_path: `${project}/notes.txt`, content: "alpha\nbeta\n" })],
        [tool("Read", { file_path: `${project}/notes.txt` })],
        [tool("Edit", { file_path: `${project}/notes.txt`, old_string: "beta", new_string: "BETA" })],
        [tool("Grep", { pattern: "BETA", output_mode: "content" })],
        [text("notes.txt now says alpha and BETA.")],
      ],
    }),
  },
  failing: {
    name: "failing-tool",
    prompt: "E2E-FAIL: try things that fail",
    files: {},
    script: (project: string) => ({
      mainMarker: "E2E-FAIL",
      main: [
        [tool("Bash", { command: "echo about-to-fail; exit 3", description: "Fail on purpose" })],
        [tool("Read", { file_path: `${project}/does-not-exist.txt` })],
        [text("Both failed, as expected.")],
      ],
    }),
  },
  parallel: {
    name: "parallel-tools",
    prompt: "E2E-PARALLEL: read both files and list the directory at once",
    files: { "a.txt": "file A\n", "b.txt": "file B\n" },
    script: (project: string) => ({
      mainMarker: "E2E-PARALLEL",
      main: [
        [
          text("All three at once."),
          tool("Read", { file_path: `${project}/a.txt` }),
          tool("Read", { file_path: `${project}/b.txt` }),
          tool("Bash", { command: "ls -1", description: "List files" }),
        ],
        [text("a.txt says file A, b.txt says file B.")],
      ],
    }),
  },
  subagent: {
    name: "subagent",
    prompt: "E2E-DELEGATE: have a subagent inspect data.txt",
    files: { "data.txt": "subagent input data\n" },
    script: (project: string) => ({
      mainMarker: "E2E-DELEGATE",
      main: [
        [
          text("Handing this to a subagent."),
          tool("Agent", {
            description: "Inspect data file",
            prompt: `E2E-SUBTASK: print the working directory, then read ${project}/data.txt and report.`,
            subagent_type: "general-purpose",
            run_in_background: false,
          }),
        ],
        [text("The subagent says data.txt holds 'subagent input data'.")],
      ],
      subagents: [
        {
          marker: "E2E-SUBTASK",
          turns: [
            [tool("Bash", { command: "pwd", description: "Print working directory" })],
            [tool("Read", { file_path: `${project}/data.txt` })],
            [text("data.txt contains: subagent input data")],
          ],
        },
      ],
    }),
  },
} satisfies Record<string, Scenario>;

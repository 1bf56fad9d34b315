import { describe, expect, it } from "vitest";
import type { SessionActivity } from "../../src/schema/session.ts";
import { readablePrompt } from "../../src/text/prompt-text.ts";
import { describeActiveTime } from "../../ui/src/features/sessions/session-usage.tsx";
import { plural } from "../../ui/src/lib/format.ts";

describe("dashboard wording", () => {
  it("says one thing in the singular and any other count in the plural", () => {
    expect(plural(1, "tool call")).toBe("1 tool call");
    expect(plural(0, "tool call")).toBe("0 tool calls");
    expect(plural(2, "event")).toBe("2 events");
    expect(plural(12_345, "event")).toBe("12.3k events");
    expect(plural(3, "PR")).toBe("3 PRs");
  });

  it.each([
    [
      "<task-notification> <task-id>a255a05da7aa5d95d</task-id> <tool-use-id>toolu_01</tool-use-id> <output-file>/tmp/x/tasks/a2",
      "Background task notification",
    ],
    [
      '<task-notification> <task-id>a2</task-id> <status>completed</status> <summary>Agent "Slow check" finished</summary>',
      'Background task notification: Agent "Slow check" finished',
    ],
    ["<task-notification> <task-id>a2</task-id> <status>failed</status>", "Background task notification: task failed"],
    ["<command-name>/compact</command-name> <command-args></command-args>", "/compact"],
    ["Fix the <b> tag in index.html", "Fix the <b> tag in index.html"],
    ["", ""],
  ])("reads a prompt preview %j as %j", (preview, text) => {
    expect(readablePrompt(preview)).toBe(text);
  });

  it("leaves out an active time Claude Code did not count, instead of saying 0 ms", () => {
    const a = (cli: number, user: number) => ({ activeTimeCliSec: cli, activeTimeUserSec: user }) as SessionActivity;
    expect(describeActiveTime(a(1.9, 0))).toBe("1.9 s CLI");
    expect(describeActiveTime(a(1.9, 12))).toBe("1.9 s CLI · 12 s you");
    expect(describeActiveTime(a(0, 4))).toBe("4.0 s you");
    expect(describeActiveTime(a(0, 0))).toBeNull();
  });
});

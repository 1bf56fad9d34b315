import { describe, expect, it } from "vitest";
import { firstLine, oneLine } from "../../src/ingest/summarize.ts";

describe("one-line summaries", () => {
  it.each([
    ["ls  -la\n/tmp", "ls -la /tmp"],
    ["  padded  ", "padded"],
    ["x".repeat(200), `${"x".repeat(159)}…`],
    [`${"word ".repeat(40_000)}`, `${"word ".repeat(32)}`.slice(0, 159) + "…"],
  ])("flattens %j", (text, expected) => expect(oneLine(text)).toBe(expected));

  it("takes the first non-blank line", () => {
    expect(firstLine("\n  \nExit code 3\nmore")).toBe("Exit code 3");
    expect(firstLine("")).toBe("");
    expect(firstLine("only")).toBe("only");
  });
});

import { describe, expect, it } from "vitest";
import { toEventKind, toolColorSlot } from "../../ui/src/lib/event-kind.ts";
import {
  formatCost,
  formatCount,
  formatDuration,
  formatPercent,
  formatRelative,
  shortPath,
} from "../../ui/src/lib/format.ts";
import { toJsonText } from "../../ui/src/lib/json-text.ts";
import { toSafeHttpUrl } from "../../ui/src/lib/safe-url.ts";
import { formatCostFine } from "../../ui/src/lib/usage.ts";
import { scrollToReveal, toRowWindow } from "../../ui/src/lib/virtual-window.ts";
import { describeWaiting } from "../../ui/src/lib/waiting.ts";

describe("formatting", () => {
  it.each([
    [null, "—"],
    [0, "0 ms"],
    [850, "850 ms"],
    [4200, "4.2 s"],
    [42_000, "42 s"],
    [185_000, "3m 05s"],
    [7_800_000, "2h 10m"],
    // Just under a unit boundary the rounded value moves to the next unit.
    [999.4, "999 ms"],
    [999.6, "1.0 s"],
    [9_940, "9.9 s"],
    [9_960, "10 s"],
    [59_400, "59 s"],
    [59_600, "1m 00s"],
    [3_599_600, "1h 00m"],
  ])("formats duration %s as %s", (ms, text) => expect(formatDuration(ms)).toBe(text));

  const now = Date.parse("2026-01-01T12:00:00Z");
  it.each([
    ["2026-01-01T12:00:00Z", "just now"],
    ["2026-01-01T12:00:05Z", "just now"],
    ["2026-01-01T11:59:48Z", "12s ago"],
    ["2026-01-01T11:55:00Z", "5m ago"],
    ["2026-01-01T09:00:00Z", "3h ago"],
    ["2025-12-30T12:00:00Z", "2d ago"],
    ["garbage", "—"],
  ])("formats %s relative to noon as %s", (iso, text) => expect(formatRelative(iso, now)).toBe(text));

  it.each([
    [0, "$0"],
    [0.0042, "$0.0042"],
    [1.5, "$1.50"],
    [0.00004, "<$0.0001"],
    [0.00006, "$0.0001"],
    [0.00996, "$0.01"],
  ])("formats cost %s as %s", (usd, text) => expect(formatCost(usd)).toBe(text));

  it("never shows a single request's cost as $0.0000", () => {
    expect([0, 0.00004, 0.0638].map(formatCostFine)).toEqual(["$0.0000", "<$0.0001", "$0.0638"]);
  });

  it.each([
    [9_999, "9999"],
    [9_999.6, "10.0k"],
    [99_940, "99.9k"],
    [99_960, "100k"],
    [999_400, "999k"],
    [999_600, "1.0M"],
  ])("rolls count %s over to %s", (n, text) => expect(formatCount(n)).toBe(text));

  it.each([
    [null, "input"],
    ["permission: Bash", "permission for Bash"],
    ["input: permission_prompt", "permission prompt"],
    ["input: idle_prompt", "your next prompt"],
    ["input: MCP elicitation", "an MCP server's question"],
    ["input: some_new_kind", "some new kind"],
  ])("says waiting for %s as %s", (code, text) => expect(describeWaiting(code)).toBe(text));

  it("formats counts, percentages and paths compactly", () => {
    expect([999, 12_345, 2_500_000].map(formatCount)).toEqual(["999", "12.3k", "2.5M"]);
    expect([0, 0.0004, 0.083, 0.0996, 0.5].map(formatPercent)).toEqual(["0%", "<0.1%", "8.3%", "10%", "50%"]);
    expect(shortPath("/tmp/a/b/c.txt")).toBe("…/b/c.txt");
  });
});

describe("captured data as text", () => {
  it("pretty-prints objects and shows strings as their own lines", () => {
    expect(toJsonText({ a: [1, "<b>"] })).toBe('{\n  "a": [\n    1,\n    "<b>"\n  ]\n}');
    expect(toJsonText("Exit code 3\nls: no such file")).toBe("Exit code 3\nls: no such file");
    expect(toJsonText(undefined)).toBe("");
  });
});

describe("safe links", () => {
  it.each([
    ["http://localhost:16686/trace/abc", "http://localhost:16686/trace/abc"],
    ["https://jaeger.example/trace/1", "https://jaeger.example/trace/1"],
    ["javascript:alert(1)", null],
    ["data:text/html,<script>", null],
    ["not a url", null],
    [null, null],
  ])("allows %s as %s", (url, expected) => expect(toSafeHttpUrl(url)).toBe(expected));
});

describe("event kinds", () => {
  it("shows failures as errors whatever their type, and gives each tool a stable colour", () => {
    expect(toEventKind({ type: "PostToolUseFailure", status: "error" }).tone).toBe("error");
    expect(toEventKind({ type: "PreToolUse", status: null })).toEqual({ icon: "tool", tone: "tool" });
    expect(toEventKind({ type: "SomethingNew", status: null }).tone).toBe("muted");
    expect(toolColorSlot("Bash")).toBe(toolColorSlot("Bash"));
    expect(new Set(["Bash", "Read", "Write", "Edit", "Grep", "Agent"].map(toolColorSlot)).size).toBeGreaterThan(3);
  });
});

describe("virtual rows", () => {
  it("renders only the rows in view plus a margin, with spacers for the rest", () => {
    const w = toRowWindow(28 * 5000, 560, 28, 10_000, 10);
    expect(w.start).toBe(4990);
    expect(w.end).toBe(5000 + 21 + 10);
    expect(w.padTop + (w.end - w.start) * 28 + w.padBottom).toBe(10_000 * 28);
  });

  it("handles an empty list and the top of the list", () => {
    expect(toRowWindow(0, 500, 28, 0)).toEqual({ start: 0, end: 0, padTop: 0, padBottom: 0 });
    expect(toRowWindow(0, 500, 28, 5).end).toBe(5);
  });

  it("scrolls just enough to reveal a row below the sticky header", () => {
    expect(scrollToReveal(0, 0, 300, 28, 30)).toBeNull();
    expect(scrollToReveal(20, 0, 300, 28, 30)).toBe(21 * 28 - 300 + 30);
    expect(scrollToReveal(2, 280, 300, 28, 30)).toBe(56);
  });
});

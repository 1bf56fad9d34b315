import { describe, expect, it } from "vitest";
import { toUnifiedDiff } from "../../src/install/mod.ts";

describe("unified diff", () => {
  it("is empty for equal texts", () => {
    expect(toUnifiedDiff("a\n", "a\n", "x", "y")).toBe("");
  });

  it("shows changes with three lines of context, like diff -u", () => {
    const before = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n";
    const after = "a\nb\nX\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n";
    expect(toUnifiedDiff(before, after, "x", "y")).toBe(
      "--- x\n+++ y\n@@ -1,6 +1,6 @@\n a\n b\n-c\n+X\n d\n e\n f\n@@ -10,3 +10,4 @@\n j\n k\n l\n+m\n",
    );
  });

  it("diffs a new file against nothing", () => {
    expect(toUnifiedDiff("", "{\n}\n", "/dev/null", "s.json")).toBe(
      "--- /dev/null\n+++ s.json\n@@ -0,0 +1,2 @@\n+{\n+}\n",
    );
  });
});

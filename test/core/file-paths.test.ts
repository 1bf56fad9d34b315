import { describe, expect, it } from "vitest";
import { bashFileOps, toFileOps } from "../../src/ingest/file-paths.ts";

describe("file paths from tool input", () => {
  it.each([
    ["Read", { file_path: "/a.ts" }, [{ path: "/a.ts", op: "read" }]],
    ["Write", { file_path: "/b.ts", content: "x" }, [{ path: "/b.ts", op: "write" }]],
    ["Edit", { file_path: "/c.ts" }, [{ path: "/c.ts", op: "edit" }]],
    ["MultiEdit", { file_path: "/c.ts" }, [{ path: "/c.ts", op: "edit" }]],
    ["NotebookEdit", { notebook_path: "/n.ipynb" }, [{ path: "/n.ipynb", op: "edit" }]],
    ["Glob", { pattern: "**/*.ts", path: "/src" }, [{ path: "/src", op: "search" }]],
    ["Grep", { pattern: "TODO", path: "/src" }, [{ path: "/src", op: "search" }]],
    ["LS", { path: "/tmp" }, [{ path: "/tmp", op: "search" }]],
    ["Glob", { pattern: "*.md" }, []],
    ["TodoWrite", { todos: [] }, []],
  ])("%s %j", (tool, input, expected) => {
    expect(toFileOps(tool, input)).toEqual(expected);
  });

  it.each([
    ["cat /etc/hosts", [{ path: "/etc/hosts", op: "read" }]],
    ["echo hi > ./out.txt", [{ path: "./out.txt", op: "write" }]],
    ["echo hi >> /var/log/x.log 2>&1", [{ path: "/var/log/x.log", op: "write" }]],
    [
      "cp ./a.txt /tmp/b.txt",
      [
        { path: "./a.txt", op: "read" },
        { path: "/tmp/b.txt", op: "write" },
      ],
    ],
    [
      "rm -rf ./build && ls ~/src",
      [
        { path: "./build", op: "write" },
        { path: "~/src", op: "read" },
      ],
    ],
    ["sed -i 's/a/b/' ./f.txt", [{ path: "./f.txt", op: "write" }]],
    [`printf 'x' > 'répertoire 空白/zeichen.txt'`, [{ path: "répertoire 空白/zeichen.txt", op: "write" }]],
    [`cat "/tmp/my file.txt" | wc -l`, [{ path: "/tmp/my file.txt", op: "read" }]],
    ["ls /tmp/with\\ space", [{ path: "/tmp/with space", op: "read" }]],
    ["npm test 2>/dev/null", []],
    ["echo $HOME/x", []],
    ["ls *.ts", []],
  ])("bash: %s", (command, expected) => {
    expect(bashFileOps(command)).toEqual(expected);
  });
});

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

  it.each([
    ["echo MANGO >> memo.txt", [{ path: "/repo/memo.txt", op: "write" }]],
    [
      "cp ./a.txt ../b.txt",
      [
        { path: "/repo/a.txt", op: "read" },
        { path: "/b.txt", op: "write" },
      ],
    ],
    [
      "cd sub && echo x > out.txt; cat ../in.txt",
      [
        { path: "/repo/sub/out.txt", op: "write" },
        { path: "/repo/in.txt", op: "read" },
      ],
    ],
    ["cd /tmp && touch ./t", [{ path: "/tmp/t", op: "write" }]],
    ["cd $DIR && echo x > out.txt", [{ path: "out.txt", op: "write" }]],
    ["ls ~/src", [{ path: "~/src", op: "read" }]],
  ])("bash in /repo: %s", (command, expected) => {
    expect(bashFileOps(command, "/repo")).toEqual(expected);
  });

  it("resolves relative tool paths from the working directory, so one file is one row", () => {
    expect(toFileOps("Grep", { pattern: "x", path: "src" }, "/repo")).toEqual([{ path: "/repo/src", op: "search" }]);
    expect(toFileOps("Read", { file_path: "/abs/a.ts" }, "/repo")).toEqual([{ path: "/abs/a.ts", op: "read" }]);
    // No POSIX working directory (none sent, or a Windows one): kept as given.
    expect(toFileOps("Grep", { pattern: "x", path: "src" }, "C:\\repo")).toEqual([{ path: "src", op: "search" }]);
  });
});

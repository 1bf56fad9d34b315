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
    ["sed -i 's/a/b/' ./f.txt", [{ path: "./f.txt", op: "edit" }]],
    ["sed -n 1,5p ./f.txt", [{ path: "./f.txt", op: "read" }]],
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
    // Commands known to take files: bare names are files too, options and their values are not.
    ["cat memo.txt", [{ path: "/repo/memo.txt", op: "read" }]],
    [
      "head -n 5 notes.md && tail -c 100 -- -odd.txt",
      [
        { path: "/repo/notes.md", op: "read" },
        { path: "/repo/-odd.txt", op: "read" },
      ],
    ],
    ["wc -c 'répertoire 空白/zeichen.txt'", [{ path: "/repo/répertoire 空白/zeichen.txt", op: "read" }]],
    ["sort -t , -k 2 data.csv", [{ path: "/repo/data.csv", op: "read" }]],
    ["wc -l < in.txt", [{ path: "/repo/in.txt", op: "read" }]],
    ["cat <<EOF > out.txt", [{ path: "/repo/out.txt", op: "write" }]],
    [
      "cp ./src.txt backup/ && cp src.txt copy.txt",
      [
        { path: "/repo/src.txt", op: "read" },
        { path: "/repo/backup/src.txt", op: "write" },
        { path: "/repo/copy.txt", op: "write" },
      ],
    ],
    [
      "mv ./copy.txt ./moved.txt && rm ./moved.txt",
      [
        { path: "/repo/copy.txt", op: "write" },
        { path: "/repo/moved.txt", op: "write" },
      ],
    ],
    [
      "cp -r a b dest",
      [
        { path: "/repo/a", op: "read" },
        { path: "/repo/b", op: "read" },
        { path: "/repo/dest/a", op: "write" },
        { path: "/repo/dest/b", op: "write" },
      ],
    ],
    ["sed -i.bak -e 's/x/y/' conf.ini", [{ path: "/repo/conf.ini", op: "edit" }]],
    [
      "touch a.txt && mkdir -p build/out",
      [
        { path: "/repo/a.txt", op: "write" },
        { path: "/repo/build/out", op: "write" },
      ],
    ],
    // A heredoc's body is a file's text, not commands.
    [
      "cat > notes.md <<'EOF'\nfile sizes matter here\nsort order is stable\nEOF\nwc -l notes.md",
      [{ path: "/repo/notes.md", op: "write" }],
    ],
    [
      "cp /tmp/foo.txt . && mv ../a.txt ..",
      [
        { path: "/tmp/foo.txt", op: "read" },
        { path: "/repo/foo.txt", op: "write" },
        { path: "/a.txt", op: "write" },
      ],
    ],
    // Options' values: some are files, some only look like words.
    [
      "sort -o sorted.txt -k 2 data.txt",
      [
        { path: "/repo/sorted.txt", op: "write" },
        { path: "/repo/data.txt", op: "read" },
      ],
    ],
    [
      'touch -d "2 days ago" stamp && touch -r ref.txt new.txt',
      [
        { path: "/repo/stamp", op: "write" },
        { path: "/repo/ref.txt", op: "read" },
        { path: "/repo/new.txt", op: "write" },
      ],
    ],
    [
      "cp -t dest/ a.txt b.txt",
      [
        { path: "/repo/a.txt", op: "read" },
        { path: "/repo/b.txt", op: "read" },
        { path: "/repo/dest/a.txt", op: "write" },
        { path: "/repo/dest/b.txt", op: "write" },
      ],
    ],
    // Words that are names of every object's properties are words like any other.
    [
      "touch constructor b.txt && cp __proto__ toString",
      [
        { path: "/repo/constructor", op: "write" },
        { path: "/repo/b.txt", op: "write" },
        { path: "/repo/__proto__", op: "read" },
        { path: "/repo/toString", op: "write" },
      ],
    ],
    // Other commands: only words that are evidently paths (`git add x` is no evidence).
    ["git add memo.txt && python3 ./run.py", [{ path: "/repo/run.py", op: "read" }]],
    // A substitution is a command of its own; the command around it goes on after its `)`.
    [
      "diff <(sort a.txt) b.txt > out.diff",
      [
        { path: "/repo/out.diff", op: "write" },
        { path: "/repo/b.txt", op: "read" },
        { path: "/repo/a.txt", op: "read" },
      ],
    ],
    [
      "tar c src | tee >(gzip > src.tgz) > src.tar",
      [
        { path: "/repo/src.tar", op: "write" },
        { path: "/repo/src.tgz", op: "write" },
      ],
    ],
    [
      "cp $(cat list.txt) dest/ && rm $(ls old) stale.log",
      [
        { path: "/repo/list.txt", op: "read" },
        { path: "/repo/stale.log", op: "write" },
      ],
    ],
  ])("bash in /repo: %s", (command, expected) => {
    expect(bashFileOps(command, "/repo")).toEqual(expected);
  });

  it("resolves relative tool paths from the working directory, so one file is one row", () => {
    expect(toFileOps("Grep", { pattern: "x", path: "src" }, "/repo")).toEqual([{ path: "/repo/src", op: "search" }]);
    // Without a path, Glob and Grep search the working directory.
    expect(toFileOps("Glob", { pattern: "*.md" }, "/repo")).toEqual([{ path: "/repo", op: "search" }]);
    expect(toFileOps("Read", { file_path: "/abs/a.ts" }, "/repo")).toEqual([{ path: "/abs/a.ts", op: "read" }]);
    // No POSIX working directory (none sent, or a Windows one): kept as given.
    expect(toFileOps("Grep", { pattern: "x", path: "src" }, "C:\\repo")).toEqual([{ path: "src", op: "search" }]);
  });
});

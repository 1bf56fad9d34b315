export type FileOp = "read" | "write" | "edit" | "search";
export type FileTouchOp = { path: string; op: FileOp };

type Input = Record<string, unknown>;

function str(input: Input, key: string): string | null {
  const v = input[key];
  return typeof v === "string" && v !== "" ? v : null;
}

// Words of a shell command that are evidently paths: absolute, home- or dot-relative.
const PATH_WORD = /^(?:\/|~\/|\.\.?\/)/;
// Output of these is a file they write (`tee f`, `touch f`, `cp a b` → b).
const WRITERS = new Set(["tee", "touch", "mkdir", "cp", "mv", "rm", "rmdir", "install", "ln"]);
const LAST_IS_TARGET = new Set(["cp", "mv", "ln", "install"]);

type Word = { text: string; redirect: boolean };

/**
 * Splits a command into simple commands and their words, honouring single and double quotes and
 * backslash escapes (`'my file.txt'` is one word), and marking words that follow `>` / `>>`.
 */
function shellWords(command: string): Word[][] {
  const commands: Word[][] = [[]];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | null = null;
  let redirect = false;
  const end = () => {
    if (inWord) commands[commands.length - 1]!.push({ text: word, redirect });
    if (inWord) redirect = false;
    word = "";
    inWord = false;
  };
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === "\\" && quote === '"' && i + 1 < command.length) word += command[++i];
      else word += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < command.length) {
      word += command[++i];
      inWord = true;
    } else if (c === ">") {
      end();
      if (command[i + 1] === ">") i++;
      // `2>&1` and `>&2` duplicate descriptors: not files.
      if (command[i + 1] === "&") i++;
      else redirect = true;
    } else if (c === ";" || c === "|" || c === "&" || c === "\n" || c === "(" || c === ")") {
      end();
      redirect = false;
      if (commands[commands.length - 1]!.length > 0) commands.push([]);
    } else if (c === " " || c === "\t") end();
    else {
      // A descriptor number right before `>` (2>file) is not a word of its own.
      if (/[0-9]/.test(c) && command[i + 1] === ">" && !inWord) continue;
      word += c;
      inWord = true;
    }
  }
  end();
  return commands.filter((c) => c.length > 0);
}

/**
 * `path` as an absolute path: relative ones are taken from `cwd` (`memo.txt` in /repo is
 * /repo/memo.txt, so one file is one row whichever tool touched it). Left as given without a
 * POSIX `cwd`, for `~/…`, and for words holding shell expansions.
 */
export function resolvePath(path: string, cwd: string | null): string {
  if (path.startsWith("/") || !cwd?.startsWith("/") || path.startsWith("~") || /[$`]/.test(path)) return path;
  const parts: string[] = [];
  for (const part of `${cwd}/${path}`.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

/**
 * Paths evident in a Bash command: redirect targets are writes; path arguments of writers are
 * writes; others reads. Relative paths are resolved from `cwd`, following `cd` within the command.
 */
export function bashFileOps(command: string, cwd: string | null = null): FileTouchOp[] {
  const ops: FileTouchOp[] = [];
  const seen = new Set<string>();
  let dir = cwd;
  const add = (word: string, op: FileOp) => {
    const path = resolvePath(word, dir);
    if (path === "" || path === "/dev/null" || path.startsWith("/dev/fd") || path.startsWith("/proc/")) return;
    if (seen.has(path)) return;
    seen.add(path);
    ops.push({ path, op });
  };
  for (const words of shellWords(command)) {
    for (const w of words) if (w.redirect) add(w.text, "write");
    const plain = words.filter((w) => !w.redirect);
    const cmd = plain[0]?.text ?? "";
    if (cmd === "cd") {
      const target = plain[1]?.text;
      dir = target && !/[$`*?~]/.test(target) && target !== "-" ? resolvePath(target, dir) : null;
      continue;
    }
    const writer = WRITERS.has(cmd) || (cmd === "sed" && plain.some((w) => w.text === "-i"));
    const paths = plain.slice(1).filter((w) => PATH_WORD.test(w.text) && !/[$`*?]/.test(w.text));
    paths.forEach((w, i) => {
      // cp/mv/ln: only the last path is written; the rest are read.
      const isTarget = LAST_IS_TARGET.has(cmd) ? i === paths.length - 1 : writer;
      add(w.text, isTarget ? "write" : "read");
    });
  }
  return ops;
}

/** The files a tool call reads, writes, edits or searches, from its input (Claude Code tool shapes). */
export function toFileOps(toolName: string | null, toolInput: unknown, cwd: string | null = null): FileTouchOp[] {
  if (!toolName || toolInput === null || typeof toolInput !== "object") return [];
  const input = toolInput as Input;
  const one = (key: string, op: FileOp): FileTouchOp[] => {
    const p = str(input, key);
    return p ? [{ path: resolvePath(p, cwd), op }] : [];
  };
  switch (toolName) {
    case "Read":
      return one("file_path", "read");
    case "Write":
      return one("file_path", "write");
    case "Edit":
    case "MultiEdit":
      return one("file_path", "edit");
    case "NotebookEdit":
      return one("notebook_path", "edit");
    case "NotebookRead":
      return one("notebook_path", "read");
    case "Glob":
    case "Grep":
    case "LS":
      return one("path", "search");
    case "Bash": {
      const command = str(input, "command");
      return command ? bashFileOps(command, cwd) : [];
    }
    default:
      // MCP and unknown tools: take the conventional field names when present.
      return [...one("file_path", "read"), ...one("path", "read")].filter(
        (v, i, all) => all.findIndex((o) => o.path === v.path) === i,
      );
  }
}

// Other agents name their tools freely (read_file, apply_patch, str_replace_editor, …): the verb in
// the name is the best evidence of what a TelemetryEvent's `filePaths` went through.
const TOOL_VERBS: Array<[RegExp, FileOp]> = [
  [/edit|patch|replace|modify|update|insert|append/i, "edit"],
  [/write|create|save|touch|delete|remove|move|rename|copy|mkdir/i, "write"],
  [/search|grep|glob|find|list|ls\b|dir/i, "search"],
];

/**
 * The files a TelemetryEvent touched: its `filePaths`, as the op its tool name suggests (read when
 * it suggests none), and for a `bash_command` the paths evident in its command.
 */
export function telemetryFileOps(
  toolName: string | null,
  filePaths: readonly string[],
  command: string | null,
): FileTouchOp[] {
  const op = TOOL_VERBS.find(([verb]) => toolName && verb.test(toolName))?.[1] ?? "read";
  const ops: FileTouchOp[] = filePaths.filter((p) => p !== "").map((path) => ({ path, op }));
  if (command) for (const o of bashFileOps(command)) if (!ops.some((x) => x.path === o.path)) ops.push(o);
  return ops;
}

import { shellWords, withoutHeredocBodies } from "./shell-words.ts";

export type FileOp = "read" | "write" | "edit" | "search";
export type FileTouchOp = { path: string; op: FileOp };

type Input = Record<string, unknown>;

function str(input: Input, key: string): string | null {
  const v = input[key];
  return typeof v === "string" && v !== "" ? v : null;
}

// Words of a shell command that are evidently paths: absolute, home- or dot-relative.
const PATH_WORD = /^(?:\/|~\/|\.\.?\/)/;
// Commands whose operands are files, so a bare `memo.txt` is one too: read, written (created or
// removed), or copied / moved (the last operand is the target).
const READERS = new Set([
  "cat",
  "head",
  "tail",
  "less",
  "more",
  "wc",
  "sort",
  "uniq",
  "diff",
  "cmp",
  "tac",
  "nl",
  "od",
  "xxd",
  "file",
  "stat",
  "md5sum",
  "sha1sum",
  "sha256sum",
  "source",
  ".",
]);
const WRITERS = new Set(["tee", "touch", "mkdir", "rm", "rmdir", "truncate"]);
const COPIERS = new Set(["cp", "mv", "ln", "install"]);
// Options that take the next word as their value, so that word is no operand. Some values are files:
// `sort -o out` writes one, `touch -r ref` reads one, `cp -t dir` names the target directory.
type OptionValue = FileOp | "target" | null;
const VALUE_OPTIONS: Record<string, Record<string, OptionValue>> = {
  sort: { "-o": "write", "-k": null, "-t": null, "-S": null, "-T": null },
  touch: { "-d": null, "-t": null, "-r": "read" },
  head: { "-n": null, "-c": null },
  tail: { "-n": null, "-c": null },
  truncate: { "-s": null, "-r": "read" },
  mkdir: { "-m": null },
  uniq: { "-f": null, "-s": null, "-w": null },
  cp: { "-t": "target", "-S": null },
  mv: { "-t": "target", "-S": null },
  ln: { "-t": "target", "-S": null },
  install: { "-t": "target", "-m": null, "-o": null, "-g": null },
};
// A word that is an option's value rather than a file (`head -n 5`, `sort -t ,`): a number or punctuation.
const NOT_A_FILE = /^(?:[+-]?\d+[kKmMgG]?|[^\p{L}\p{N}]*)$/u;

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
 * Paths evident in a Bash command: redirect targets are writes, `<` sources reads; the operands of
 * commands known to take files are read, written, copied (sources read, target written; a target
 * directory `dir/` gets each source's name) or, for `sed -i`, edited; other commands' path-looking
 * words are reads. Relative paths are resolved from `cwd`, following `cd` within the command.
 */
export function bashFileOps(command: string, cwd: string | null = null): FileTouchOp[] {
  const ops: FileTouchOp[] = [];
  const seen = new Set<string>();
  let dir = cwd;
  const add = (word: string, op: FileOp) => {
    if (/[$`*?]/.test(word)) return;
    const path = resolvePath(word, dir);
    if (path === "" || path === "/dev/null" || path.startsWith("/dev/fd") || path.startsWith("/proc/")) return;
    if (seen.has(path)) return;
    seen.add(path);
    ops.push({ path, op });
  };
  for (const words of shellWords(withoutHeredocBodies(command))) {
    for (const w of words) if (w.redirect) add(w.text, w.redirect === "in" ? "read" : "write");
    const plain = words.filter((w) => !w.redirect).map((w) => w.text);
    const cmd = plain[0] ?? "";
    if (cmd === "cd") {
      const target = plain[1];
      dir = target && !/[$`*?~]/.test(target) && target !== "-" ? resolvePath(target, dir) : null;
      continue;
    }
    // Own properties only: a word such as `constructor` is no command or option of the table.
    const values = Object.hasOwn(VALUE_OPTIONS, cmd) ? VALUE_OPTIONS[cmd] : undefined;
    let targetDir: string | null = null;
    const args = values ? [] : plain.slice(1);
    if (values) {
      for (let k = 1; k < plain.length; k++) {
        const kind = Object.hasOwn(values, plain[k]!) ? values[plain[k]!] : undefined;
        if (kind === undefined || k + 1 === plain.length) args.push(plain[k]!);
        else if (kind === "target") targetDir = plain[++k]!;
        else if (kind === null) k++;
        else add(plain[++k]!, kind);
      }
    }
    const operands = operandsOf(args);
    if (READERS.has(cmd) || WRITERS.has(cmd)) {
      for (const w of operands) add(w, READERS.has(cmd) ? "read" : "write");
    } else if (COPIERS.has(cmd) && operands.length >= (targetDir ? 1 : 2)) {
      const target = targetDir ? `${targetDir.replace(/\/+$/, "")}/` : operands.at(-1)!;
      const sources = targetDir ? operands : operands.slice(0, -1);
      // mv takes its sources away: they are written (removed), not read.
      for (const w of sources) add(w, cmd === "mv" ? "write" : "read");
      const intoDir = target.endsWith("/") || target === "." || target === ".." || sources.length > 1;
      for (const w of intoDir ? sources : [target])
        add(intoDir ? `${target.replace(/\/+$/, "")}/${baseName(w)}` : w, "write");
    } else if (cmd === "sed") {
      const inPlace = plain.some((w) => w === "--in-place" || /^-[a-zA-Z]*i/.test(w));
      // The script is the first operand, unless given with -e / -f (whose values are no operands).
      const args = plain.slice(1).filter((_w, k, all) => all[k - 1] !== "-e" && all[k - 1] !== "-f");
      const scripted = args.length < plain.length - 1 || plain.some((w) => w.startsWith("--expression"));
      for (const w of operandsOf(args).slice(scripted ? 0 : 1)) add(w, inPlace ? "edit" : "read");
    } else {
      for (const w of plain.slice(1)) if (PATH_WORD.test(w)) add(w, "read");
    }
  }
  return ops;
}

/** A command's operands: not options, nor an option's numeric or punctuation value; all after `--`. */
function operandsOf(args: string[]): string[] {
  const dashDash = args.indexOf("--");
  const before = dashDash < 0 ? args : args.slice(0, dashDash);
  const after = dashDash < 0 ? [] : args.slice(dashDash + 1);
  // `.` and `..` are directories (`cp a.txt .`), though punctuation.
  const operand = (w: string) => !w.startsWith("-") && (w === "." || w === ".." || !NOT_A_FILE.test(w));
  return [...before.filter(operand), ...after.filter((w) => w !== "")];
}

function baseName(path: string): string {
  return path.replace(/\/+$/, "").split("/").at(-1) ?? path;
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
      // Without a path they search the working directory.
      return str(input, "path") || !cwd ? one("path", "search") : [{ path: resolvePath(".", cwd), op: "search" }];
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

export type FileOp = "read" | "write" | "edit" | "search";
export type FileTouchOp = { path: string; op: FileOp };

type Input = Record<string, unknown>;

function str(input: Input, key: string): string | null {
  const v = input[key];
  return typeof v === "string" && v !== "" ? v : null;
}

// Tokens in a shell command that are evidently paths: absolute, home- or dot-relative.
const PATH_TOKEN = /^(?:\/|~\/|\.\.?\/)[^\s;|&<>()`$]*$/;
const REDIRECT = /(?:^|[^0-9&>])>>?\s*([^\s;|&<>()`]+)/g;
// Output of these is a file they write (`tee f`, `touch f`, `cp a b` → b).
const WRITERS = new Set(["tee", "touch", "mkdir", "cp", "mv", "rm", "rmdir", "install", "ln"]);

function unquote(token: string): string {
  return token.replace(/^(['"])(.*)\1$/, "$2");
}

/** Paths evident in a Bash command: redirect targets are writes; path arguments of writers are writes; others reads. */
export function bashFileOps(command: string): FileTouchOp[] {
  const ops: FileTouchOp[] = [];
  const seen = new Set<string>();
  const add = (path: string, op: FileOp) => {
    if (path === "/dev/null" || path.startsWith("/dev/fd") || path.startsWith("/proc/")) return;
    if (seen.has(path)) return;
    seen.add(path);
    ops.push({ path, op });
  };
  for (const m of command.matchAll(REDIRECT)) {
    const target = unquote(m[1]!);
    if (!target.startsWith("&")) add(target, "write");
  }
  for (const segment of command.split(/&&|\|\||[;|\n]/)) {
    const tokens = segment.trim().split(/\s+/).map(unquote);
    const cmd = tokens[0] ?? "";
    const writer = WRITERS.has(cmd) || (cmd === "sed" && tokens.includes("-i"));
    const pathArgs = tokens.slice(1).filter((t) => PATH_TOKEN.test(t) && !t.startsWith(">"));
    pathArgs.forEach((p, i) => {
      // cp/mv/ln: only the last path is written; the rest are read.
      const isTarget = ["cp", "mv", "ln", "install"].includes(cmd) ? i === pathArgs.length - 1 : writer;
      add(p, isTarget ? "write" : "read");
    });
  }
  return ops;
}

/** The files a tool call reads, writes, edits or searches, from its input (Claude Code tool shapes). */
export function toFileOps(toolName: string | null, toolInput: unknown): FileTouchOp[] {
  if (!toolName || toolInput === null || typeof toolInput !== "object") return [];
  const input = toolInput as Input;
  const one = (key: string, op: FileOp): FileTouchOp[] => {
    const p = str(input, key);
    return p ? [{ path: p, op }] : [];
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
      return command ? bashFileOps(command) : [];
    }
    default:
      // MCP and unknown tools: take the conventional field names when present.
      return [...one("file_path", "read"), ...one("path", "read")].filter(
        (v, i, all) => all.findIndex((o) => o.path === v.path) === i,
      );
  }
}

/** One-line, human summaries for the event list and tool rows. Inputs are already redacted. */

const MAX = 160;

export function oneLine(text: string, max = MAX): string {
  // Only the head can show: flatten a bounded prefix, not a whole file or command output.
  // (Whitespace runs only shrink, so 4 × max characters always fill `max` after flattening
  // unless the text is mostly whitespace, and then it is short anyway.)
  const head = text.length > max * 4 ? text.slice(0, max * 4) : text;
  // Only runs and non-space whitespace need replacing: most summaries come back as they were.
  const flat = head.replace(/\s\s+|[^\S ]/g, " ").trim();
  return flat.length > max || head.length < text.length ? `${flat.slice(0, max - 1)}…` : flat;
}

function field(input: unknown, key: string): string | null {
  if (input === null || typeof input !== "object") return null;
  const v = (input as Record<string, unknown>)[key];
  return typeof v === "string" && v !== "" ? v : null;
}

/** What a tool call is about: its command, path, pattern, URL or description. */
export function summarizeToolInput(toolName: string | null, input: unknown): string {
  switch (toolName) {
    case "Bash":
      return oneLine(field(input, "command") ?? "");
    case "Read":
    case "Write":
    case "Edit":
    case "MultiEdit":
      return field(input, "file_path") ?? "";
    case "NotebookEdit":
      return field(input, "notebook_path") ?? "";
    case "Glob":
    case "Grep": {
      const pattern = field(input, "pattern") ?? "";
      const path = field(input, "path");
      return oneLine(path ? `${pattern} in ${path}` : pattern);
    }
    case "Agent":
    case "Task": {
      const type = field(input, "subagent_type");
      return oneLine(`${field(input, "description") ?? ""}${type ? ` (${type})` : ""}`);
    }
    case "WebFetch":
      return field(input, "url") ?? "";
    case "WebSearch":
      return oneLine(field(input, "query") ?? "");
    case "TaskCreate":
    case "TaskUpdate":
      return oneLine(field(input, "subject") ?? field(input, "status") ?? "");
    default: {
      if (input === undefined || input === null) return "";
      const text = typeof input === "string" ? input : JSON.stringify(input);
      return oneLine(text ?? "");
    }
  }
}

export function firstLine(text: string): string {
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf("\n", start);
    const line = text.slice(start, end === -1 ? text.length : end);
    if (line.trim() !== "") return oneLine(line);
    if (end === -1) break;
    start = end + 1;
  }
  return "";
}

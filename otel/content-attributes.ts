import type { NormalizedEvent, TrimMark } from "../src/schema/mod.ts";
import type { Attributes } from "./span-command.ts";
import { toSha256 } from "./span-ids.ts";

/** UTF-8 size of a string without encoding it (no allocation on the ingest path). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4; // surrogate pair: one 4-byte code point
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export function cap(text: string, max: number): string {
  if (text.length <= max) return text;
  // Do not split a surrogate pair: a lone surrogate is invalid UTF-8 on the wire.
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

function asText(value: unknown): string {
  return typeof value === "string" ? value : (JSON.stringify(value) ?? "");
}

const PATH_STEP = /([^.[\]]+)|\[(\d+)\]/g;

/** The value a trim mark's path (`file.content`, `edits[0].new_string`) names inside `root`. */
function valueAt(root: unknown, path: string): unknown {
  let at = root;
  for (const m of path.matchAll(PATH_STEP)) {
    if (at === null || typeof at !== "object") return undefined;
    at = (at as Record<string, unknown>)[m[1] ?? Number(m[2])];
  }
  return at;
}

/**
 * Size and hash of a field whose parts the ingest cut (a 200 KB Write's `tool_input.content`,
 * a long Bash `tool_response.stdout`). The size is the stored size with each cut part counted at
 * its original size (to within the JSON escaping of what was cut). The original text is gone, so
 * the hash is a fingerprint instead: sha256 of the stored text and each cut part's original sha256
 * — equal contents still hash equal, different ones apart.
 */
function trimmedContent(value: unknown, text: string, path: string, marks: TrimMark[]): [number, string] {
  let bytes = utf8Length(text);
  let fingerprint = text;
  for (const m of marks) {
    const rest = m.path.slice(path.length + (m.path[path.length] === "." ? 1 : 0));
    const stored = valueAt(value, rest);
    if (typeof stored === "string") bytes += m.originalBytes - utf8Length(stored);
    fingerprint += `\n${m.path}:${m.sha256}`;
  }
  return [bytes, toSha256(fingerprint)];
}

/**
 * Content (a prompt, tool input or output) as attributes: the text itself only when captured,
 * otherwise its size and sha256. Sizes and hashes are of the stored value — already redacted,
 * so a hash never fingerprints a secret — except that a field the ingest cut keeps its
 * original size and hash from the trim mark, and one cut inside gets `trimmedContent`'s.
 */
export function contentAttributes(
  e: NormalizedEvent,
  path: string,
  value: unknown,
  names: { text: string; length: string; hash: string },
  captured: boolean,
  opts: { maxAttributeChars: number },
): Attributes {
  if (value === undefined || value === null) return {};
  const text = asText(value);
  const out: Attributes = {};
  const whole = e.trimmed.length > 0 ? e.trimmed.find((m) => m.path === path) : undefined;
  const inside =
    e.trimmed.length > 0 && !whole
      ? e.trimmed.filter((m) => m.path.startsWith(`${path}.`) || m.path.startsWith(`${path}[`))
      : [];
  if (whole) {
    out[names.length] = whole.originalBytes;
    out[names.hash] = whole.sha256;
  } else if (inside.length > 0) {
    [out[names.length], out[names.hash]] = trimmedContent(value, text, path, inside);
  } else {
    out[names.length] = utf8Length(text);
    out[names.hash] = toSha256(text);
  }
  if (captured) out[names.text] = cap(text, opts.maxAttributeChars);
  return out;
}

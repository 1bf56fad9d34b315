import { createHash } from "node:crypto";
import type { TrimMark } from "../schema/mod.ts";
import { tooDeep } from "./parse-json.ts";
import { COUNT, keyKind, PATH, SECRET, SESSION_SHARED, STRUCTURAL, shareString } from "./payload-keys.ts";
import { isCountText, REDACTED, redactString } from "./redact.ts";

export type TrimLimits = { eventBytes: number; stringChars: number; jsonDepth?: number };

// Real payloads nest under 10 levels; the config default (limits.jsonDepth) says the same.
const DEFAULT_DEPTH = 64;
export type Sanitized = { value: unknown; trimmed: TrimMark[]; bytes: number };

// Nearly every event is stored untrimmed: they share one empty list instead of keeping one each.
const NO_MARKS = Object.freeze([]) as unknown as TrimMark[];

const encoder = new TextEncoder();

function utf8Bytes(text: string): number {
  // Exact for ASCII; encode only when the string may hold multi-byte characters.
  return /^[\x00-\x7f]*$/.test(text) ? text.length : encoder.encode(text).byteLength;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function joinPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return path === "" ? key : `${path}.${key}`;
}

function cutString(text: string, keep: number, path: string, marks: TrimMark[]): string {
  const originalBytes = utf8Bytes(text);
  marks.push({ path, originalBytes, sha256: sha256(text) });
  // Do not split a surrogate pair: a lone surrogate is invalid UTF-8 on the way out.
  let end = Math.max(0, keep);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}… [trimmed: ${originalBytes} bytes]`;
}

function cleanString(value: string, path: PathStack, limits: TrimLimits, marks: TrimMark[], kind: number): string {
  if (kind & SECRET && value !== "" && !(kind & COUNT && isCountText(value))) return REDACTED;
  let s = value.includes("\u0000") ? value.replaceAll("\u0000", "\uFFFD") : value;
  const top = path.length === 1;
  if (!(top && kind & STRUCTURAL)) s = redactString(s);
  // Redaction first: a shared string is always an already-cleaned one.
  if (kind & PATH || (top && kind & SESSION_SHARED)) s = shareString(path[path.length - 1] as string, s);
  return s.length > limits.stringChars ? cutString(s, limits.stringChars, pathText(path), marks) : s;
}

/**
 * The kind of a value under a key of kind `own` inside a value of kind `parent`: everything beneath a
 * secret name is secret (`{"passwords": ["…"]}`, `{"credentials": {"pw": "…"}}`). Numbers written as
 * text stay only when every secret name above and at the key is a token count.
 */
function inherit(parent: number, own: number): number {
  if (!(parent & SECRET)) return own;
  const countOnly = parent & COUNT && (!(own & SECRET) || own & COUNT);
  return (own & ~COUNT) | SECRET | (countOnly ? COUNT : 0);
}

// Object keys seen to come out of redaction as they were (nearly all: keys repeat from event to
// event), with their keyKind: one lookup for both. A key that holds a secret is never kept here.
const cleanKeys = new Map<string, number>();
const CLEAN_KEYS_MAX = 4096;

type ObjectKey = { key: string; own: number };

/** Key `k` redacted like any string (a token can be a key: `{"Bearer sk-ant-…": true}`), and its kind. */
function learnKey(k: string): ObjectKey {
  const key = redactString(k);
  // The kind is the redacted key's: a key that was a secret leaves none in payload-keys' cache.
  const own = keyKind(key);
  if (key === k && k.length <= 256) {
    if (cleanKeys.size >= CLEAN_KEYS_MAX) cleanKeys.clear();
    cleanKeys.set(k, own);
  }
  return { key, own };
}

// A name/value pair (`{"name": "API_KEY", "value": "…"}`: Kubernetes and ECS env lists, AWS tags as
// Key/Value, OTLP attributes): the value is as secret as the name says.
const PAIR_NAMES = ["name", "key", "Name", "Key"] as const;

/** What the name of the pair `obj` says (SECRET, with COUNT for a token count), 0 for no secret or no name. */
function pairNameKind(obj: Record<string, unknown>): number {
  for (const n of PAIR_NAMES) {
    const name = obj[n];
    if (typeof name !== "string" || !Object.hasOwn(obj, n)) continue;
    const kind = name.length <= 256 ? keyKind(name) & (SECRET | COUNT) : 0;
    return kind & SECRET ? kind : 0;
  }
  return 0;
}

/** The kind of the value under `k` in `obj`, itself of kind `parent`, given `k`'s own kind. */
function kindIn(obj: Record<string, unknown>, k: string, own: number, parent: number): number {
  const kind = inherit(parent, own);
  return (k === "value" || k === "Value") && !(kind & SECRET) ? kind | pairNameKind(obj) : kind;
}

/**
 * Key `k` of `obj` (a value of kind `parent`) redacted, and the kind of the value under it: the rules
 * sanitize applies, for copies made elsewhere (the OTLP forwarder's).
 */
export function objectKey(obj: Record<string, unknown>, k: string, parent: number): { key: string; kind: number } {
  const learned = cleanKeys.get(k);
  const { key, own } = learned === undefined ? learnKey(k) : { key: k, own: learned };
  return { key, kind: kindIn(obj, k, own, parent) };
}

/** Keys from the root to the value being cleaned; joined into a path only for the rare string that is cut. */
type PathStack = Array<string | number>;

function pathText(path: PathStack): string {
  return path.reduce<string>((acc, key) => joinPath(acc, key), "");
}

/**
 * Pass 1: every string is cleaned of NUL characters, redacted, and capped at `stringChars`;
 * nesting past `jsonDepth` is refused. `inPlace` rewrites a value the caller owns (a freshly
 * parsed body) instead of copying it: fewer allocations on the ingest hot path.
 */
function sanitize(
  value: unknown,
  path: PathStack,
  limits: TrimLimits,
  marks: TrimMark[],
  kind: number,
  inPlace: boolean,
): unknown {
  if (typeof value === "string") return cleanString(value, path, limits, marks, kind);
  if (value === null || typeof value !== "object") return value;
  const max = limits.jsonDepth ?? DEFAULT_DEPTH;
  if (path.length >= max) throw tooDeep(max);
  if (Array.isArray(value)) {
    const out = inPlace ? value : new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      out[i] = sanitize(value[i], path, limits, marks, kind & (SECRET | COUNT), inPlace);
      path.pop();
    }
    return out;
  }
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = inPlace ? src : {};
  for (const k of Object.keys(src)) {
    let key = k;
    let own = cleanKeys.get(k);
    if (own === undefined) ({ key, own } = learnKey(k));
    const v = src[k];
    if (key !== k && inPlace) delete src[k];
    path.push(key);
    out[key] = sanitize(v, path, limits, marks, kindIn(src, k, own, kind), inPlace);
    path.pop();
  }
  return out;
}

/**
 * A parsed JSON value redacted as it would be inside a payload (every key and string, whole values
 * under secret names), nothing cut: for JSON that arrives as text, such as the `tool_input` of
 * Claude Code's log events. Throws past `jsonDepth` like sanitizePayload.
 */
export function redactJson(value: unknown, jsonDepth?: number): unknown {
  // Rooted one level down: no top-level key is taken for one of Claude Code's own ids.
  const limits = { eventBytes: Number.POSITIVE_INFINITY, stringChars: Number.POSITIVE_INFINITY, jsonDepth };
  return sanitize(value, [""], limits, [], 0, false);
}

type Leaf = { parent: Record<string, unknown> | unknown[]; key: string | number; path: string; size: number };

function collectStrings(value: unknown, path: string, out: Leaf[]): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      if (typeof v === "string") out.push({ parent: value, key: i, path: joinPath(path, i), size: v.length });
      else collectStrings(v, joinPath(path, i), out);
    });
  } else if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    for (const k of Object.keys(obj)) {
      const v = obj[k];
      if (typeof v === "string") out.push({ parent: obj, key: k, path: joinPath(path, k), size: v.length });
      else collectStrings(v, joinPath(path, k), out);
    }
  }
}

function setLeaf(leaf: Leaf, value: unknown): void {
  (leaf.parent as Record<string | number, unknown>)[leaf.key] = value;
}

/**
 * Makes a payload safe to store: redacted, strings capped, and the whole event within
 * `eventBytes` by cutting the largest strings first (tool_response, file contents, base64
 * images), then — for payloads made of many small parts — replacing the largest subtrees.
 * The event is never dropped; each cut leaves a mark with the original size and sha256.
 */
export function sanitizePayload(raw: unknown, limits: TrimLimits, sizeHint?: number, inPlace = false): Sanitized {
  const marks: TrimMark[] = [];
  let value = sanitize(raw, [], limits, marks, 0, inPlace);
  // The request body's own size is a close enough measure (redaction changes it by a few bytes)
  // when nothing had to be cut; it saves serializing every event again on the hot path.
  if (sizeHint !== undefined && sizeHint <= limits.eventBytes && marks.length === 0) {
    return { value, trimmed: NO_MARKS, bytes: sizeHint };
  }
  let text = JSON.stringify(value) ?? "null";
  let bytes = utf8Bytes(text);
  if (bytes <= limits.eventBytes) return { value, trimmed: marks.length > 0 ? marks : NO_MARKS, bytes };

  const leaves: Leaf[] = [];
  collectStrings(value, "", leaves);
  leaves.sort((a, b) => b.size - a.size);
  const keep = 256;
  for (const leaf of leaves) {
    if (bytes <= limits.eventBytes || leaf.size <= keep * 2) break;
    const s = (leaf.parent as Record<string | number, unknown>)[leaf.key] as string;
    const before = utf8Bytes(JSON.stringify(s));
    const cut = cutString(s, keep, leaf.path, marks);
    setLeaf(leaf, cut);
    bytes -= before - utf8Bytes(JSON.stringify(cut));
  }
  if (bytes > limits.eventBytes) value = replaceSubtrees(value, limits.eventBytes, marks);
  text = JSON.stringify(value) ?? "null";
  bytes = utf8Bytes(text);
  return { value, trimmed: marks, bytes };
}

/** Replaces the largest top-level-first subtrees with a marker until the payload fits. */
function replaceSubtrees(value: unknown, budget: number, marks: TrimMark[]): unknown {
  if (value === null || typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  const entries = Object.keys(obj)
    .map((k) => ({ k, text: JSON.stringify(obj[k]) ?? "" }))
    .sort((a, b) => b.text.length - a.text.length);
  let size = utf8Bytes(JSON.stringify(obj));
  for (const { k, text } of entries) {
    if (size <= budget) break;
    // Identity fields stay: the event must still say which session and event type it is.
    if (k === "session_id" || k === "hook_event_name" || k === "type" || k === "id") continue;
    const originalBytes = utf8Bytes(text);
    marks.push({ path: k, originalBytes, sha256: sha256(text) });
    const marker = { $trimmed: true, originalBytes };
    obj[k] = marker;
    size -= originalBytes - JSON.stringify(marker).length;
  }
  return obj;
}

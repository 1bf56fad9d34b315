import { COUNT_NAME, SECRET_NAME, secretKeyKind } from "./redact.ts";

/**
 * What a payload key says about its value, looked up once per key name: whether the value is a
 * secret, one of Claude Code's own identifiers, or a string worth sharing between kept events.
 */
export const SECRET = 1;
/** With SECRET: a token count (`input_tokens`); numbers written as text are kept (isCountText). */
export const COUNT = 16;
/** Top level only: Claude Code's ids, enums and its own paths (no credential can hide there). */
export const STRUCTURAL = 2;
/** Top level only: values every event of a session repeats. */
export const SESSION_SHARED = 4;
/** Any depth: file paths, which recur within an event and across a session's events. */
export const PATH = 8;

// Claude Code's own identifiers and enums: ids, paths of its transcripts and working directory,
// event and tool names. They cannot carry a credential, and they are most of a payload's strings,
// so the secret scan skips them at the top level. (A tool's file_path is not here: it is user input.)
const STRUCTURAL_KEYS = [
  "session_id",
  "transcript_path",
  "agent_transcript_path",
  "cwd",
  "hook_event_name",
  "tool_use_id",
  "prompt_id",
  "agent_id",
  "agent_type",
  "permission_mode",
  "tool_name",
  "message_id",
  "turn_id",
  "notification_type",
];
// Per-call ids would only churn the shared-string table.
const PER_CALL_KEYS = new Set(["tool_use_id", "message_id", "turn_id"]);
const PATH_KEYS = new Set(["file_path", "filePath", "notebook_path", "path"]);

const kinds = new Map<string, number>();
for (const k of STRUCTURAL_KEYS) kinds.set(k, STRUCTURAL | (PER_CALL_KEYS.has(k) ? 0 : SESSION_SHARED));
for (const k of PATH_KEYS) kinds.set(k, PATH);
const KINDS_MAX = 4096;
const fixed = kinds.size;

export function keyKind(key: string): number {
  let kind = kinds.get(key);
  if (kind === undefined) {
    kind = secretKind(key);
    // Keys repeat from event to event; a flood of distinct ones only resets the learned part.
    if (kinds.size >= KINDS_MAX + fixed) resetLearned();
    kinds.set(key, kind);
  }
  return kind;
}

function secretKind(key: string): number {
  const name = secretKeyKind(key);
  return name === SECRET_NAME ? SECRET : name === COUNT_NAME ? SECRET | COUNT : 0;
}

function resetLearned(): void {
  for (const k of kinds.keys()) if (!STRUCTURAL_KEYS.includes(k) && !PATH_KEYS.has(k)) kinds.delete(k);
}

// Kept events share one copy of each repeated string instead of holding their own: less memory,
// and less for the garbage collector to copy, since every kept event is copied on its way to the
// old generation.
const shared = new Map<string, string>();
const lastByKey = new Map<string, string>();
const SHARED_MAX = 4096;
const SHARED_MAX_CHARS = 1024;

/** The one kept copy of `value` (an already cleaned string) for a key that repeats its values. */
export function shareString(key: string, value: string): string {
  if (value.length > SHARED_MAX_CHARS) return value;
  // Most often the value is the one this key had in the previous event: compare before hashing.
  const last = lastByKey.get(key);
  if (last === value) return last;
  let known = shared.get(value);
  if (known === undefined) {
    if (shared.size >= SHARED_MAX) shared.clear();
    shared.set(value, value);
    known = value;
  }
  lastByKey.set(key, known);
  return known;
}

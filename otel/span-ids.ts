import { createHash } from "node:crypto";

/**
 * Deterministic ids: the same session and prompt always give the same trace id, the same
 * tool_use_id / agent_id the same span id. A re-sent hook therefore cannot make a second
 * trace, the API can link a turn to its trace without asking the exporter, and a child can
 * name its parent even when the parent span was already exported.
 * sha256 keeps the ids uniformly distributed (W3C trace ids are expected to look random).
 */

function hexDigest(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** 32 hex characters; never all zeros (that is the invalid trace id). */
function traceIdOf(text: string): string {
  const id = hexDigest(text).slice(0, 32);
  return /^0+$/.test(id) ? `${id.slice(0, 31)}1` : id;
}

/** 16 hex characters; never all zeros. */
export function toSpanId(key: string): string {
  const id = hexDigest(`span|${key}`).slice(0, 16);
  return /^0+$/.test(id) ? `${id.slice(0, 15)}1` : id;
}

/** Key of a turn inside its session: the prompt id, or `#<n>` (1-based turn number) when the hook has none. */
export function toPromptKey(promptId: string | null, turnIndex: number): string {
  return promptId ?? `#${turnIndex}`;
}

/** The trace of one turn (UserPromptSubmit → Stop). */
export function toTurnTraceId(sessionId: string, promptKey: string): string {
  return traceIdOf(`turn|${sessionId}|${promptKey}`);
}

/** The trace holding a session's lifecycle spans (SessionStart, SessionEnd, Setup, …) outside turns. */
export function toLifecycleTraceId(sessionId: string): string {
  return traceIdOf(`lifecycle|${sessionId}`);
}

/** Hex sha256 of a text, for the privacy-preserving `*.sha256` attributes. */
export function toSha256(text: string): string {
  return hexDigest(text);
}

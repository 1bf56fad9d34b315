import * as nodeCrypto from "node:crypto";

/**
 * Deterministic ids: the same session and prompt always give the same trace id, the same
 * tool_use_id / agent_id the same span id. A re-sent hook therefore cannot make a second
 * trace, the API can link a turn to its trace without asking the exporter, and a child can
 * name its parent even when the parent span was already exported.
 * sha256 keeps the ids uniformly distributed (W3C trace ids are expected to look random).
 */

// One-shot crypto.hash (Node ≥ 20.12, Deno, Bun) costs a third of createHash().update().digest()
// for the short texts hashed here, on every event; the latter stays as the fallback.
const oneShot = (nodeCrypto as { hash?: (algorithm: string, data: string, encoding: "hex") => string }).hash;

function hexDigest(text: string): string {
  return oneShot ? oneShot("sha256", text, "hex") : nodeCrypto.createHash("sha256").update(text).digest("hex");
}

/** 32 hex characters; never all zeros (that is the invalid trace id). */
function traceIdOf(text: string): string {
  const id = hexDigest(text).slice(0, 32);
  return /^0+$/.test(id) ? `${id.slice(0, 31)}1` : id;
}

/**
 * 16 hex characters; never all zeros. Two 32-bit FNV-1a lanes with different offsets: span ids
 * are made for every span on the ingest path, where a sha256 per span was the largest cost, and
 * only need to be unique within their trace.
 */
export function toSpanId(key: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (a >>> 15);
  }
  const id = (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
  return id === "0000000000000000" ? "0000000000000001" : id;
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

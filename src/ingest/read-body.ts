import { ApiError } from "../server/api-error.ts";

/**
 * Reads a request body up to `limit` bytes. Past the limit it keeps reading (and discarding)
 * to the end before throwing 413: a server that answers before the client finished sending
 * makes most clients see a connection reset instead of the JSON error.
 */
export async function readBody(req: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? Number.NaN);
  // Fast path: a declared length within the limit is read whole (on Node this skips the web stream).
  if (Number.isFinite(declared) && declared <= limit) {
    const buf = new Uint8Array(await req.arrayBuffer());
    if (buf.byteLength > limit) {
      throw new ApiError(
        "payload_too_large",
        `Body is ${buf.byteLength} bytes; the limit is ${limit} (limits.bodyBytes).`,
      );
    }
    return buf;
  }
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let over = Number.isFinite(declared) && declared > limit;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) over = true;
    if (!over) chunks.push(value);
  }
  if (over) {
    throw new ApiError("payload_too_large", `Body is ${size} bytes; the limit is ${limit} (limits.bodyBytes).`);
  }
  return concatBytes(chunks);
}

/**
 * Reads a stream to its end, or until more than `limit` bytes came: then it stops there, cancels
 * the stream and says so (what was read is returned, at most `limit` bytes). A stream error throws.
 */
export async function readAtMost(
  stream: ReadableStream<Uint8Array>,
  limit: number,
): Promise<{ bytes: Uint8Array; over: boolean }> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { bytes: concatBytes(chunks), over: false };
    chunks.push(value);
    size += value.byteLength;
    if (size > limit) {
      // Not awaited: a peer that keeps sending must not hold the reader (cancel ends the stream).
      void reader.cancel().catch(() => {});
      return { bytes: concatBytes(chunks).subarray(0, limit), over: true };
    }
  }
}

/** One byte array from chunks (the only chunk itself when there is one). */
export function concatBytes(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  let size = 0;
  for (const c of chunks) size += c.byteLength;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/** Reads and discards a body so the client sees the error response, not a reset. */
export async function drainBody(req: Request): Promise<void> {
  if (!req.body || req.bodyUsed) return;
  try {
    const reader = req.body.getReader();
    for (;;) if ((await reader.read()).done) break;
  } catch {
    // The client went away; nothing to drain.
  }
}

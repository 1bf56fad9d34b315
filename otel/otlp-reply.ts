/**
 * What an OTLP/HTTP receiver answers: the reply body, read up to a bound, and the partial success
 * of an Export*ServiceResponse (JSON or protobuf), the only part of a 2xx answer that matters.
 */

import { readAtMost } from "../src/ingest/read-body.ts";

// A reply body is read for its first line (errors) or a partial success; a receiver that streams
// megabytes must not make the exporter hold them.
const MAX_REPLY_BYTES = 64 * 1024;

export async function readReply(res: Response): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array(0);
  try {
    return (await readAtMost(res.body, MAX_REPLY_BYTES)).bytes;
  } catch {
    // A reply cut off mid-body: the status is what counts.
    return new Uint8Array(0);
  }
}

/** A protobuf varint at `pos`: [value, next position], or null past the end. */
function varint(b: Uint8Array, pos: number): [number, number] | null {
  let value = 0;
  let scale = 1;
  for (let i = pos; i < b.length && i < pos + 10; i++) {
    value += (b[i]! & 0x7f) * scale;
    scale *= 128;
    if (b[i]! < 0x80) return [value, i + 1];
  }
  return null;
}

/** Fields of one protobuf message we care about: varints and length-delimited bytes by number. */
function protoFields(b: Uint8Array): Map<number, number | Uint8Array> | null {
  const out = new Map<number, number | Uint8Array>();
  let pos = 0;
  while (pos < b.length) {
    const tag = varint(b, pos);
    if (!tag) return null;
    const [key, p] = tag;
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) {
      const v = varint(b, p);
      if (!v) return null;
      out.set(field, v[0]);
      pos = v[1];
    } else if (wire === 2) {
      const len = varint(b, p);
      if (!len || len[1] + len[0] > b.length) return null;
      out.set(field, b.subarray(len[1], len[1] + len[0]));
      pos = len[1] + len[0];
    } else if (wire === 1) pos = p + 8;
    else if (wire === 5) pos = p + 4;
    else return null;
  }
  return out;
}

/**
 * The partial success of an ExportTraceServiceResponse: spans the receiver refused although it
 * answered 2xx. The spec says not to retry them; they are counted as failed and their message kept.
 */
export function partialSuccess(reply: Uint8Array, json: boolean): { rejected: number; message: string } | null {
  if (reply.length === 0) return null;
  if (json) {
    try {
      type Partial = { errorMessage?: string } & Record<string, unknown>;
      const partial = (JSON.parse(new TextDecoder().decode(reply)) as { partialSuccess?: Partial }).partialSuccess;
      // rejectedSpans for traces; the same reply shape names them otherwise for logs and metrics.
      const count = partial?.rejectedSpans ?? partial?.rejectedLogRecords ?? partial?.rejectedDataPoints ?? 0;
      const rejected = Number(count);
      const message = typeof partial?.errorMessage === "string" ? partial.errorMessage : "";
      return Number.isFinite(rejected) && (rejected > 0 || message) ? { rejected, message } : null;
    } catch {
      return null;
    }
  }
  const partial = protoFields(reply)?.get(1);
  if (!(partial instanceof Uint8Array)) return null;
  const fields = protoFields(partial);
  const rejected = fields?.get(1);
  const message = fields?.get(2);
  const count = typeof rejected === "number" ? rejected : 0;
  const text = message instanceof Uint8Array ? new TextDecoder().decode(message) : "";
  return count > 0 || text ? { rejected: count, message: text } : null;
}

export function firstLine(reply: Uint8Array): string {
  return new TextDecoder().decode(reply).trim().split("\n")[0]?.slice(0, 200) ?? "";
}

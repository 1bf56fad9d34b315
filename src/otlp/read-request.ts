import { decodeUtf8, parseJsonText } from "../ingest/parse-json.ts";
import { drainBody, readAtMost, readBody } from "../ingest/read-body.ts";
import { ApiError } from "../server/api-error.ts";
import { decodeOtlpJson } from "./decode-json.ts";
import { decodeOtlpProtobuf } from "./decode-protobuf.ts";
import { countItems, type DecodedRequest, type OtlpSignal } from "./otlp-model.ts";

export type OtlpEncoding = "json" | "protobuf";

export type ReadLimits = { bodyBytes: number; jsonDepth: number; batchItems: number };

/** The body encoding from Content-Type (OTLP/HTTP: application/json or application/x-protobuf). */
export function encodingOf(contentType: string | null): OtlpEncoding | null {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/json") return "json";
  if (type === "application/x-protobuf" || type === "application/protobuf") return "protobuf";
  return null;
}

/**
 * Inflates a gzip body with the Web-standard DecompressionStream (Node, Deno and Bun have it),
 * stopping as soon as the output passes the limit: a small gzip bomb must not make the server
 * buffer gigabytes.
 */
export async function gunzip(bytes: Uint8Array, limit: number): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream("gzip"));
  let read: { bytes: Uint8Array; over: boolean };
  try {
    read = await readAtMost(stream, limit);
  } catch (err) {
    throw new ApiError("invalid_body", `Body is not valid gzip: ${err instanceof Error ? err.message : String(err)}.`);
  }
  if (read.over) {
    throw new ApiError(
      "payload_too_large",
      `Body inflates to more than ${limit} bytes (limits.bodyBytes applies after gzip decoding).`,
    );
  }
  return read.bytes;
}

/** Content-Encoding → how to decode; OTLP/HTTP clients send gzip or nothing. */
function codingOf(value: string | null): "identity" | "gzip" {
  const coding = (value ?? "").trim().toLowerCase();
  if (coding === "" || coding === "identity") return "identity";
  if (coding === "gzip" || coding === "x-gzip") return "gzip";
  throw new ApiError(
    "unsupported_media_type",
    `Content-Encoding "${coding.slice(0, 40)}" is not supported; send gzip or no encoding.`,
  );
}

/**
 * One OTLP/HTTP request → its decoded content. Every failure is an ApiError with the status the
 * OTLP/HTTP spec asks for: 415 for a media type or encoding it cannot read, 413 past the size
 * limit, 400 for anything malformed (never retried by clients).
 */
export async function readOtlpRequest(
  req: Request,
  signal: OtlpSignal,
  limits: ReadLimits,
): Promise<{ request: DecodedRequest; encoding: OtlpEncoding; bytes: Uint8Array }> {
  const encoding = encodingOf(req.headers.get("content-type"));
  if (!encoding) {
    // Read the body anyway so the client gets the 415, not a connection reset.
    await drainBody(req);
    throw new ApiError(
      "unsupported_media_type",
      `Content-Type "${(req.headers.get("content-type") ?? "").slice(0, 80)}" is not OTLP; send application/json or application/x-protobuf.`,
    );
  }
  let coding: "identity" | "gzip";
  try {
    coding = codingOf(req.headers.get("content-encoding"));
  } catch (err) {
    await drainBody(req);
    throw err;
  }
  const raw = await readBody(req, limits.bodyBytes);
  const bytes = coding === "gzip" ? await gunzip(raw, limits.bodyBytes) : raw;
  const request =
    encoding === "json"
      ? decodeOtlpJson(signal, bytes.byteLength === 0 ? {} : parseJsonText(decodeUtf8(bytes), limits))
      : decodeOtlpProtobuf(signal, bytes, { maxDepth: limits.jsonDepth });
  const items = countItems(request);
  if (items > limits.batchItems) {
    throw new ApiError(
      "too_many_items",
      `Request has ${items} ${signal === "traces" ? "spans" : signal === "logs" ? "log records" : "data points"}; the limit is ${limits.batchItems} (limits.batchItems).`,
    );
  }
  return { request, encoding, bytes };
}

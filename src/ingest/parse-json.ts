import { ApiError } from "../server/api-error.ts";
import { mayHoldSurrogateEscape, wellFormedDeep } from "./well-formed.ts";

export type ParsedItem = { ok: true; value: unknown } | { ok: false; error: ApiError };
export type ParsedBody = { kind: "single"; value: unknown } | { kind: "batch"; items: ParsedItem[] };

export type ParseLimits = { jsonDepth: number; batchItems: number };

const decoder = new TextDecoder("utf-8", { fatal: true });

/** Decodes UTF-8 strictly: replacement characters would silently corrupt ids and paths. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new ApiError("invalid_utf8", "Body is not valid UTF-8.");
  }
}

/** `__proto__` as a key is refused: JSON.parse makes it an own property, but any later copy would not. */
function findProtoKey(value: unknown, path: string, depth: number, maxDepth: number): string | null {
  if (depth > maxDepth) throw tooDeep(maxDepth);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findProtoKey(value[i], `${path}[${i}]`, depth + 1, maxDepth);
      if (hit) return hit;
    }
  } else if (value !== null && typeof value === "object") {
    for (const key of Object.keys(value)) {
      if (key === "__proto__") return path ? `${path}.__proto__` : "__proto__";
      const hit = findProtoKey(
        (value as Record<string, unknown>)[key],
        path ? `${path}.${key}` : key,
        depth + 1,
        maxDepth,
      );
      if (hit) return hit;
    }
  }
  return null;
}

export function tooDeep(maxDepth: number): ApiError {
  return new ApiError("too_deep", `JSON is nested deeper than ${maxDepth} levels (limits.jsonDepth).`);
}

export function parseJsonText(text: string, limits: ParseLimits): unknown {
  // A raw NUL is invalid JSON anyway; say so plainly. (JSON.parse itself is iterative, so deep
  // input cannot overflow it; depth is enforced by the walks that follow.)
  const nul = text.indexOf("\u0000");
  if (nul !== -1) throw new ApiError("invalid_body", `Raw NUL byte at offset ${nul}; escape it as \\u0000.`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ApiError("invalid_json", `Body is not valid JSON: ${(err as Error).message}`);
  }
  // Only a body that spells the key (or escapes characters, which could spell it) needs the walk.
  const escapes = text.includes("\\u");
  const proto = text.includes("__proto__") || escapes ? findProtoKey(value, "", 0, limits.jsonDepth) : null;
  if (proto) throw new ApiError("forbidden_key", `Key "__proto__" is not accepted (at ${proto}).`);
  // After the walk above, which has bounded the depth (a surrogate escape is a `\u` too).
  return escapes && mayHoldSurrogateEscape(text) ? wellFormedDeep(value) : value;
}

function isNdjson(contentType: string | null): boolean {
  return !!contentType && /application\/(x-)?ndjson|application\/jsonl|application\/x-jsonlines/i.test(contentType);
}

/**
 * Ingest reads JSON and NDJSON. A missing type and text/plain are kept for minimal clients
 * (Node's fetch labels a string body text/plain); anything else (forms, XML, multipart) is
 * clearly not JSON, and refusing forms also stops a browser form on another site from posting.
 * Bodies are read uncompressed: the Node fast path ingests synchronously and hook payloads are
 * small, so a Content-Encoding is refused by name rather than misread as bad UTF-8 (the OTLP
 * routes, which exporters gzip, decode gzip instead).
 */
export function ingestMediaError(contentType: string | null, contentEncoding: string | null): ApiError | null {
  const coding = (contentEncoding ?? "").trim().toLowerCase();
  if (coding !== "" && coding !== "identity") {
    return new ApiError(
      "unsupported_media_type",
      `Content-Encoding "${coding.slice(0, 40)}" is not supported here; send the body uncompressed.`,
    );
  }
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  const readable =
    type === "" ||
    type === "text/plain" ||
    /^(application|text)\/(x-)?json$/.test(type) ||
    /^application\/[\w.-]+\+json$/.test(type) ||
    isNdjson(type);
  if (readable) return null;
  return new ApiError(
    "unsupported_media_type",
    `Content-Type "${type.slice(0, 80)}" cannot be ingested; send application/json or application/x-ndjson.`,
  );
}

/**
 * Parses a body as one JSON value, a JSON array (batch) or NDJSON (batch, one value per line).
 * A bad NDJSON line rejects only that item.
 */
export function parseBody(bytes: Uint8Array, contentType: string | null, limits: ParseLimits): ParsedBody {
  const text = decodeUtf8(bytes);
  if (text.trim() === "") throw new ApiError("invalid_body", "Body is empty; send a JSON object, array or NDJSON.");
  if (isNdjson(contentType)) {
    const lines = text.split("\n").filter((l) => l.trim() !== "");
    if (lines.length > limits.batchItems) {
      throw new ApiError("too_many_items", `Batch has ${lines.length} items; the limit is ${limits.batchItems}.`);
    }
    const items = lines.map((line): ParsedItem => {
      try {
        return { ok: true, value: parseJsonText(line, limits) };
      } catch (err) {
        if (err instanceof ApiError) return { ok: false, error: err };
        throw err;
      }
    });
    return { kind: "batch", items };
  }
  const value = parseJsonText(text, limits);
  if (Array.isArray(value)) {
    if (value.length > limits.batchItems) {
      throw new ApiError("too_many_items", `Batch has ${value.length} items; the limit is ${limits.batchItems}.`);
    }
    return { kind: "batch", items: value.map((v) => ({ ok: true, value: v })) };
  }
  return { kind: "single", value };
}

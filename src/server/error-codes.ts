/**
 * Every error code the API returns, with its HTTP status and meaning. docs/api.md shows the same
 * table for users; test/http/api-errors.test.ts checks that the two agree.
 */
export const ERROR_CODES = {
  invalid_json: { status: 400, meaning: "The body is not valid JSON (or an NDJSON line is not)." },
  invalid_utf8: { status: 400, meaning: "The body is not valid UTF-8." },
  invalid_body: { status: 400, meaning: "The body has a raw NUL byte, is empty, or is not an object/array." },
  too_deep: { status: 400, meaning: "JSON nested deeper than limits.jsonDepth." },
  forbidden_key: {
    status: 400,
    meaning: "A `__proto__` key, refused so no code path can be tricked into prototype pollution.",
  },
  validation_failed: { status: 400, meaning: "The event does not match its schema; `issues` names each field path." },
  too_many_items: { status: 400, meaning: "A batch has more items than limits.batchItems." },
  invalid_query: {
    status: 400,
    meaning: "A query parameter, path id or Last-Event-ID is malformed; `issues` names it.",
  },
  unauthorized: {
    status: 401,
    meaning: "A token is configured and the request has no valid `Authorization: Bearer` token.",
  },
  forbidden_host: { status: 403, meaning: "The Host header is not the bound address (DNS-rebinding protection)." },
  forbidden_origin: {
    status: 403,
    meaning: "A browser marked the request as coming from a page on another site (`Origin`, `Sec-Fetch-Site`).",
  },
  not_found: { status: 404, meaning: "No such route, session or resource." },
  method_not_allowed: { status: 405, meaning: "The route exists but not for this method; `Allow` lists its methods." },
  unsupported_media_type: {
    status: 415,
    meaning: "The Content-Type or Content-Encoding cannot be ingested here.",
  },
  payload_too_large: { status: 413, meaning: "The body is larger than limits.bodyBytes." },
  too_many_clients: { status: 503, meaning: "stream.maxClients SSE clients are connected already." },
  internal: { status: 500, meaning: "A bug: the server logged it and keeps serving." },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

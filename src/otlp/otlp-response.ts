// The OTLP package's own protobuf writer (not re-exported from its index; version pinned).
import { ProtobufWriter } from "@opentelemetry/otlp-transformer/build/src/common/protobuf/protobuf-writer.js";
import type { ApiError } from "../server/api-error.ts";
import type { OtlpSignal } from "./otlp-model.ts";
import type { OtlpEncoding } from "./read-request.ts";

/**
 * OTLP/HTTP responses (https://opentelemetry.io/docs/specs/otlp/#otlphttp-response): 200 with an
 * Export*ServiceResponse — empty on full success, `partial_success` when some items were
 * rejected — and, on failure, a google.rpc.Status body, both encoded like the request.
 */

const CONTENT_TYPE: Record<OtlpEncoding, string> = {
  json: "application/json",
  protobuf: "application/x-protobuf",
};

// ExportTracePartialSuccess.rejected_spans / ExportLogsPartialSuccess.rejected_log_records /
// ExportMetricsPartialSuccess.rejected_data_points (field 1 of each; error_message is field 2).
const REJECTED_FIELD: Record<OtlpSignal, string> = {
  traces: "rejectedSpans",
  logs: "rejectedLogRecords",
  metrics: "rejectedDataPoints",
};

export type PartialSuccess = { rejected: number; message: string };

export function successResponse(signal: OtlpSignal, encoding: OtlpEncoding, partial: PartialSuccess | null): Response {
  const headers = { "content-type": CONTENT_TYPE[encoding] };
  if (encoding === "json") {
    // int64 fields are decimal strings in OTLP/JSON.
    const body = partial
      ? { partialSuccess: { [REJECTED_FIELD[signal]]: String(partial.rejected), errorMessage: partial.message } }
      : {};
    return new Response(JSON.stringify(body), { status: 200, headers });
  }
  if (!partial) return new Response(new Uint8Array(0), { status: 200, headers });
  const w = new ProtobufWriter(64 + partial.message.length * 3);
  w.writeTag(1, 2);
  const at = w.startLengthDelimited();
  const start = w.pos;
  w.writeTag(1, 0);
  w.writeVarint(partial.rejected);
  if (partial.message) {
    w.writeTag(2, 2);
    w.writeString(partial.message);
  }
  w.finishLengthDelimited(at, w.pos - start);
  return new Response(w.finish().slice(), { status: 200, headers });
}

// google.rpc.Code for the HTTP statuses this receiver answers with.
function rpcCode(status: number): number {
  if (status === 401) return 16; // UNAUTHENTICATED
  if (status === 403) return 7; // PERMISSION_DENIED
  if (status === 413) return 8; // RESOURCE_EXHAUSTED
  if (status >= 500) return 13; // INTERNAL
  return 3; // INVALID_ARGUMENT
}

/** A failure as google.rpc.Status { int32 code = 1; string message = 2 }, encoded like the request. */
export function errorResponse(error: ApiError, encoding: OtlpEncoding | null): Response {
  const status = error.status;
  const message = `${error.code}: ${error.message}`;
  if (encoding === "protobuf") {
    const w = new ProtobufWriter(32 + message.length * 3);
    w.writeTag(1, 0);
    w.writeVarint(rpcCode(status));
    w.writeTag(2, 2);
    w.writeString(message);
    return new Response(w.finish().slice(), { status, headers: { "content-type": CONTENT_TYPE.protobuf } });
  }
  // JSON for JSON requests and for requests whose encoding could not be told (415): the Status
  // fields plus Spanlight's own error shape, so either kind of client can read it.
  const body = { code: rpcCode(status), message, ...error.toBody() };
  return new Response(JSON.stringify(body), { status, headers: { "content-type": CONTENT_TYPE.json } });
}

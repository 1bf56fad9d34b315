export { decodeOtlpJson } from "./decode-json.ts";
export { decodeOtlpProtobuf } from "./decode-protobuf.ts";
export { createOtlpForwarding, type OtlpForwardConfig, otlpForwardFromEnv } from "./forward.ts";
export { SKIPPED_LOG_EVENTS } from "./log-events.ts";
export type { DecodedRequest, OtlpSignal, ResourceLogs, ResourceMetrics, ResourceSpans } from "./otlp-model.ts";
export { readOtlpRequest } from "./read-request.ts";
export { createOtlpReceiver, FORWARDED_HEADER, type OtlpReceiver, type OtlpSinks } from "./receiver.ts";
export { otlpRoutes } from "./routes.ts";
export { toLogRecords, toReadableSpans } from "./sdk-records.ts";

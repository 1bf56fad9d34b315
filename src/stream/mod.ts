export { parseEventId, toFrame } from "./sse-format.ts";
export { createStreamHub, SSE_HEADERS, type StreamHub } from "./stream-hub.ts";

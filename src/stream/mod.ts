export { toFrame } from "./sse-format.ts";
export { createStreamHub, type StreamHub } from "./stream-hub.ts";

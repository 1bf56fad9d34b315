export * from "./hook-payload.ts";
export * from "./normalized-event.ts";
export * from "./session.ts";
export * from "./telemetry-event.ts";
export * from "./wire.ts";

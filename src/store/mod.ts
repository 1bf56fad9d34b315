export { agentKey } from "./agents.ts";
export { type CompiledFilter, compileFilter, type EventFilter, eventFilterSchema } from "./event-filter.ts";
export type { MetricUpdate, NativeSpanInput } from "./native-telemetry.ts";
export { RingBuffer } from "./ring-buffer.ts";
export {
  type SessionLinker,
  type SessionState,
  type TraceLinker,
  toSessionDetail,
  toSessionSummary,
} from "./session-state.ts";
export type { UsageAmounts } from "./session-usage.ts";
export { type AppendResult, type Clock, createStore, type Store, type StoreListener, systemClock } from "./store.ts";

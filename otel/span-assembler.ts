import { type Attributes, assertNever, type FinishedSpan, type SpanCommand } from "./span-command.ts";

/**
 * Folds span commands into finished spans. A span is handed on only when it ends, because the
 * end can still correct its start (a hook's `duration_ms`) and the SDK fixes a span's start
 * when it is created. Commands for unknown keys (already ended) are ignored.
 */
export function createSpanAssembler(onFinished: (span: FinishedSpan) => void) {
  const pending = new Map<string, FinishedSpan>();

  function merge(target: Attributes, attrs: Attributes) {
    for (const [k, v] of Object.entries(attrs)) target[k] = v;
  }

  function apply(cmd: SpanCommand): void {
    switch (cmd.op) {
      case "start":
        pending.set(cmd.key, {
          traceId: cmd.traceId,
          spanId: cmd.spanId,
          parentSpanId: cmd.parentSpanId,
          name: cmd.name,
          startMs: cmd.startMs,
          endMs: cmd.startMs,
          // The mapper builds a fresh attributes object per command: owned from here on, not copied.
          attributes: cmd.attributes,
          events: [],
          status: { code: "unset", message: null },
          resource: cmd.resource,
        });
        break;
      case "event":
        pending.get(cmd.key)?.events.push({ name: cmd.name, atMs: cmd.atMs, attributes: cmd.attributes });
        break;
      case "set": {
        const span = pending.get(cmd.key);
        if (span) merge(span.attributes, cmd.attributes);
        break;
      }
      case "status": {
        const span = pending.get(cmd.key);
        if (span) span.status = { code: cmd.code, message: cmd.message };
        break;
      }
      case "end": {
        const span = pending.get(cmd.key);
        if (!span) break;
        pending.delete(cmd.key);
        if (cmd.startMs !== null) span.startMs = cmd.startMs;
        span.endMs = Math.max(cmd.endMs, span.startMs);
        onFinished(span);
        break;
      }
      default:
        assertNever(cmd);
    }
  }

  return {
    apply,
    applyAll(cmds: SpanCommand[]) {
      for (const cmd of cmds) apply(cmd);
    },
    pendingCount: () => pending.size,
  };
}

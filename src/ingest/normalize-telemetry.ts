import type { EventDraft, TelemetryEvent } from "../schema/mod.ts";
import { plausibleTime } from "./event-time.ts";
import type { Received } from "./normalize-hook.ts";
import { firstLine, oneLine } from "./summarize.ts";
import type { Sanitized } from "./trim.ts";

/** A non-empty string field of `o`, else null: "" says nothing (no model, no error). */
function str(o: Record<string, unknown>, key: string): string | null {
  return typeof o[key] === "string" && o[key] !== "" ? (o[key] as string) : null;
}

function telemetrySummary(e: Record<string, unknown>, error: string | null): string {
  const field = (k: string) => str(e, k);
  if (error) return oneLine(`${field("toolName") ?? field("stepName") ?? field("type")}: ${firstLine(error)}`);
  const parts = [
    field("toolName"),
    field("command") ?? field("toolInputSummary"),
    field("stepName") ? `step ${e.stepIndex ?? ""} ${field("stepName")}`.replace("  ", " ") : null,
    field("lifecycleStage"),
  ].filter(Boolean);
  return oneLine(parts.join(" · ") || field("type") || "");
}

/** A validated TelemetryEvent envelope → the normalized event. */
export function toTelemetryEvent(event: TelemetryEvent, clean: Sanitized, rx: Received): EventDraft {
  const e = clean.value as Record<string, unknown>;
  const exit = event.commandExitCode ?? event.toolExitCode;
  const error =
    str(e, "errorMessage") ??
    (exit !== undefined && exit !== 0 ? `exit code ${exit}` : null) ??
    (event.type === "agent_error" || event.lifecycleStage === "error" ? "agent error" : null);
  const usage = event.tokenUsage
    ? {
        inputTokens: event.tokenUsage.inputTokens,
        outputTokens: event.tokenUsage.outputTokens,
        cacheReadTokens: 0,
        cacheCreationTokens: 0,
        costUsd: event.tokenUsage.estimatedCostUsd,
        // "" names no model: counted under "unknown" rather than a row with no name.
        model:
          typeof e.tokenUsage === "object" && e.tokenUsage
            ? str(e.tokenUsage as Record<string, unknown>, "model")
            : null,
      }
    : null;
  return {
    id: event.id,
    receivedAt: rx.receivedAt,
    sourceTime: plausibleTime(event.timestamp, rx.receivedAt),
    source: "telemetry",
    type: event.type,
    sessionId: event.sessionId ?? null,
    agentId: event.agentId,
    hostName: rx.context.hostName,
    containerId: event.containerId ?? rx.context.containerId,
    workflowId: event.workflowId ?? rx.context.workflowId,
    nodeId: event.nodeId ?? rx.context.nodeId,
    subagentId: null,
    subagentType: null,
    promptId: null,
    cwd: null,
    // From the redacted copy, as every string stored: a tool name can carry a key as well as a command.
    toolName: str(e, "toolName") ?? (event.type === "bash_command" ? "Bash" : null),
    toolUseId: null,
    filePaths: Array.isArray(e.filePaths) ? (e.filePaths as string[]) : [],
    command: typeof e.command === "string" ? e.command : null,
    durationMs: event.durationMs ?? null,
    // A reported call that did not fail went through, exit code or not (its tool call is ok too).
    status: error
      ? "error"
      : event.type === "agent_complete" || event.type === "tool_call" || event.type === "bash_command" || exit === 0
        ? "ok"
        : null,
    error,
    summary: telemetrySummary(e, error),
    usage,
    model: usage?.model ?? null,
    payload: clean.value,
    trimmed: clean.trimmed,
    bytes: clean.bytes,
    seq: 0,
  };
}

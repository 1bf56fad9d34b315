import type { NormalizedEvent } from "../../../../src/schema/normalized-event.ts";

function field(obj: unknown, key: string): unknown {
  return obj && typeof obj === "object" ? (obj as Record<string, unknown>)[key] : undefined;
}

/**
 * The call's entry in a PostToolBatch event (`tool_calls[]`: tool_use_id, tool_name, tool_input,
 * tool_response), which is how a call refused before it ran, or denied, ended.
 */
function batchEntry(e: NormalizedEvent | null | undefined, toolUseId: string): unknown {
  const calls = field(e?.payload, "tool_calls");
  return Array.isArray(calls) ? calls.find((c) => field(c, "tool_use_id") === toolUseId) : undefined;
}

/**
 * A tool call's captured input and output, from its Pre event and the event that ended it
 * (PostToolUse / PostToolUseFailure, or the PostToolBatch that listed it). `undefined` where
 * nothing was captured.
 */
export function toolIo(
  pre: NormalizedEvent | null | undefined,
  post: NormalizedEvent | null | undefined,
  toolUseId: string,
): { input: unknown; output: unknown } {
  const entry = batchEntry(post, toolUseId);
  return {
    input: field(pre?.payload, "tool_input") ?? field(entry, "tool_input"),
    output: field(post?.payload, "tool_response") ?? field(post?.payload, "error") ?? field(entry, "tool_response"),
  };
}

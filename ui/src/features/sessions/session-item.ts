import type { LlmRequest, SessionDetail, Subagent, ToolCall, Turn } from "../../../../src/schema/session.ts";
import type { WaterfallRef } from "./waterfall.ts";
import { findLlmRequest } from "./waterfall-llm.ts";

/** What a waterfall row stands for, found in the session's detail. */
export type SessionItem =
  | { kind: "turn"; turn: Turn }
  | { kind: "tool"; call: ToolCall }
  | { kind: "subagent"; agent: Subagent }
  | { kind: "llm"; request: LlmRequest };

/** `turn:3`, `tool:<tool_use_id>`, `agent:<agent_id>`, `llm:<id>` (the `?item=` of a session link) as a ref. */
export function toRef(key: string): WaterfallRef | null {
  const i = key.indexOf(":");
  const kind = key.slice(0, i);
  const id = key.slice(i + 1);
  if (kind === "turn" && /^\d+$/.test(id)) return { kind: "turn", index: Number(id) };
  if (kind === "tool" && id) return { kind: "tool", toolUseId: id };
  if (kind === "agent" && id) return { kind: "subagent", agentId: id };
  if (kind === "llm" && id) return { kind: "llm", id };
  return null;
}

/**
 * The item a ref points at, or null when the session does not hold it: a link from another
 * session, or an item the per-session bound has since dropped.
 */
export function findItem(detail: SessionDetail, ref: WaterfallRef): SessionItem | null {
  switch (ref.kind) {
    case "turn": {
      const turn = detail.turns.find((t) => t.index === ref.index);
      return turn ? { kind: "turn", turn } : null;
    }
    case "tool": {
      const call = detail.toolCalls.find((c) => c.toolUseId === ref.toolUseId);
      return call ? { kind: "tool", call } : null;
    }
    case "subagent": {
      const agent = detail.subagents.find((a) => a.agentId === ref.agentId);
      return agent ? { kind: "subagent", agent } : null;
    }
    case "llm": {
      const request = findLlmRequest(detail.llmRequests, ref.id);
      return request ? { kind: "llm", request } : null;
    }
    case "group":
      return null;
  }
}

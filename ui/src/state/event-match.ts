import type { NormalizedEvent } from "../../../src/schema/normalized-event.ts";

/** The Live stream's filters; the same meaning as the server's `/api/events` query. */
export type LiveFilter = {
  sessionId: string;
  /** Agent id, container id or subagent id. */
  agentId: string;
  type: string;
  tool: string;
  q: string;
};

export const EMPTY_FILTER: LiveFilter = { sessionId: "", agentId: "", type: "", tool: "", q: "" };

export function isEmptyFilter(f: LiveFilter): boolean {
  return !f.sessionId && !f.agentId && !f.type && !f.tool && !f.q.trim();
}

export function filterKey(f: LiveFilter): string {
  return JSON.stringify([f.sessionId, f.agentId, f.type, f.tool, f.q.trim().toLowerCase()]);
}

// Lower-cased search text per event, built on first search: typing re-filters 10,000 events per
// keystroke, and serialising every payload each time would make typing lag.
const haystacks = new WeakMap<NormalizedEvent, string>();

function haystack(e: NormalizedEvent): string {
  let text = haystacks.get(e);
  if (text === undefined) {
    let payload = "";
    try {
      payload = JSON.stringify(e.payload) ?? "";
    } catch {
      // A payload that cannot be serialised is simply not searchable.
    }
    text = [
      e.summary,
      e.type,
      e.sessionId,
      e.agentId,
      e.containerId,
      e.toolName,
      e.command,
      e.error,
      e.subagentType,
      ...e.filePaths,
      payload,
    ]
      .filter(Boolean)
      .join("\n")
      .toLowerCase();
    haystacks.set(e, text);
  }
  return text;
}

export type EventPredicate = (e: NormalizedEvent) => boolean;

export function compileLiveFilter(f: LiveFilter): EventPredicate {
  const q = f.q.trim().toLowerCase();
  return (e) => {
    if (f.sessionId && e.sessionId !== f.sessionId) return false;
    if (f.agentId && e.agentId !== f.agentId && e.containerId !== f.agentId && e.subagentId !== f.agentId) return false;
    if (f.type && e.type !== f.type) return false;
    if (f.tool && e.toolName !== f.tool) return false;
    if (q && !haystack(e).includes(q)) return false;
    return true;
  };
}

import type {
  FileTouch,
  Notice,
  SessionDetail,
  SessionStatus,
  SessionSummary,
  Subagent,
  TokenTotals,
  ToolCall,
  Turn,
} from "../schema/mod.ts";

export type SessionLimits = {
  maxTurnsPerSession: number;
  maxToolCallsPerSession: number;
  maxFilesPerSession: number;
};

/** Notices kept per session: permission waits and notifications are few; a flood must not grow memory. */
export const MAX_NOTICES = 200;

/** Live, mutable state of one session; projected to the wire types on read. */
export type SessionState = {
  sessionId: string;
  agentId: string | null;
  hostName: string | null;
  containerId: string | null;
  workflowId: string | null;
  nodeId: string | null;
  source: string;
  startedAt: string;
  lastEventAt: string;
  lastEventMs: number;
  completedAt: string | null;
  status: SessionStatus;
  waitingFor: string | null;
  eventCount: number;
  errorCount: number;
  totalCostUsd: number;
  tokens: TokenTotals;
  cwd: string | null;
  project: string | null;
  model: string | null;
  permissionMode: string | null;
  currentStepIndex: number | null;
  currentStepName: string | null;
  turns: Turn[];
  turnCount: number;
  toolCalls: Map<string, ToolCall>;
  toolCallCount: number;
  subagents: Map<string, Subagent>;
  files: Map<string, FileTouch>;
  notices: Notice[];
  /** Agent tool calls not yet matched to a SubagentStart, oldest first. */
  pendingAgentCalls: Array<{ toolUseId: string; background: boolean }>;
  truncated: { turns: number; toolCalls: number; notices: number };
};

export function emptyTokens(): TokenTotals {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0 };
}

export function projectName(cwd: string | null): string | null {
  if (!cwd) return null;
  const parts = cwd.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? cwd;
}

export function createSessionState(sessionId: string, at: string, atMs: number, source: string): SessionState {
  return {
    sessionId,
    agentId: null,
    hostName: null,
    containerId: null,
    workflowId: null,
    nodeId: null,
    source,
    startedAt: at,
    lastEventAt: at,
    lastEventMs: atMs,
    completedAt: null,
    status: "idle",
    waitingFor: null,
    eventCount: 0,
    errorCount: 0,
    totalCostUsd: 0,
    tokens: emptyTokens(),
    cwd: null,
    project: null,
    model: null,
    permissionMode: null,
    currentStepIndex: null,
    currentStepName: null,
    turns: [],
    turnCount: 0,
    toolCalls: new Map(),
    toolCallCount: 0,
    subagents: new Map(),
    files: new Map(),
    notices: [],
    pendingAgentCalls: [],
    truncated: { turns: 0, toolCalls: 0, notices: 0 },
  };
}

/** The running tool call that started last (what the agent is doing right now). */
export function currentTool(state: SessionState): ToolCall | null {
  let latest: ToolCall | null = null;
  for (const call of state.toolCalls.values()) {
    if (call.status === "running" && (!latest || call.startedAt >= latest.startedAt)) latest = call;
  }
  return latest;
}

export function toSessionSummary(state: SessionState): SessionSummary {
  const tool = state.status === "ended" ? null : currentTool(state);
  return {
    sessionId: state.sessionId,
    agentId: state.agentId,
    hostName: state.hostName,
    containerId: state.containerId,
    workflowId: state.workflowId,
    nodeId: state.nodeId,
    source: state.source,
    startedAt: state.startedAt,
    lastEventAt: state.lastEventAt,
    completedAt: state.completedAt,
    status: state.status,
    waitingFor: state.status === "waiting" ? state.waitingFor : null,
    eventCount: state.eventCount,
    errorCount: state.errorCount,
    totalCostUsd: state.totalCostUsd,
    tokens: { ...state.tokens },
    cwd: state.cwd,
    project: state.project,
    model: state.model,
    permissionMode: state.permissionMode,
    currentStepIndex: state.currentStepIndex,
    currentStepName: state.currentStepName,
    currentTool: tool
      ? { toolName: tool.toolName, toolUseId: tool.toolUseId, startedAt: tool.startedAt, summary: tool.summary }
      : null,
    turnCount: state.turnCount,
    toolCallCount: state.toolCallCount,
    subagentCount: state.subagents.size,
    fileCount: state.files.size,
  };
}

/** Per-turn trace ids and links, supplied by the OTel exporter when export is on. */
export type TraceLinker = (sessionId: string, turn: Turn) => { traceId: string; traceUrl: string | null } | null;

export function toSessionDetail(state: SessionState, linkTrace?: TraceLinker): SessionDetail {
  const turns = state.turns.map((t) => {
    const link = linkTrace?.(state.sessionId, t);
    return link ? { ...t, traceId: link.traceId, traceUrl: link.traceUrl } : { ...t };
  });
  return {
    ...toSessionSummary(state),
    turns,
    toolCalls: [...state.toolCalls.values()].map((c) => ({ ...c, filePaths: [...c.filePaths] })),
    subagents: [...state.subagents.values()].map((s) => ({ ...s })),
    files: [...state.files.values()].map((f) => ({ ...f })).sort((a, b) => a.path.localeCompare(b.path)),
    notices: state.notices.map((n) => ({ ...n })),
    truncated: { ...state.truncated },
  };
}

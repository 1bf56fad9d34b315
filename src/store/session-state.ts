import type {
  FileTouch,
  LlmRequest,
  ModelUsage,
  NativeSpan,
  NativeToolInfo,
  Notice,
  SessionActivity,
  SessionDetail,
  SessionStatus,
  SessionSummary,
  Subagent,
  TokenTotals,
  ToolCall,
  Turn,
  UsageSource,
} from "../schema/mod.ts";

export type SessionLimits = {
  maxTurnsPerSession: number;
  maxToolCallsPerSession: number;
  maxFilesPerSession: number;
};

/** Notices kept per session: permission waits and notifications are few; a flood must not grow memory. */
export const MAX_NOTICES = 200;
/**
 * Native spans kept per session: a turn makes about 2 + 3 per tool call (interaction, LLM
 * requests, tool / blocked_on_user / execution); 2,000 covers long sessions, each span is ≤ 2 KB.
 */
export const MAX_NATIVE_SPANS = 2000;

/**
 * What Claude Code's telemetry said about a tool call before its hook call started. `countedError`
 * is the failure's text while the session (and the store-wide stats, under that text) count it
 * from the telemetry: the hook call takes it over when it starts.
 */
export type EarlyNative = { info: NativeToolInfo; countedError: string | null };

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
  /** Agent calls whose subagent has not started: its requested type, and its id once the call's Post named it. */
  pendingAgentCalls: Array<{ toolUseId: string; background: boolean; agentType: string | null; agentId?: string }>;
  truncated: {
    turns: number;
    toolCalls: number;
    notices: number;
    llmRequests: number;
    nativeSpans: number;
    files: number;
    subagents: number;
  };
  /** Where totalCostUsd and tokens come from (docs/otlp.md, "Counting cost and tokens"). */
  usageSource: UsageSource | null;
  /** Per-model totals from events (OTLP `api_request`, TelemetryEvent `tokenUsage`). */
  models: Map<string, ModelUsage>;
  /** Per-model totals from Claude Code's metrics; in the totals only while usageSource is `otlp_metrics`. */
  metricModels: Map<string, ModelUsage>;
  /** By request id (or `#<seq>` without one), oldest first; bounded by maxToolCallsPerSession. */
  llmRequests: Map<string, LlmRequest>;
  llmRequestCount: number;
  apiErrorCount: number;
  /**
   * Hooks report this session. Its failures then come from them (PostToolUseFailure, StopFailure);
   * Claude Code's own telemetry repeats them (tool_result, api_error) and is not counted again.
   */
  hooked: boolean;
  /**
   * API errors counted before the session's first hook (so as a telemetry-only session's): when
   * hooks turn up after all, their StopFailure counts the failure, and these are withdrawn.
   * Bounded (past it, the rest stay counted).
   */
  unhookedApiErrors: Array<{ text: string; turn: Turn | null }>;
  /**
   * Claude Code's own tool events (tool_decision, tool_result) that came before the hook call
   * they describe, by tool_use_id: joined when it starts. Bounded (oldest dropped).
   */
  earlyNative: Map<string, EarlyNative>;
  /** A PreCompact whose forked agent has not stopped yet: that agent fires no SubagentStart. */
  compaction: { at: string; promptId: string | null } | null;
  nativeSpans: NativeSpan[];
  /** Turn of each native trace (a Claude Code trace is one interaction), learnt from joined spans. */
  traceTurns: Map<string, number>;
  otlpLastAt: string | null;
  activity: SessionActivity | null;
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
    truncated: { turns: 0, toolCalls: 0, notices: 0, llmRequests: 0, nativeSpans: 0, files: 0, subagents: 0 },
    usageSource: null,
    models: new Map(),
    metricModels: new Map(),
    llmRequests: new Map(),
    llmRequestCount: 0,
    apiErrorCount: 0,
    hooked: false,
    unhookedApiErrors: [],
    earlyNative: new Map(),
    compaction: null,
    nativeSpans: [],
    traceTurns: new Map(),
    otlpLastAt: null,
    activity: null,
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
    subagentCount: state.subagents.size + state.truncated.subagents,
    fileCount: state.files.size,
    usageSource: state.usageSource,
    models: sessionModels(state),
    llmRequestCount: state.llmRequestCount,
    apiErrorCount: state.apiErrorCount,
    otlpLastAt: state.otlpLastAt,
    activity: state.activity ? { ...state.activity } : null,
  };
}

/** Per-model totals from the source the session's totals come from, most expensive first. */
export function sessionModels(state: SessionState): ModelUsage[] {
  const source = state.usageSource === "otlp_metrics" ? state.metricModels : state.models;
  return [...source.values()].map((m) => ({ ...m })).sort((a, b) => b.costUsd - a.costUsd);
}

/** Per-turn trace ids and links, supplied by the OTel exporter when export is on. */
export type TraceLinker = (sessionId: string, turn: Turn) => { traceId: string; traceUrl: string | null } | null;

/** A link to every trace of a session (a Jaeger search by session.id), when export is on. */
export type SessionLinker = (s: { sessionId: string; startedAt: string; lastEventAt: string }) => string | null;

export function toSessionDetail(
  state: SessionState,
  linkTrace?: TraceLinker,
  linkSession?: SessionLinker,
): SessionDetail {
  const turns = state.turns.map((t) => {
    const link = linkTrace?.(state.sessionId, t);
    const copy = { ...t, ...(t.tokens ? { tokens: { ...t.tokens } } : {}) };
    return link ? { ...copy, traceId: link.traceId, traceUrl: link.traceUrl } : copy;
  });
  const summary = toSessionSummary(state);
  return {
    ...summary,
    tracesUrl: linkSession?.(summary) ?? null,
    turns,
    toolCalls: [...state.toolCalls.values()].map((c) => ({
      ...c,
      filePaths: [...c.filePaths],
      native: c.native ? { ...c.native } : null,
    })),
    subagents: [...state.subagents.values()].map((s) => ({ ...s })),
    files: [...state.files.values()].map((f) => ({ ...f })).sort((a, b) => a.path.localeCompare(b.path)),
    notices: state.notices.map((n) => ({ ...n })),
    llmRequests: [...state.llmRequests.values()].map((r) => ({ ...r, turnIndex: r.turnIndex ?? traceTurn(state, r) })),
    nativeSpans: state.nativeSpans.map((s) => ({
      ...s,
      turnIndex: s.turnIndex ?? state.traceTurns.get(s.traceId) ?? turnAt(state, s.startedAt, s.endedAt),
      events: s.events.map((e) => ({ ...e })),
    })),
    truncated: { ...state.truncated },
  };
}

function traceTurn(state: SessionState, r: LlmRequest): number | null {
  return (r.traceId ? state.traceTurns.get(r.traceId) : undefined) ?? turnAt(state, r.startedAt, r.endedAt);
}

/**
 * The turn running at the middle of a time range: the fallback for native data that carries
 * no prompt id. Claude Code opens its interaction span a few ms before UserPromptSubmit fires,
 * so a range's midpoint falls inside the right turn where its start may not.
 */
export function turnAt(state: SessionState, startedAt: string, endedAt: string): number | null {
  const mid = new Date((Date.parse(startedAt) + Date.parse(endedAt)) / 2).toISOString();
  for (let i = state.turns.length - 1; i >= 0; i--) {
    const t = state.turns[i]!;
    if (t.startedAt <= mid) return t.endedAt === null || t.endedAt >= mid ? t.index : null;
  }
  return null;
}

import type {
  Agent,
  ErrorBody,
  EventsPage,
  FileRow,
  NormalizedEvent,
  SessionDetail,
  SessionSummary,
  Stats,
  ToolStats,
} from "../../../src/schema/wire.ts";
import { ApiError } from "./api-error.ts";

export type EventQuery = {
  sessionId?: string;
  agentId?: string;
  type?: string;
  tool?: string;
  q?: string;
  since?: string;
  limit?: number;
  cursor?: string;
};

export type ApiClientOptions = {
  /** Origin and path prefix of the server; "" for the page's own origin. */
  base?: string;
  token: () => string | null;
  fetch?: typeof fetch;
};

export type ApiClient = ReturnType<typeof createApiClient>;

function toQuery(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** The REST side of the wire contract; every response type comes from src/schema (types only). */
export function createApiClient({
  base = "",
  token,
  fetch: fetchImpl = globalThis.fetch.bind(globalThis),
}: ApiClientOptions) {
  async function get<T>(path: string): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json" };
    const t = token();
    if (t) headers.authorization = `Bearer ${t}`;
    let res: Response;
    try {
      res = await fetchImpl(`${base}${path}`, { headers });
    } catch (err) {
      throw new ApiError(0, "unreachable", err instanceof Error ? err.message : "network error");
    }
    if (!res.ok) {
      let code = `http_${res.status}`;
      let message = res.statusText || `HTTP ${res.status}`;
      try {
        const body = (await res.json()) as ErrorBody;
        code = body.error.code;
        message = body.error.message;
      } catch {
        // Not our error shape (a proxy in between); keep the HTTP status.
      }
      throw new ApiError(res.status, code, message);
    }
    return (await res.json()) as T;
  }

  return {
    /** Whether requests carry a token: a 401 then means it was refused rather than missing. */
    hasToken: () => !!token(),
    events: (q: EventQuery = {}) => get<EventsPage>(`/api/events${toQuery(q)}`),
    /** One event by sequence id; null once the ring evicted it. */
    async event(seq: number): Promise<NormalizedEvent | null> {
      try {
        return await get<NormalizedEvent>(`/api/events/${seq}`);
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }
    },
    sessions: () => get<SessionSummary[]>("/api/sessions"),
    async session(id: string): Promise<SessionDetail | null> {
      try {
        return await get<SessionDetail>(`/api/sessions/${encodeURIComponent(id)}`);
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }
    },
    stats: () => get<Stats>("/api/stats"),
    agents: () => get<Agent[]>("/api/agents"),
    tools: () => get<ToolStats[]>("/api/tools"),
    files: () => get<FileRow[]>("/api/files"),
    /**
     * EventSource cannot set headers: the token and the resume point travel in the query. The
     * boot id lets the server tell ids of an earlier run from its own.
     */
    streamUrl(lastEventId: number | null, bootId: string | null = null): string {
      return `${base}/api/stream${toQuery({ lastEventId, bootId: lastEventId === null ? null : bootId, token: token() })}`;
    },
  };
}

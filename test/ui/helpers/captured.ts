import type { NormalizedEvent, SessionDetail, SessionSummary, Stats } from "../../../src/schema/wire.ts";
import { replayScenario, testSpanlight } from "../../helpers/app.ts";
import { postScenarioOtlp } from "../../otlp/helpers/post-otlp.ts";

/** What the server holds after replaying real captures: the wire objects the dashboard receives. */
export type Captured = {
  /** Oldest first, as the page's event log holds them. */
  events: NormalizedEvent[];
  sessions: SessionSummary[];
  stats: Stats;
  detail(sessionId: string): Promise<SessionDetail>;
};

export type CaptureSources = {
  /** Replay the hook payloads (default true). */
  hooks?: boolean;
  /** Also replay Claude Code's own OTLP exports (traces, logs, metrics), after the hooks. */
  otlp?: boolean;
};

export async function captured(
  scenarios: string[],
  headers: Record<string, string> = {},
  { hooks = true, otlp = false }: CaptureSources = {},
): Promise<Captured> {
  const s = testSpanlight();
  for (const sc of scenarios) {
    if (hooks) await replayScenario(s.app, sc, headers);
    if (otlp) await postScenarioOtlp(s.app, sc);
  }
  const get = async <T>(path: string) => (await (await s.app.request(path)).json()) as T;
  const page = await get<{ events: NormalizedEvent[] }>("/api/events?limit=1000");
  return {
    events: [...page.events].reverse(),
    sessions: await get<SessionSummary[]>("/api/sessions"),
    stats: await get<Stats>("/api/stats"),
    detail: (id) => get<SessionDetail>(`/api/sessions/${encodeURIComponent(id)}`),
  };
}

/** A copy of an event with a new sequence id (synthetic traffic built from a real payload). */
export function withSeq(e: NormalizedEvent, seq: number, patch: Partial<NormalizedEvent> = {}): NormalizedEvent {
  return { ...e, seq, id: `${e.id}-${seq}`, ...patch };
}

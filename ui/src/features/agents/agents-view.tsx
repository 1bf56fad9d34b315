import { A } from "@solidjs/router";
import { createEffect, createResource, For, on, onCleanup, Show } from "solid-js";
import { SessionChip } from "../../components/session-chip.tsx";
import { StatusBadge } from "../../components/status-badge.tsx";
import { TimeAgo } from "../../components/time-ago.tsx";
import { toolColorSlot } from "../../lib/event-kind.ts";
import { plural, shortId } from "../../lib/format.ts";
import { createThrottle } from "../../lib/frame-queue.ts";
import { createKeyedList } from "../../lib/keyed-list.ts";
import { useApp } from "../../state/app-ctx.tsx";

// Agents carry rates and "last seen"; once a second is as fresh as a person can read them.
const REFRESH_MS = 1000;
// Sessions listed on a card before "more"; the Sessions view filters by agent for the rest.
const SESSIONS_ON_CARD = 4;

/** One card per agent or container: what it is doing now, how busy it is, its sessions. */
export function AgentsView() {
  const app = useApp();
  const [agents, { refetch }] = createResource(() => app.api.agents());
  const throttle = createThrottle(() => void refetch(), REFRESH_MS);
  onCleanup(() => throttle.cancel());
  createEffect(on(app.log, () => throttle.call(), { defer: true }));
  // Refetched every second under load: keyed, so cards update in place instead of being rebuilt.
  const cards = createKeyedList(() => agents.latest ?? [], "key");
  const projectOf = (id: string) => app.store.sessions.find((s) => s.sessionId === id)?.project;
  const project = (id: string) => projectOf(id) ?? shortId(id);

  return (
    <section class="view" aria-labelledby="agents-title">
      <div class="view-head">
        <h1 id="agents-title">Agents &amp; containers</h1>
      </div>
      <Show
        when={cards().length > 0}
        fallback={
          <p class="empty">
            {agents.loading ? "Loading…" : "No agents yet. Hooks name their agent with the X-Spanlight-Agent header."}
          </p>
        }
      >
        <ul class="agent-cards">
          <For each={cards()}>
            {(a) => (
              <li class={`agent-card status-edge-${a.status}`}>
                <header>
                  <h2 class="ellipsis" title={a.key}>
                    {a.agentId ?? a.containerId ?? a.hostName ?? a.key}
                  </h2>
                  <StatusBadge status={a.status} />
                </header>
                <dl class="fields compact">
                  <Show when={a.containerId}>
                    <dt>Container</dt>
                    <dd class="mono ellipsis">{a.containerId}</dd>
                  </Show>
                  <Show when={a.hostName}>
                    <dt>Host</dt>
                    <dd class="ellipsis">{a.hostName}</dd>
                  </Show>
                  <Show when={a.workflowId}>
                    <dt>Workflow</dt>
                    <dd class="ellipsis">
                      {a.workflowId}
                      {a.nodeId ? ` · ${a.nodeId}` : ""}
                    </dd>
                  </Show>
                  <dt>Now</dt>
                  <dd class="ellipsis">
                    <Show
                      when={a.currentTool}
                      fallback={
                        <Show when={a.currentStepName} fallback={<span class="muted">—</span>}>
                          step {a.currentStepIndex ?? ""} {a.currentStepName}
                        </Show>
                      }
                    >
                      {(tool) => <span class={`tool-tag tool-${toolColorSlot(tool())}`}>{tool()}</span>}
                    </Show>
                  </dd>
                  <Show when={a.currentSessionId}>
                    {(id) => (
                      <>
                        <dt>Session</dt>
                        <dd class="ellipsis">
                          <A href={`/sessions/${encodeURIComponent(id())}`}>{project(id())}</A>
                        </dd>
                      </>
                    )}
                  </Show>
                  <dt>Last event</dt>
                  <dd>
                    <TimeAgo at={a.lastEventAt} />
                  </dd>
                  <dt>Rate</dt>
                  <dd>
                    {a.eventsPerMinute}/min · {plural(a.eventCount, "event")}
                  </dd>
                </dl>
                <footer>
                  <A href={`/sessions?q=${encodeURIComponent(a.agentId ?? a.containerId ?? a.hostName ?? "")}`}>
                    {plural(a.sessionIds.length, "session")}
                  </A>
                  <For each={a.sessionIds.slice(-SESSIONS_ON_CARD).reverse()}>
                    {(id) => <SessionChip sessionId={id} project={projectOf(id)} />}
                  </For>
                  <A href={`/live?agent=${encodeURIComponent(a.agentId ?? a.containerId ?? "")}`} class="push-right">
                    events →
                  </A>
                </footer>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}

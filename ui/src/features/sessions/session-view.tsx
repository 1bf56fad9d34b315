import { A, useParams, useSearchParams } from "@solidjs/router";
import {
  createEffect,
  createMemo,
  createResource,
  createSignal,
  on,
  onCleanup,
  onMount,
  type ResourceFetcherInfo,
  Show,
} from "solid-js";
import type { SessionDetail } from "../../../../src/schema/session.ts";
import { FilePath } from "../../components/file-path.tsx";
import { ModelTable } from "../../components/model-table.tsx";
import { StatusBadge } from "../../components/status-badge.tsx";
import { TimeAgo } from "../../components/time-ago.tsx";
import { formatCost, formatCount, formatDuration, plural } from "../../lib/format.ts";
import { isPlainKey, isTextEntry } from "../../lib/keyboard.ts";
import { describeTokens, hasUsage, totalTokens } from "../../lib/usage.ts";
import { describeWaiting } from "../../lib/waiting.ts";
import { useApp } from "../../state/app-ctx.tsx";
import { ItemDetail } from "./item-detail.tsx";
import { createRefetchPace } from "./refetch-pace.ts";
import { sessionDurationMs } from "./session-duration.ts";
import { findItem, toRef } from "./session-item.ts";
import { FilesTouched, Notices, SessionActions } from "./session-parts.tsx";
import { describeActiveTime, describeWork, hasActivity, UsageNote, UsageSourceTag } from "./session-usage.tsx";
import { toWaterfall } from "./waterfall.ts";
import { WaterfallView } from "./waterfall-view.tsx";

// j/k as in the Live stream, for hands that stay on the letters.
const STEP: Partial<Record<string, 1 | -1>> = { ArrowDown: 1, j: 1, ArrowUp: -1, k: -1 };

function Meta(props: { label: string; children: unknown }) {
  return (
    <div class="meta">
      <dt>{props.label}</dt>
      <dd>{props.children as never}</dd>
    </div>
  );
}

export function SessionView() {
  const app = useApp();
  const params = useParams();
  const [search, setSearch] = useSearchParams();
  const [detail, { refetch }] = createResource(
    () => params.id,
    // A failed refetch (server gone, or the page leaving mid-request) keeps the last answer on the
    // page: an errored resource would throw wherever it is read.
    (id, { value, refetching }: ResourceFetcherInfo<SessionDetail | null>) =>
      refetching && value !== undefined ? app.api.session(id).catch(() => value) : app.api.session(id),
  );
  // A busy session changes many times a second: refetches are paced by how long the last one took
  // (refetch-pace.ts), so a big session's page stays responsive and a small one stays live.
  const pace = createRefetchPace(() => void refetch());
  onCleanup(() => pace.cancel());
  // Runs after the answer is rendered, so the measured cost includes the render.
  createEffect(
    on(
      () => detail.loading,
      (loading) => (loading ? pace.started() : pace.finished()),
    ),
  );
  const summary = () => app.store.sessions.find((s) => s.sessionId === params.id);
  createEffect(
    on(
      // OTLP spans and metrics change a session without adding events: otlpLastAt moves instead.
      () => [summary()?.eventCount, summary()?.status, summary()?.lastEventAt, summary()?.otlpLastAt],
      () => pace.call(),
      { defer: true },
    ),
  );

  const [folded, setFolded] = createSignal<ReadonlySet<string>>(new Set());
  const d = (): SessionDetail | null | undefined => detail.latest;
  const showLlm = () => search.llm !== "hide";
  const waterfall = createMemo(() => {
    const s = d();
    const running = s && (s.status === "active" || s.status === "waiting");
    // Only a running session needs the clock; a finished one keeps a fixed layout.
    const now = running ? app.now() : s ? Date.parse(s.lastEventAt) : 0;
    return s ? toWaterfall(s, now, folded(), { llmRequests: showLlm() }) : null;
  });
  // Selection in a signal for instant keyboard moves, mirrored to `?item=` for reloads and links.
  const itemParam = () => (typeof search.item === "string" ? search.item : null);
  const [selectedKey, setSelectedKey] = createSignal<string | null>(itemParam());
  createEffect(on(itemParam, (v) => setSelectedKey(v), { defer: true }));
  const selectedItem = createMemo(() => {
    const key = selectedKey();
    const ref = key ? toRef(key) : null;
    const s = d();
    return ref && s ? findItem(s, ref) : null;
  });
  const select = (key: string | null) => {
    setSelectedKey(key);
    setSearch({ item: key ?? undefined }, { replace: true });
  };
  const toggle = (key: string) =>
    setFolded((f) => {
      const next = new Set(f);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });

  function onKey(e: KeyboardEvent) {
    if (!isPlainKey(e) || isTextEntry(e.target)) return;
    const rows = waterfall()?.rows ?? [];
    const at = rows.findIndex((r) => r.key === selectedKey());
    const step = STEP[e.key];
    if (step) {
      e.preventDefault();
      const next = rows[Math.max(0, Math.min(rows.length - 1, at < 0 ? 0 : at + step))];
      // The waterfall scrolls the row into view: it may be outside the rows in the DOM.
      if (next) select(next.key);
    } else if ((e.key === "ArrowLeft" || e.key === "ArrowRight") && at >= 0) {
      const row = rows[at];
      if (row?.parent && folded().has(row.key) === (e.key === "ArrowRight")) toggle(row.key);
    } else if (e.key === "Escape" && selectedKey()) {
      e.preventDefault();
      select(null);
    }
  }
  onMount(() => window.addEventListener("keydown", onKey));
  onCleanup(() => window.removeEventListener("keydown", onKey));

  return (
    <section class="view session" aria-labelledby="session-title">
      <nav class="crumbs" aria-label="Breadcrumb">
        <A href="/sessions">Sessions</A> <span aria-hidden="true">/</span>
      </nav>
      <Show
        when={d()}
        fallback={
          <Show when={!detail.loading} fallback={<p class="muted">Loading…</p>}>
            <h1 id="session-title">Session not found</h1>
            <p>
              The server holds no session with id <code>{params.id}</code> (it may have been evicted).
            </p>
          </Show>
        }
      >
        {(s) => (
          <>
            <div class="view-head">
              <h1 id="session-title">
                {s().project ?? "Session"}{" "}
                <StatusBadge status={s().status} title={s().waitingFor ? describeWaiting(s().waitingFor) : undefined} />
              </h1>
              <SessionActions sessionId={s().sessionId} tracesUrl={s().tracesUrl ?? null} />
            </div>
            <Show when={s().status === "waiting"}>
              <p class="banner banner-wait" role="status">
                Waiting for you: {describeWaiting(s().waitingFor)}
              </p>
            </Show>
            <Show when={selectedKey() && !selectedItem()}>
              <p class="note" role="status" data-testid="item-missing">
                The linked item is not in this session: the link is from another session, or the per-session bound
                dropped it.{" "}
                <button type="button" class="link" onClick={() => select(null)}>
                  Clear
                </button>
              </p>
            </Show>
            <dl class="meta-grid">
              <Meta label="Session">
                <span class="mono">{s().sessionId}</span>
              </Meta>
              <Meta label="Agent">{s().agentId ?? s().hostName ?? "—"}</Meta>
              <Show when={s().containerId}>
                <Meta label="Container">{s().containerId}</Meta>
              </Show>
              <Meta label="Working dir">
                {/* Wraps between directories, never inside a name. */}
                <span class="mono">{s().cwd ? <FilePath path={s().cwd ?? ""} /> : "—"}</span>
              </Meta>
              <Meta label="Model">{s().model ?? "—"}</Meta>
              <Meta label="Started">
                <TimeAgo at={s().startedAt} />
              </Meta>
              <Meta label="Duration">{formatDuration(sessionDurationMs(s(), app.now()))}</Meta>
              {/* Other agents' sessions have runs, not prompts: "Turns 0" would say nothing happened. */}
              <Show when={s().source !== "telemetry" || s().turnCount > 0}>
                <Meta label="Turns">{s().turnCount}</Meta>
              </Show>
              <Show when={s().currentStepName !== null || s().currentStepIndex !== null}>
                <Meta label="Step">{`${s().currentStepIndex ?? ""} ${s().currentStepName ?? ""}`.trim()}</Meta>
              </Show>
              <Meta label="Tool calls">{formatCount(s().toolCallCount)}</Meta>
              <Meta label="Subagents">{s().subagentCount}</Meta>
              <Meta label="Errors">{s().errorCount}</Meta>
              <Meta label="Cost">
                <span data-testid="session-cost">{hasUsage(s()) ? formatCost(s().totalCostUsd) : "—"}</span>{" "}
                <UsageSourceTag session={s()} />
              </Meta>
              <Show when={totalTokens(s().tokens) > 0}>
                <Meta label="Tokens">
                  <span title={describeTokens(s().tokens)} data-testid="session-tokens">
                    {formatCount(totalTokens(s().tokens))}
                    <span class="muted small">
                      {" "}
                      {formatCount(s().tokens.inputTokens)} in / {formatCount(s().tokens.outputTokens)} out
                    </span>
                  </span>
                </Meta>
              </Show>
              <Show when={s().llmRequestCount}>
                <Meta label="LLM requests">
                  {s().llmRequestCount}
                  <Show when={s().apiErrorCount}>
                    <span class="err-text small"> · {plural(s().apiErrorCount ?? 0, "API error")}</span>
                  </Show>
                </Meta>
              </Show>
              <Show when={hasActivity(s().activity) && s().activity}>
                {(a) => (
                  <>
                    <Show when={describeActiveTime(a())}>{(t) => <Meta label="Active time">{t()}</Meta>}</Show>
                    <Show when={describeWork(a())}>{(w) => <Meta label="Work">{w()}</Meta>}</Show>
                  </>
                )}
              </Show>
            </dl>
            <div class="usage-row">
              <UsageNote session={s()} />
              <Show when={(s().llmRequests?.length ?? 0) > 0}>
                <label class="check">
                  <input
                    type="checkbox"
                    checked={showLlm()}
                    onChange={(e) =>
                      setSearch({ llm: e.currentTarget.checked ? undefined : "hide" }, { replace: true })
                    }
                  />
                  LLM requests in the timeline ({s().llmRequests?.length})
                </label>
              </Show>
            </div>
            <Show when={s().truncated.toolCalls + s().truncated.turns + (s().truncated.llmRequests ?? 0) > 0}>
              <p class="note">
                The oldest {plural(s().truncated.turns, "turn")}, {plural(s().truncated.toolCalls, "tool call")} and{" "}
                {plural(s().truncated.llmRequests ?? 0, "LLM request")} were dropped by the per-session bound.
              </p>
            </Show>
            <div class="split split-session">
              <section class="panel grow" aria-label="Timeline">
                <Show when={(waterfall()?.rows.length ?? 0) > 0} fallback={<p class="empty">No turns yet.</p>}>
                  <WaterfallView
                    waterfall={waterfall()!}
                    selectedKey={selectedKey()}
                    folded={folded()}
                    onSelect={(key) => select(selectedKey() === key ? null : key)}
                    onToggle={toggle}
                  />
                </Show>
              </section>
              <Show when={selectedItem()}>
                {(item) => <ItemDetail detail={s()} item={item()} onClose={() => select(null)} />}
              </Show>
            </div>
            <Show when={(s().models?.length ?? 0) > 0}>
              <section class="panel" aria-labelledby="models-title">
                <h2 id="models-title">Cost and tokens by model</h2>
                <ModelTable models={s().models} label="Cost and tokens by model" />
              </section>
            </Show>
            <div class="grid-2">
              <section class="panel" aria-labelledby="files-title">
                <h2 id="files-title">Files touched</h2>
                <FilesTouched files={s().files} />
              </section>
              <section class="panel" aria-labelledby="notices-title">
                <h2 id="notices-title">Permission waits and notifications</h2>
                <Notices notices={s().notices} />
              </section>
            </div>
          </>
        )}
      </Show>
    </section>
  );
}

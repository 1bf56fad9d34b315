import { For, Show } from "solid-js";
import type { SessionActivity, SessionSummary } from "../../../../src/schema/session.ts";
import type { OtlpStats, Stats } from "../../../../src/schema/wire.ts";
import { ModelTable } from "../../components/model-table.tsx";
import { num, TableHead } from "../../components/table-head.tsx";
import { TimeAgo } from "../../components/time-ago.tsx";
import { formatCount, plural } from "../../lib/format.ts";
import { countBySource, OTEL_HINT } from "../../lib/usage.ts";
import { describeActiveTime, describeWork, hasActivity } from "../sessions/session-usage.tsx";

/** "Exact for 3 sessions, from metrics for 1; 12 without cost data", the Overview's source line. */
export function describeSources(sessions: readonly SessionSummary[]): string {
  const by = countBySource(sessions);
  const n = (k: number | undefined) => plural(k ?? 0, "session");
  const parts: string[] = [];
  if (by.exact) parts.push(`exact for ${n(by.exact)} (Claude Code's own telemetry)`);
  if (by.metrics) parts.push(`from metrics for ${n(by.metrics)} (totals only)`);
  if (by.reported) parts.push(`as reported by TelemetryEvents for ${n(by.reported)}`);
  if (by.none) parts.push(`none for ${n(by.none)} (hooks only)`);
  const text = parts.join("; ");
  return text ? `Cost and tokens: ${text}.` : "";
}

/** Store-wide cost and tokens per model, with where the numbers come from. */
export function ModelsPanel(props: { stats: Stats | null; sessions: readonly SessionSummary[] }) {
  const models = () => props.stats?.models ?? [];
  const noUsage = () => props.sessions.length > 0 && props.sessions.every((s) => (s.usageSource ?? null) === null);
  return (
    <section class="panel" aria-labelledby="models-title">
      <h2 id="models-title">Cost by model</h2>
      <Show
        when={models().length > 0}
        fallback={
          <p class="empty">
            No cost data yet. Hooks carry none: run <code>{OTEL_HINT}</code> so Claude Code sends its own telemetry.
          </p>
        }
      >
        <ModelTable models={models()} label="Cost and tokens by model, all sessions" />
      </Show>
      <Show when={!noUsage() && describeSources(props.sessions)}>
        {(text) => <p class="muted small source-line">{text()}</p>}
      </Show>
    </section>
  );
}

const SIGNALS = ["logs", "traces", "metrics"] as const satisfies ReadonlyArray<keyof OtlpStats>;

/** What the OTLP receiver got per signal, and the counters from Claude Code's metrics. */
/** `Active time 21 s CLI · +12 −3 lines · 1 commit`: what Claude Code's metrics counted. */
function activityLine(a: SessionActivity): string {
  const active = describeActiveTime(a);
  return [active && `Active time ${active}`, describeWork(a)].filter(Boolean).join(" · ");
}

export function TelemetryPanel(props: { otlp: OtlpStats | undefined; activity: SessionActivity | undefined }) {
  const any = () => SIGNALS.some((k) => (props.otlp?.[k].requests ?? 0) > 0);
  return (
    <section class="panel" aria-labelledby="otlp-title">
      <h2 id="otlp-title">Claude Code telemetry (OTLP)</h2>
      <Show
        when={props.otlp && any()}
        fallback={
          <p class="empty">
            Nothing received on <code>/v1/logs</code>, <code>/v1/traces</code> or <code>/v1/metrics</code> yet. Run{" "}
            <code>{OTEL_HINT}</code> to point Claude Code here.
          </p>
        }
      >
        <table class="data compact">
          <TableHead columns={["Signal", num("Requests"), num("Items"), "Last"]} />
          <tbody>
            <For each={SIGNALS}>
              {(k) => (
                <tr>
                  <td>{k}</td>
                  <td class="num">{formatCount(props.otlp?.[k].requests)}</td>
                  <td class="num">{formatCount(props.otlp?.[k].items)}</td>
                  <td class="nowrap">
                    <Show when={props.otlp?.[k].lastAt} fallback={<span class="muted">never</span>}>
                      {(at) => <TimeAgo at={at()} />}
                    </Show>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
        <p class="muted small source-line">
          {formatCount(props.otlp?.storedEvents)} log events kept, {formatCount(props.otlp?.skippedLogRecords)} start-up
          and hook-run records left out
          {props.otlp?.rejectedRequests ? `, ${plural(props.otlp.rejectedRequests, "request")} rejected` : ""}.
        </p>
      </Show>
      <Show when={hasActivity(props.activity) && props.activity}>
        {(a) => <p class="small source-line">{activityLine(a())}</p>}
      </Show>
    </section>
  );
}

import { Show } from "solid-js";
import type { TokenTotals } from "../../../../src/schema/session.ts";
import { TimeAgo } from "../../components/time-ago.tsx";
import { formatAbsolute, formatDuration } from "../../lib/format.ts";
import { formatCostFine, formatExact, totalTokens } from "../../lib/usage.ts";
import { useApp } from "../../state/app-ctx.tsx";

/** Start and duration rows of a detail panel; a running item's duration counts up. */
export function Times(props: { startedAt: string; endedAt: string | null; durationMs?: number | null }) {
  const app = useApp();
  const dur = () =>
    props.durationMs ?? (props.endedAt ? Date.parse(props.endedAt) : app.now()) - Date.parse(props.startedAt);
  return (
    <>
      <dt>Started</dt>
      <dd title={formatAbsolute(props.startedAt)}>
        {formatAbsolute(props.startedAt)} · <TimeAgo at={props.startedAt} />
      </dd>
      <dt>Duration</dt>
      <dd>{props.endedAt || props.durationMs != null ? formatDuration(dur()) : `${formatDuration(dur())} so far`}</dd>
    </>
  );
}

/** Cost and the exact token split, when there are any. */
export function UsageFields(props: { costUsd: number | null | undefined; tokens: TokenTotals | null | undefined }) {
  return (
    <>
      <Show when={props.costUsd != null}>
        <dt>Cost</dt>
        <dd>{formatCostFine(props.costUsd ?? 0)}</dd>
      </Show>
      <Show when={props.tokens && totalTokens(props.tokens) > 0 ? props.tokens : null}>
        {(t) => (
          <>
            <dt>Tokens</dt>
            <dd>
              <table class="token-split">
                <tbody>
                  <tr>
                    <th scope="row">input</th>
                    <td class="num">{formatExact(t().inputTokens)}</td>
                    <th scope="row">cache read</th>
                    <td class="num">{formatExact(t().cacheReadTokens)}</td>
                  </tr>
                  <tr>
                    <th scope="row">output</th>
                    <td class="num">{formatExact(t().outputTokens)}</td>
                    <th scope="row">cache write</th>
                    <td class="num">{formatExact(t().cacheCreationTokens)}</td>
                  </tr>
                </tbody>
              </table>
            </dd>
          </>
        )}
      </Show>
    </>
  );
}

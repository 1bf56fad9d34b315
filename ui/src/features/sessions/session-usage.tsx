import { Show } from "solid-js";
import type { SessionActivity, SessionSummary } from "../../../../src/schema/session.ts";
import { TimeAgo } from "../../components/time-ago.tsx";
import { formatDuration, plural } from "../../lib/format.ts";
import { hasUsage, OTEL_HINT, toUsageOrigin } from "../../lib/usage.ts";

/**
 * A small word saying where a cost comes from (`exact`, `metrics`, `reported`), the sentence on
 * hover; nothing without usage (the dash and the header's note say it).
 */
export function UsageSourceTag(props: { session: Pick<SessionSummary, "usageSource" | "totalCostUsd" | "tokens"> }) {
  const origin = () => toUsageOrigin(props.session.usageSource ?? "telemetry");
  return (
    <Show when={hasUsage(props.session)}>
      <span class={`usage-src usage-src-${origin().short}`} title={origin().long}>
        {origin().short}
      </span>
    </Show>
  );
}

/** One plain sentence under the session header: where cost and tokens come from, or how to get them. */
export function UsageNote(props: { session: SessionSummary }) {
  const s = () => props.session;
  const origin = () => toUsageOrigin(s().usageSource ?? "telemetry");
  return (
    <Show
      when={hasUsage(s())}
      fallback={
        <p class="note usage-note" data-testid="usage-note">
          <Show
            when={s().otlpLastAt}
            fallback={
              <>
                No cost or token data for this session: hooks carry none. Run <code>{OTEL_HINT}</code> so Claude Code
                also sends its own telemetry; exact cost, tokens and every LLM request then show here.
              </>
            }
          >
            {(at) => (
              <>
                Claude Code's telemetry arrives (last <TimeAgo at={at()} />) but has carried no cost yet: cost comes
                with its log events (<code>OTEL_LOGS_EXPORTER=otlp</code>) or metrics.
              </>
            )}
          </Show>
        </p>
      }
    >
      <p class="note usage-note" data-testid="usage-note">
        <UsageSourceTag session={s()} /> Cost and tokens are {origin().phrase}.
        <Show when={s().otlpLastAt}>
          {(at) => (
            <>
              {" "}
              Last telemetry <TimeAgo at={at()} />.
            </>
          )}
        </Show>
      </p>
    </Show>
  );
}

/** `+12 −3 lines · 1 commit · 1 PR`, or null when the metrics counted none of them. */
export function describeWork(a: SessionActivity): string | null {
  const parts: string[] = [];
  if (a.linesAdded || a.linesRemoved) parts.push(`+${a.linesAdded} −${a.linesRemoved} lines`);
  if (a.commits) parts.push(plural(a.commits, "commit"));
  if (a.pullRequests) parts.push(plural(a.pullRequests, "PR"));
  if (a.editsRejected) parts.push(`${plural(a.editsRejected, "edit")} rejected`);
  return parts.length > 0 ? parts.join(" · ") : null;
}

/**
 * True once Claude Code's metrics counted anything. The server sends an all-zero object when no
 * metrics arrived, and "0 ms CLI · 0 ms you" would read as a measurement.
 */
export function hasActivity(a: SessionActivity | null | undefined): a is SessionActivity {
  return !!a && (a.activeTimeCliSec > 0 || a.activeTimeUserSec > 0 || describeWork(a) !== null);
}

/**
 * Claude Code's active time: its own (CLI) and the user's (typing, reading), each only when
 * counted ("0 ms you" on every session without user time said nothing); null when neither was.
 */
export function describeActiveTime(a: SessionActivity): string | null {
  const parts: string[] = [];
  if (a.activeTimeCliSec > 0) parts.push(`${formatDuration(a.activeTimeCliSec * 1000)} CLI`);
  if (a.activeTimeUserSec > 0) parts.push(`${formatDuration(a.activeTimeUserSec * 1000)} you`);
  return parts.length > 0 ? parts.join(" · ") : null;
}

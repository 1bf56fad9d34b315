import { For } from "solid-js";
import { formatClock, plural } from "../../lib/format.ts";

type Bucket = { at: string; count: number };

const W = 600;
const H = 120;
const GAP = 4;

/** Bar chart of events per minute; the exact numbers are in the accessible label and each bar's title. */
export function PerMinuteChart(props: { buckets: readonly Bucket[] }) {
  const max = () => Math.max(1, ...props.buckets.map((b) => b.count));
  const barWidth = () => W / Math.max(1, props.buckets.length) - GAP;
  const label = () =>
    `Events per minute over the last ${props.buckets.length} minutes, oldest first: ${props.buckets
      .map((b) => b.count)
      .join(", ")}`;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H + 18}`} role="img" aria-label={label()} preserveAspectRatio="none">
        <line x1="0" x2={W} y1={H + 0.5} y2={H + 0.5} class="chart-axis" />
        <For each={props.buckets}>
          {(b, i) => {
            const h = () => (b.count / max()) * (H - 6);
            return (
              <rect
                class="chart-bar"
                x={i() * (barWidth() + GAP) + GAP / 2}
                y={H - h()}
                width={barWidth()}
                height={Math.max(h(), b.count > 0 ? 1 : 0)}
                rx="2"
              >
                <title>
                  {formatClock(b.at).slice(0, 5)}: {plural(b.count, "event")}
                </title>
              </rect>
            );
          }}
        </For>
        <text x="0" y={H + 14} class="chart-label">
          −{props.buckets.length} min
        </text>
        <text x={W} y={H + 14} class="chart-label" text-anchor="end">
          now
        </text>
        <text x="0" y="10" class="chart-label">
          {max()}/min
        </text>
      </svg>
    </figure>
  );
}

import { Show } from "solid-js";
import type { IconName } from "../lib/event-kind.ts";

// 16×16 stroked paths: a handful of shapes is cheaper than an icon font and renders the same
// everywhere (no missing-glyph boxes on minimal systems).
const PATHS: Record<IconName, string> = {
  play: "M5 3.5v9l7-4.5z",
  stop: "M4.5 4.5h7v7h-7z",
  chat: "M3 3.5h10v7H7l-3 2.5v-2.5H3z",
  tool: "M10.5 2.5a3 3 0 0 0-2.9 3.8L3 10.9 5.1 13l4.6-4.6a3 3 0 0 0 3.8-2.9l-1.7 1-1.6-1.6z",
  check: "M3.5 8.5l3 3 6-7",
  cross: "M4.5 4.5l7 7m0-7l-7 7",
  branch: "M5 3v10M5 8c0-3 6-2 6-5M11 3v0",
  bell: "M4 11.5h8l-1-1.5V7a3 3 0 0 0-6 0v3zM7 13.5h2",
  lock: "M4.5 7.5h7v5h-7zM6 7.5V5.5a2 2 0 0 1 4 0v2",
  flag: "M4.5 13.5v-10h7l-1.5 2.5 1.5 2.5h-7",
  alert: "M8 2.5l6 11H2zM8 7v3M8 11.5v.5",
  dot: "M8 6.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z",
  terminal: "M2.5 3.5h11v9h-11zM5 6.5l2 1.5-2 1.5M8.5 10h3",
  gear: "M8 5.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5zM8 1.5v2M8 12.5v2M1.5 8h2M12.5 8h2",
  spark: "M8 2.5l1.4 4.1 4.1 1.4-4.1 1.4L8 13.5l-1.4-4.1L2.5 8l4.1-1.4z",
};

export function Icon(props: { name: IconName; class?: string; title?: string }) {
  const cls = () => (props.class ? `icon ${props.class}` : "icon");
  return (
    <Show
      when={props.title}
      fallback={
        <svg class={cls()} viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
          <path d={PATHS[props.name]} />
        </svg>
      }
    >
      <svg class={cls()} viewBox="0 0 16 16" width="16" height="16" role="img">
        <title>{props.title}</title>
        <path d={PATHS[props.name]} />
      </svg>
    </Show>
  );
}

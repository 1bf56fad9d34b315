import { formatAbsolute, formatRelative } from "../lib/format.ts";
import { useApp } from "../state/app-ctx.tsx";

/** Relative time that keeps ticking, with the absolute local time on hover. */
export function TimeAgo(props: { at: string | null | undefined }) {
  const app = useApp();
  return (
    <time datetime={props.at ?? undefined} title={formatAbsolute(props.at)}>
      {formatRelative(props.at, app.now())}
    </time>
  );
}

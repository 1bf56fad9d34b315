import type { StreamStatus } from "../lib/event-stream.ts";
import { useApp } from "../state/app-ctx.tsx";

const LABEL: Record<StreamStatus, string> = {
  connecting: "connecting",
  live: "live",
  reconnecting: "reconnecting",
  offline: "offline",
};

export function ConnectionBadge() {
  const app = useApp();
  return (
    <output class={`conn conn-${app.status()}`} aria-live="polite" data-testid="connection">
      <span class="conn-dot" aria-hidden="true" />
      {LABEL[app.status()]}
    </output>
  );
}

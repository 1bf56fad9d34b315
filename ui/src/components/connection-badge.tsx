import type { StreamStatus } from "../lib/event-stream.ts";
import { useApp } from "../state/app-ctx.tsx";

const LABEL: Record<StreamStatus, string> = {
  connecting: "connecting",
  live: "live",
  reconnecting: "reconnecting",
  offline: "offline",
};

/**
 * The stream's state in a word. A server that answers 401 is reachable, so "offline" would send
 * people looking for a dead process: the badge names the token problem instead.
 */
export function ConnectionBadge() {
  const app = useApp();
  const auth = () =>
    app.problem() === "token-refused" ? "token refused" : app.problem() === "unauthorized" ? "token needed" : null;
  return (
    <output class={`conn conn-${auth() ? "auth" : app.status()}`} aria-live="polite" data-testid="connection">
      <span class="conn-dot" aria-hidden="true" />
      {auth() ?? LABEL[app.status()]}
    </output>
  );
}

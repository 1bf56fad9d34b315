import { createSignal, Match, Show, Switch } from "solid-js";
import { formatCount, plural } from "../lib/format.ts";
import { useApp } from "../state/app-ctx.tsx";

function TokenForm() {
  const app = useApp();
  const [value, setValue] = createSignal("");
  return (
    <form
      class="token-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (value().trim()) app.setToken(value().trim());
      }}
    >
      <label for="token-input">API token</label>
      <input
        id="token-input"
        type="password"
        autocomplete="off"
        value={value()}
        onInput={(e) => setValue(e.currentTarget.value)}
      />
      <button type="submit">Connect</button>
    </form>
  );
}

/** `1 event was evicted`, `12 older events were evicted`. */
function evictedText(n: number, which = ""): string {
  return `${formatCount(n)} ${which}${n === 1 ? "event was" : "events were"} evicted`;
}

/** Why live data is missing or incomplete; shown on every view. */
export function Banners() {
  const app = useApp();
  const evicted = () => app.store.stats?.buffer.evicted ?? 0;
  // Set only while export is failing (cleared once batches go through again), so worth a line.
  const exportError = () => {
    const e = app.store.stats?.export;
    return e?.enabled && e.lastError ? { error: e.lastError, failed: e.failed } : null;
  };
  return (
    <>
      <Switch>
        <Match when={app.problem() === "unauthorized"}>
          <div class="banner banner-error" role="alert">
            <strong>Token required.</strong> This server needs an API token (<code>--token</code> /{" "}
            <code>SPANLIGHT_TOKEN</code>). Open the address the server printed, or enter the token:
            <TokenForm />
          </div>
        </Match>
        <Match when={app.problem() === "token-refused"}>
          <div class="banner banner-error" role="alert">
            <strong>Token refused.</strong> The server is up but did not accept this API token; it must equal the
            server's <code>--token</code> / <code>SPANLIGHT_TOKEN</code>. Enter it again:
            <TokenForm />
          </div>
        </Match>
        <Match when={app.problem() === "unreachable" && app.status() !== "live"}>
          <div class="banner banner-error" role="alert">
            <strong>Server unreachable.</strong> Is <code>spanlight serve</code> running? Retrying…
          </div>
        </Match>
      </Switch>
      <Show when={app.notice()}>
        {(n) => (
          <div class="banner banner-info" role="status">
            <Switch>
              <Match when={n().kind === "gap" && n()}>
                {(g) => (
                  <span>
                    {evictedText((g() as { missed: number }).missed)} from the server's buffer while this page was
                    disconnected; they are not shown.
                  </span>
                )}
              </Match>
              <Match when={n().kind === "restarted"}>
                <span>The server restarted; the page reloaded its data.</span>
              </Match>
              <Match when={n().kind === "overflow"}>
                <span>The page fell behind the stream and resumed where it left off.</span>
              </Match>
            </Switch>
            <button type="button" class="link" onClick={() => app.dismissNotice()}>
              Dismiss
            </button>
          </div>
        )}
      </Show>
      <Show when={evicted() > 0}>
        <p class="evicted-note" role="note">
          {evictedText(evicted(), "older ")} from the server's ring buffer (capacity{" "}
          {formatCount(app.store.stats?.buffer.capacity)}); summaries still count them.
        </p>
      </Show>
      <Show when={exportError()}>
        {(x) => (
          <p class="export-note" role="note" data-testid="export-failing">
            <strong>Trace export is failing:</strong> {x().error}. {plural(x().failed, "span")} not delivered so far;
            events are still received and shown here.
          </p>
        )}
      </Show>
    </>
  );
}

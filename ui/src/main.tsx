import { createRoot, createSignal } from "solid-js";
import { render } from "solid-js/web";
import { App } from "./app.tsx";
import { createApiClient } from "./lib/api-client.ts";
import { readInitialToken, saveToken } from "./lib/auth-token.ts";
import { createAppCtx } from "./state/app-ctx.tsx";
// The stylesheet in cascade order: later files refine earlier ones.
import "./styles/00-base.css";
import "./styles/01-controls.css";
import "./styles/02-layout.css";
import "./styles/03-status.css";
import "./styles/04-overview.css";
import "./styles/05-live.css";
import "./styles/06-tables.css";
import "./styles/07-session.css";
import "./styles/07-waterfall.css";
import "./styles/08-agents.css";
import "./styles/09-responsive.css";

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled: the token lives for this page only
  }
}

const root = document.getElementById("root");
if (!root) throw new Error("missing #root");

createRoot(() => {
  const [token, setToken] = createSignal(readInitialToken(window.location, window.history, storage()));
  const ctx = createAppCtx({
    api: createApiClient({ token }),
    onTokenChange: (t) => {
      saveToken(storage(), t);
      setToken(t);
    },
  });
  render(() => <App ctx={ctx} />, root);
  ctx.start();
});

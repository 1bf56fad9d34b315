import { createRoot, createSignal } from "solid-js";
import { render } from "solid-js/web";
import { App } from "./app.tsx";
import { createApiClient } from "./lib/api-client.ts";
import { readInitialToken, saveToken } from "./lib/auth-token.ts";
import { createAppCtx } from "./state/app-ctx.tsx";
import "./styles.css";

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

import { Route, Router } from "@solidjs/router";
import { AgentsView } from "./features/agents/agents-view.tsx";
import { FilesView } from "./features/files/files-view.tsx";
import { LiveView } from "./features/live/live-view.tsx";
import { OverviewView } from "./features/overview/overview-view.tsx";
import { SessionView } from "./features/sessions/session-view.tsx";
import { SessionsView } from "./features/sessions/sessions-view.tsx";
import { ToolsView } from "./features/tools/tools-view.tsx";
import { Shell } from "./shell.tsx";
import { type AppCtx, AppProvider } from "./state/app-ctx.tsx";

function NotFound() {
  return (
    <section class="view">
      <h1>Not found</h1>
      <p>
        There is no view at this address. <a href="/">Back to the overview</a>.
      </p>
    </section>
  );
}

/** Routes keep view state in the URL, so any view can be reloaded or shared as a link. */
export function App(props: { ctx: AppCtx }) {
  return (
    <AppProvider ctx={props.ctx}>
      <Router root={Shell}>
        <Route path="/" component={OverviewView} />
        <Route path="/live" component={LiveView} />
        <Route path="/sessions" component={SessionsView} />
        <Route path="/sessions/:id" component={SessionView} />
        <Route path="/agents" component={AgentsView} />
        <Route path="/tools" component={ToolsView} />
        <Route path="/files" component={FilesView} />
        <Route path="*" component={NotFound} />
      </Router>
    </AppProvider>
  );
}

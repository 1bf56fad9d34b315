/** Shown at `/` when the dashboard has not been built (`npm run build:ui`). */
export const PLACEHOLDER_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Spanlight</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}
code{background:#f2f2f2;padding:.1rem .3rem;border-radius:3px}@media(prefers-color-scheme:dark){body{background:#111;color:#ddd}code{background:#222}}</style>
</head><body><h1>Spanlight is running</h1>
<p>The dashboard is not built in this copy. Build it with <code>npm run build:ui</code>, or use the API:</p>
<ul><li><a href="/health">/health</a></li><li><a href="/api/sessions">/api/sessions</a></li>
<li><a href="/api/events">/api/events</a></li><li><a href="/api/stats">/api/stats</a></li></ul>
</body></html>`;

/**
 * What `spanlight serve` says when its port is taken: whether it is a Spanlight already running
 * (most often it is: a second `npm start`), and a port nearby that nothing listens on.
 */

import { isConnectionRefused } from "../runtime/connection-refused.ts";

// Long enough for a busy server on this machine to answer; short enough not to stall the exit.
const PROBE_MS = 1500;
const CANDIDATES = 20;
const BATCH = 5;

type Fetch = (url: string, init: RequestInit) => Promise<Response>;

const loopbackOf = (host: string) =>
  host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "[::1]" : host.includes(":") ? `[${host}]` : host;

/** The version of the Spanlight answering at `base`, or null when something else (or nothing) answers. */
async function spanlightAt(base: string, fetchFn: Fetch): Promise<string | null> {
  try {
    const res = await fetchFn(`${base}/health`, { signal: AbortSignal.timeout(PROBE_MS) });
    const body = (await res.json()) as { status?: unknown; version?: unknown; buffer?: unknown };
    return body.status === "ok" && typeof body.version === "string" && typeof body.buffer === "object"
      ? body.version
      : null;
  } catch {
    return null;
  }
}

/** True when a connection to the port is refused: nothing listens there. Any answer, or none in time, is "taken". */
async function refused(base: string, fetchFn: Fetch): Promise<boolean> {
  try {
    const res = await fetchFn(`${base}/`, { signal: AbortSignal.timeout(PROBE_MS) });
    await res.body?.cancel();
    return false;
  } catch (err) {
    return isConnectionRefused(err);
  }
}

export async function portInUseMessage(host: string, port: number, fetchFn: Fetch = fetch): Promise<string> {
  const at = loopbackOf(host);
  const version = await spanlightAt(`http://${at}:${port}`, fetchFn);
  // A few at a time: a listener that never answers costs the probe's timeout once per batch, not
  // once per port, and the ports after a free one are not knocked on at all.
  const candidates = Array.from({ length: Math.max(0, Math.min(65535 - port, CANDIDATES)) }, (_, k) => port + 1 + k);
  let free: number | null = null;
  for (let i = 0; i < candidates.length && free === null; i += BATCH) {
    const batch = candidates.slice(i, i + BATCH);
    const open = await Promise.all(batch.map((p) => refused(`http://${at}:${p}`, fetchFn)));
    free = batch.find((_, k) => open[k]) ?? null;
  }
  const pick =
    free === null
      ? "Pick a free port with --port <n> or SPANLIGHT_PORT=<n>."
      : `Pick another with --port ${free} or SPANLIGHT_PORT=${free} (hooks installed for port ${port} need \`spanlight init --url http://${at}:${free}\`).`;
  if (version !== null)
    return `Spanlight ${version} is already running on ${host}:${port}: its dashboard is http://${at}:${port}/. To run a second one: ${pick}`;
  return `port ${port} on ${host} is already in use by another program. ${pick}`;
}

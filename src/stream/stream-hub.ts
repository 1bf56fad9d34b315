import type { Config } from "../config/config-schema.ts";
import type { NormalizedEvent, Stats } from "../schema/mod.ts";
import { ApiError } from "../server/api-error.ts";
import { compileFilter, type EventFilter, type Store } from "../store/mod.ts";
import { SseClient } from "./sse-client.ts";
import { HEARTBEAT_FRAME, retryFrame, runTagOf, toFrame } from "./sse-format.ts";

const encoder = new TextEncoder();

/** Response headers of an SSE stream (also what HEAD /api/stream answers, without opening one). */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
};

export type StreamHubOptions = {
  store: Store;
  config: Config["stream"];
  version: string;
  bootId: string;
  stats: () => Stats;
};

export type StreamHub = ReturnType<typeof createStreamHub>;

/**
 * Fan-out of the store to SSE clients. `GET /api/stream` is a view of the store: ids are store
 * sequence ids and Last-Event-ID replays from the ring. Ingest only enqueues into each client's
 * bounded queue, so a slow client never slows ingest or the other clients.
 */
export function createStreamHub({ store, config, version, bootId, stats }: StreamHubOptions) {
  const clients = new Set<SseClient>();
  const runTag = runTagOf(bootId);
  let overflows = 0;
  let lastStats = "";

  const unsubscribe = store.subscribe((event: NormalizedEvent) => {
    if (clients.size === 0) return;
    // Serialized and encoded once per event, whatever the number of clients.
    let frame: Uint8Array | null = null;
    for (const client of clients) {
      if (!client.filter(event)) continue;
      frame ??= encoder.encode(toFrame({ kind: "event", data: event }, runTag));
      client.push(frame);
    }
  });

  function connect(
    filter: Omit<EventFilter, "limit" | "cursor">,
    lastEventId: number | null,
    clientBootId: string | null,
    clientRunTag: string | null = null,
  ): Response {
    if (clients.size >= config.maxClients) {
      throw new ApiError("too_many_clients", `${config.maxClients} stream clients are connected (stream.maxClients).`);
    }
    const buffer = store.buffer();
    const initial = [
      retryFrame(config.retryMs),
      toFrame({
        kind: "hello",
        data: {
          bootId,
          version,
          oldestSeq: buffer.oldestSeq,
          newestSeq: buffer.newestSeq,
          heartbeatMs: config.heartbeatMs,
        },
      }),
      // A new client gets the current stats at once instead of waiting for the next change.
      toFrame({ kind: "stats", data: stats() }),
    ];
    let replay: { from: number; to: number } | null = null;
    const sinceSeq = filter.since && /^\d+$/.test(filter.since) ? Number(filter.since) : null;
    if (lastEventId !== null) {
      const otherRun =
        (clientBootId !== null && clientBootId !== bootId) ||
        (clientRunTag !== null && clientRunTag !== runTag) ||
        lastEventId > buffer.newestSeq;
      if (otherRun) {
        initial.push(toFrame({ kind: "reset", data: { lastEventId, newestSeq: buffer.newestSeq, bootId } }));
      } else {
        let from = lastEventId + 1;
        if (buffer.events > 0 && from < buffer.oldestSeq) {
          initial.push(
            toFrame({
              kind: "gap",
              data: { lastEventId, oldestSeq: buffer.oldestSeq, missed: buffer.oldestSeq - from },
            }),
          );
          from = buffer.oldestSeq;
        }
        replay = { from, to: buffer.newestSeq };
      }
    } else if (filter.since) {
      // A sequence id says where the replay starts; a time replays the ring through the filter,
      // which keeps only events received since then (as /api/events does).
      const from = sinceSeq !== null ? Math.max(buffer.oldestSeq, sinceSeq + 1) : buffer.oldestSeq;
      replay = { from, to: buffer.newestSeq };
    }
    const client = new SseClient(initial, {
      filter: compileFilter(sinceSeq !== null ? { ...filter, since: undefined } : filter),
      sessionId: filter.sessionId ?? null,
      queueLimit: config.clientQueue,
      replay,
      lookup: (seq) => store.event(seq),
      runTag,
      onClose: (c, reason) => {
        clients.delete(c);
        if (reason === "overflow") overflows++;
      },
    });
    clients.add(client);
    return new Response(client.stream, { headers: SSE_HEADERS });
  }

  function broadcast(frame: string) {
    const bytes = encoder.encode(frame);
    for (const client of clients) client.push(bytes);
  }

  return {
    connect,
    get connections(): number {
      return clients.size;
    },
    /** Clients disconnected for reading too slowly, since start. */
    get overflows(): number {
      return overflows;
    },
    /** Sends coalesced session summaries, and stats when they changed. */
    tick(): void {
      const changed = store.drainChanged();
      if (clients.size === 0) return;
      if (changed.length > 0) {
        const all = encoder.encode(toFrame({ kind: "sessions", data: changed }));
        for (const client of clients) {
          if (client.sessionId === null) client.push(all);
          else {
            const mine = changed.filter((s) => s.sessionId === client.sessionId);
            if (mine.length > 0) client.push(encoder.encode(toFrame({ kind: "sessions", data: mine })));
          }
        }
      }
      const snapshot = JSON.stringify(stats());
      if (snapshot !== lastStats) {
        lastStats = snapshot;
        broadcast(`event: stats\ndata: ${snapshot}\n\n`);
      }
    },
    heartbeat(): void {
      broadcast(HEARTBEAT_FRAME);
    },
    close(): void {
      unsubscribe();
      for (const client of [...clients]) client.close();
      clients.clear();
    },
  };
}

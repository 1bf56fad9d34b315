import type { FileTouch } from "../../../../src/schema/session.ts";

export type SessionFiles = { sessionId: string; label: string; files: readonly FileTouch[] };

/** One file across every session that touched it (seed 004's file tracker). */
export type FileRow = {
  path: string;
  reads: number;
  writes: number;
  edits: number;
  searches: number;
  lastAt: string;
  sessions: { sessionId: string; label: string }[];
};

/** Merges per-session file lists into one row per path, most recently touched first. */
export function toFileRows(sessions: readonly SessionFiles[]): FileRow[] {
  const byPath = new Map<string, FileRow>();
  for (const s of sessions) {
    for (const f of s.files) {
      let row = byPath.get(f.path);
      if (!row) {
        row = { path: f.path, reads: 0, writes: 0, edits: 0, searches: 0, lastAt: f.lastAt, sessions: [] };
        byPath.set(f.path, row);
      }
      row.reads += f.reads;
      row.writes += f.writes;
      row.edits += f.edits;
      row.searches += f.searches;
      if (f.lastAt > row.lastAt) row.lastAt = f.lastAt;
      if (!row.sessions.some((x) => x.sessionId === s.sessionId)) {
        row.sessions.push({ sessionId: s.sessionId, label: s.label });
      }
    }
  }
  return [...byPath.values()].sort((a, b) =>
    a.lastAt < b.lastAt ? 1 : a.lastAt > b.lastAt ? -1 : a.path.localeCompare(b.path),
  );
}

import { type FileTouchOp, toFileOps } from "../ingest/file-paths.ts";
import type { NormalizedEvent } from "../schema/mod.ts";
import { payloadField } from "./session-ops.ts";
import type { SessionLimits, SessionState } from "./session-state.ts";

// The files a session's calls touched, per path (bounded by maxFilesPerSession).

export function touchFiles(state: SessionState, e: NormalizedEvent, at: string, limits: SessionLimits) {
  recordFileOps(state, toFileOps(e.toolName, payloadField(e, "tool_input"), e.cwd), at, limits);
}

export function recordFileOps(state: SessionState, ops: readonly FileTouchOp[], at: string, limits: SessionLimits) {
  for (const { path, op } of ops) {
    let f = state.files.get(path);
    if (!f) {
      if (state.files.size >= limits.maxFilesPerSession) {
        state.truncated.files++;
        continue;
      }
      f = { path, reads: 0, writes: 0, edits: 0, searches: 0, lastAt: at };
      state.files.set(path, f);
    }
    if (op === "read") f.reads++;
    else if (op === "write") f.writes++;
    else if (op === "edit") f.edits++;
    else f.searches++;
    f.lastAt = at;
  }
}

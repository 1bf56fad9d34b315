export { CONTEXT_HEADERS, type IngestContext, readContext } from "./context.ts";
export { type FileOp, type FileTouchOp, toFileOps } from "./file-paths.ts";
export type { Received } from "./normalize-hook.ts";
export { redactString } from "./redact.ts";
export { sanitizePayload } from "./trim.ts";
export { type DraftResult, type IngestKind, toDraft } from "./validate.ts";

import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ErrorBody } from "../schema/mod.ts";
import { ERROR_CODES, type ErrorCode } from "./error-codes.ts";

export type Issue = { path: string; message: string };

/** The one error type handlers throw; `onError` renders it as `{ error: { code, message, issues? } }`. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly issues: Issue[] | undefined;
  /** Response headers the status calls for (e.g. `Allow` with 405). */
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, message: string, issues?: Issue[], headers?: Record<string, string>) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.issues = issues;
    this.headers = headers;
  }

  get status(): ContentfulStatusCode {
    return ERROR_CODES[this.code].status;
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) } };
  }
}

/** Formats zod-style issue paths as `a.b[2].c`, prefixed for batch items. */
export function formatPath(path: readonly PropertyKey[], prefix = ""): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "(root)" : out;
}

/**
 * Whether a failed fetch means nothing listens at the address. Each runtime says it its own way:
 * Node in `cause.code` (ECONNREFUSED), Deno in `cause.message` ("Connection refused (os error
 * 111)"), Bun (the binary) in the error's own code or message (ConnectionRefused).
 */
export function fetchFailureReason(err: unknown): string {
  const e = err as { message?: string; code?: string; cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.code ?? e.message ?? String(err);
}

export function isConnectionRefused(err: unknown): boolean {
  const e = err as { message?: string; code?: string; cause?: { code?: string; message?: string } };
  return /ECONNREFUSED|ConnectionRefused|Connection refused/i.test(
    `${e.cause?.code} ${e.cause?.message} ${e.code} ${e.message}`,
  );
}

/**
 * Links built from server data (trace URLs) go into `href`; only http(s) is allowed so a
 * `javascript:` URL from a misconfigured or hostile source can never run.
 */
export function toSafeHttpUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

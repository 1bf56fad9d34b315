const STORAGE_KEY = "spanlight.token";

type TokenStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

/**
 * The API token, if the server needs one. A `?token=` in the address (the form the CLI prints) is
 * moved into local storage and removed from the address bar, so a shared link never carries it.
 */
export function readInitialToken(loc: Location, history: History, storage: TokenStorage | null): string | null {
  const url = new URL(loc.href);
  const fromUrl = url.searchParams.get("token");
  if (fromUrl) {
    storage?.setItem(STORAGE_KEY, fromUrl);
    url.searchParams.delete("token");
    history.replaceState(history.state, "", `${url.pathname}${url.search}${url.hash}`);
    return fromUrl;
  }
  return storage?.getItem(STORAGE_KEY) ?? null;
}

export function saveToken(storage: TokenStorage | null, token: string | null): void {
  if (!storage) return;
  if (token) storage.setItem(STORAGE_KEY, token);
  else storage.removeItem(STORAGE_KEY);
}

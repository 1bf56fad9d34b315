import type { AssetSource } from "../server/static.ts";

/**
 * A dashboard build carried inside the program itself (the compiled binary). `scripts/compile.mjs`
 * walks ui/dist into a generated module of this shape: a plain object of strings survives any
 * bundler or compiler unchanged, where file imports and HTML entrypoints get re-bundled.
 * Text files are kept as text (smaller and greppable), everything else as base64.
 */
export type EmbeddedFile = { text: string } | { base64: string };
/** Path relative to the build root, without a leading slash → content. */
export type EmbeddedFiles = Readonly<Record<string, EmbeddedFile>>;

function decode(file: EmbeddedFile): Uint8Array {
  if ("text" in file) return new TextEncoder().encode(file.text);
  const binary = atob(file.base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Serves embedded files; each is decoded on first request and kept (the build is ~150 KB). */
export function createEmbeddedAssetSource(files: EmbeddedFiles): AssetSource {
  const decoded = new Map<string, Uint8Array>();
  return {
    async get(path) {
      if (!Object.hasOwn(files, path)) return null;
      let body = decoded.get(path);
      if (!body) {
        body = decode(files[path]!);
        decoded.set(path, body);
      }
      return { body };
    },
  };
}

import { createComputed } from "solid-js";
import { createStore, reconcile } from "solid-js/store";

/**
 * A list refetched or rebuilt as fresh objects, reconciled by key into a store. `<For>` keys
 * rows by identity: without this, every refetch would tear down and rebuild every row (1,700
 * waterfall rows twice a second froze a busy session's page), and lose what a row keeps in its
 * own signals ("+N more" opened). With it, a row keeps its DOM and only changed fields update.
 */
export function createKeyedList<T extends object>(
  source: () => readonly T[],
  key: keyof T & string,
): () => readonly T[] {
  const [state, setState] = createStore<{ items: T[] }>({ items: [] });
  createComputed(() => setState("items", reconcile(source() as T[], { key })));
  return () => state.items;
}

/** Recently seen idempotency keys → the sequence id they were stored under (bounded, oldest forgotten first). */
export class IdempotencyKeys {
  readonly #keys = new Map<string, number>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  get(key: string): number | undefined {
    return this.#keys.get(key);
  }

  set(key: string, seq: number): void {
    if (this.#max === 0) return;
    this.#keys.set(key, seq);
    if (this.#keys.size > this.#max) this.#keys.delete(this.#keys.keys().next().value as string);
  }
}

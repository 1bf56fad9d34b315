/**
 * Fixed-capacity ring of items with consecutive sequence ids, bounded by count and by bytes.
 * Append is O(1) (amortised over evictions): no array shifting, slots are reused.
 * Lookup by sequence id is O(1) because the ring always holds the contiguous range oldest..newest.
 */
export type Sized = { seq: number; bytes: number };

export class RingBuffer<T extends Sized> {
  readonly capacity: number;
  readonly maxBytes: number;
  #slots: Array<T | undefined>;
  #head = 0; // index of the oldest item
  #size = 0;
  #bytes = 0;
  #evicted = 0;

  constructor(capacity: number, maxBytes: number) {
    this.capacity = capacity;
    this.maxBytes = maxBytes;
    this.#slots = new Array(capacity);
  }

  get size(): number {
    return this.#size;
  }
  get bytes(): number {
    return this.#bytes;
  }
  /** Items dropped since creation. */
  get evicted(): number {
    return this.#evicted;
  }
  get oldestSeq(): number {
    return this.#size === 0 ? 0 : this.#slots[this.#head]!.seq;
  }
  get newestSeq(): number {
    return this.#size === 0 ? 0 : this.#slots[(this.#head + this.#size - 1) % this.capacity]!.seq;
  }

  /** Appends; evicts oldest items past either bound. Returns the evicted items (usually none). */
  push(item: T): T[] {
    const evicted: T[] = [];
    if (this.#size === this.capacity) evicted.push(this.#shift());
    this.#slots[(this.#head + this.#size) % this.capacity] = item;
    this.#size++;
    this.#bytes += item.bytes;
    // Keep at least the newest item even if it alone exceeds the byte budget.
    while (this.#bytes > this.maxBytes && this.#size > 1) evicted.push(this.#shift());
    return evicted;
  }

  #shift(): T {
    const item = this.#slots[this.#head]!;
    this.#slots[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.capacity;
    this.#size--;
    this.#bytes -= item.bytes;
    this.#evicted++;
    return item;
  }

  get(seq: number): T | undefined {
    if (this.#size === 0) return undefined;
    const offset = seq - this.oldestSeq;
    if (offset < 0 || offset >= this.#size) return undefined;
    return this.#slots[(this.#head + offset) % this.capacity];
  }

  /** Newest first, starting at `beforeSeq - 1` when given. */
  *newestFirst(beforeSeq?: number): Generator<T> {
    let offset = this.#size - 1;
    if (beforeSeq !== undefined) offset = Math.min(offset, beforeSeq - this.oldestSeq - 1);
    for (; offset >= 0; offset--) yield this.#slots[(this.#head + offset) % this.capacity]!;
  }

  /** Oldest first, starting after `afterSeq` when given. */
  *oldestFirst(afterSeq?: number): Generator<T> {
    let offset = afterSeq === undefined ? 0 : Math.max(0, afterSeq - this.oldestSeq + 1);
    for (; offset < this.#size; offset++) yield this.#slots[(this.#head + offset) % this.capacity]!;
  }
}

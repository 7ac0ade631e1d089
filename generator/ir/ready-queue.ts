/**
 * The order calls run in: always the first call (in config order) whose inputs are all produced, as
 * rescanning the pending list would pick, but in O(n log n): 20,000 calls listed in reverse
 * dependency order must not make building the graph quadratic.
 */
import type { TensorRef } from "../load/architecture.js";

/** The call a tensor comes from: layer and node (its output index does not matter for ordering). */
export const producerKey = (r: TensorRef): string => `${r[0]}\u0000${r[1]}`;

export class ReadyQueue {
  private readonly waiting = new Map<string, number[]>();
  private readonly unmet: number[];
  private readonly heap: number[] = [];
  private readonly finished = new Set<string>();

  /** `produces[i]`: the producer key of call i; `needs[i]`: the producer keys it reads; `available`: produced already. */
  constructor(
    private readonly produces: readonly string[],
    needs: readonly string[][],
    available: readonly string[],
  ) {
    for (const k of available) this.finished.add(k);
    this.unmet = needs.map((keys, i) => {
      const open = new Set(keys.filter((k) => !this.finished.has(k)));
      for (const k of open) {
        const list = this.waiting.get(k);
        if (list) list.push(i);
        else this.waiting.set(k, [i]);
      }
      if (open.size === 0) this.push(i);
      return open.size;
    });
  }

  /** The lowest-numbered ready call, or undefined when none is ready. */
  next(): number | undefined {
    if (this.heap.length === 0) return undefined;
    const top = this.heap[0]!;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  /** Marks call i as run: calls waiting only for it become ready. */
  done(i: number): void {
    const key = this.produces[i]!;
    if (this.finished.has(key)) return;
    this.finished.add(key);
    for (const j of this.waiting.get(key) ?? []) if (--this.unmet[j]! === 0) this.push(j);
  }

  /** A call still waiting (for the error message once nothing is ready). */
  firstWaiting(): number | undefined {
    const i = this.unmet.findIndex((n) => n > 0);
    return i < 0 ? undefined : i;
  }

  private push(i: number): void {
    const h = this.heap;
    h.push(i);
    for (let at = h.length - 1; at > 0; ) {
      const parent = (at - 1) >> 1;
      if (h[parent]! <= h[at]!) break;
      [h[parent], h[at]] = [h[at]!, h[parent]!];
      at = parent;
    }
  }

  private siftDown(at: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * at + 1;
      const r = l + 1;
      let least = at;
      if (l < h.length && h[l]! < h[least]!) least = l;
      if (r < h.length && h[r]! < h[least]!) least = r;
      if (least === at) return;
      [h[least], h[at]] = [h[at]!, h[least]!];
      at = least;
    }
  }
}

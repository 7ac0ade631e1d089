/**
 * The plain-JavaScript roofline: the model's matrix products (the same multiply-adds as its layers,
 * zeros not skipped) as the simplest loop one would write by hand, float64 sums over Float32Array
 * weights. What scalar JS can do; our JS path should stay within 1.3× of it.
 */
import type { Model } from "../../generator/ir/types.js";

/** One product: `rows` times an (m × n) matrix by an n-vector. */
export interface Product {
  readonly rows: number;
  readonly n: number;
  readonly m: number;
}

const num = (d: unknown): number => (typeof d === "number" ? d : NaN);

/** The products of the layer kinds the bench models use; null when a layer with weights is not covered. */
export function modelProducts(model: Model): Product[] | null {
  const products: Product[] = [];
  for (const call of model.calls) {
    const layer = call.layer;
    const input = model.values[call.inputs[0]!]!.shape.map(num);
    const w = layer.weights;
    switch (layer.className) {
      case "Dense":
        products.push({ rows: input.slice(0, -1).reduce((a, b) => a * b, 1), n: w[0]!.shape[0]!, m: w[0]!.shape[1]! });
        break;
      case "LSTM":
      case "GRU":
      case "SimpleRNN":
        for (let t = 0; t < input[0]!; t++) {
          products.push({ rows: 1, n: w[0]!.shape[0]!, m: w[0]!.shape[1]! }, { rows: 1, n: w[1]!.shape[0]!, m: w[1]!.shape[1]! });
        }
        break;
      case "Conv1D": {
        const [k, cin, cout] = w[0]!.shape as [number, number, number];
        const out = model.values[call.outputs[0]!]!.shape.map(num);
        products.push({ rows: out[0]!, n: k * cin, m: cout });
        break;
      }
      default:
        if (w.length > 0) return null;
    }
  }
  return products;
}

export const macs = (products: readonly Product[]): number => products.reduce((s, p) => s + p.rows * p.n * p.m, 0);

/** A function running every product once with plain loops (weights allocated here, outside the timing). */
export function roofline(products: readonly Product[]): () => number {
  const weights = products.map((p) => Float32Array.from({ length: p.n * p.m }, (_, i) => Math.sin(i) * 0.1));
  const width = Math.max(...products.map((p) => Math.max(p.n, p.m)));
  const x = Float64Array.from({ length: width }, (_, i) => Math.cos(i));
  const out = new Float64Array(width);
  return () => {
    for (let k = 0; k < products.length; k++) {
      const { rows, n, m } = products[k]!;
      const w = weights[k]!;
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < m; j++) {
          let s = 0;
          for (let i = 0; i < n; i++) s += x[i]! * w[j * n + i]!;
          out[j] = s;
        }
      }
    }
    return out[0]!;
  };
}

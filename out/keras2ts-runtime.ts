// keras2ts runtime: the numeric helpers generated modules call. Dependency-free, allocation-free.
// All arithmetic is float64 on float32 weights; results are rounded to float32 only at the output.

// ---- scalar activations ---------------------------------------------------------------------

export function linear(x: number): number {
  return x;
}

export function relu(x: number): number {
  return x > 0 ? x : 0;
}

export function relu6(x: number): number {
  return x <= 0 ? 0 : x >= 6 ? 6 : x;
}

/** Keras `ReLU(max_value, negative_slope, threshold)` and `relu` with options. */
export function reluWith(x: number, negativeSlope: number, maxValue: number, threshold: number): number {
  const y = x >= threshold ? x : negativeSlope * (x - threshold);
  return y > maxValue ? maxValue : y;
}

export function leakyRelu(x: number, slope: number): number {
  return x >= 0 ? x : slope * x;
}

export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

export function tanh(x: number): number {
  return Math.tanh(x);
}

/** Keras 3 `hard_sigmoid`: clip(x / 6 + 0.5, 0, 1). */
export function hardSigmoid(x: number): number {
  const y = x / 6 + 0.5;
  return y <= 0 ? 0 : y >= 1 ? 1 : y;
}

/** Keras 1 and 2 `hard_sigmoid`: clip(0.2 x + 0.5, 0, 1). */
export function hardSigmoidKeras2(x: number): number {
  const y = 0.2 * x + 0.5;
  return y <= 0 ? 0 : y >= 1 ? 1 : y;
}

export function hardSwish(x: number): number {
  return (x * relu6(x + 3)) / 6;
}

export function hardTanh(x: number): number {
  return x <= -1 ? -1 : x >= 1 ? 1 : x;
}

export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

export function softsign(x: number): number {
  return x / (1 + Math.abs(x));
}

export function elu(x: number, alpha: number): number {
  return x > 0 ? x : alpha * Math.expm1(x);
}

export function selu(x: number): number {
  const alpha = 1.6732632423543772848170429916717;
  const scale = 1.0507009873554804934193349852946;
  return x > 0 ? scale * x : scale * alpha * Math.expm1(x);
}

export function celu(x: number, alpha: number): number {
  return x > 0 ? x : alpha * Math.expm1(x / alpha);
}

export function swish(x: number): number {
  return x * sigmoid(x);
}

export function mish(x: number): number {
  return x * Math.tanh(softplus(x));
}

export function exponential(x: number): number {
  return Math.exp(x);
}

export function logSigmoid(x: number): number {
  return -softplus(-x);
}

export function tanhShrink(x: number): number {
  return x - Math.tanh(x);
}

export function softShrink(x: number, threshold: number): number {
  return x > threshold ? x - threshold : x < -threshold ? x + threshold : 0;
}

export function hardShrink(x: number, threshold: number): number {
  return x > threshold || x < -threshold ? x : 0;
}

export function squareplus(x: number, b: number): number {
  return (x + Math.sqrt(x * x + b)) / 2;
}

export function sparsePlus(x: number): number {
  return x <= -1 ? 0 : x >= 1 ? x : ((x + 1) * (x + 1)) / 4;
}

/** Exact GELU: x · Φ(x) with Φ the standard normal CDF. */
export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x / Math.SQRT2));
}

/** GELU with the tanh approximation (`approximate=True`). */
export function geluTanh(x: number): number {
  return 0.5 * x * (1 + Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
}

/** The error function to double precision: Taylor series near 0, continued fraction for erfc beyond. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let term = ax;
    let sum = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 80; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    const r = (2 / Math.sqrt(Math.PI)) * sum;
    return x < 0 ? -r : r;
  }
  if (ax > 6) return x < 0 ? -1 : 1;
  // erfc(x) = exp(-x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + …)))), evaluated bottom-up.
  let f = ax;
  for (let k = 60; k >= 1; k--) f = ax + k / 2 / f;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return x < 0 ? erfc - 1 : 1 - erfc;
}

// ---- vector activations over the last axis ---------------------------------------------------

/** Softmax over each of `rows` rows of length `n`, in place, max-subtracted for stability. */
export function softmax(buf: Float64Array, off: number, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) {
    const base = off + r * n;
    let max = -Infinity;
    for (let j = 0; j < n; j++) if (buf[base + j]! > max) max = buf[base + j]!;
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const e = Math.exp(buf[base + j]! - max);
      buf[base + j] = e;
      sum += e;
    }
    for (let j = 0; j < n; j++) buf[base + j]! /= sum;
  }
}

/** Log-softmax over each row, in place. */
export function logSoftmax(buf: Float64Array, off: number, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) {
    const base = off + r * n;
    let max = -Infinity;
    for (let j = 0; j < n; j++) if (buf[base + j]! > max) max = buf[base + j]!;
    let sum = 0;
    for (let j = 0; j < n; j++) sum += Math.exp(buf[base + j]! - max);
    const lse = max + Math.log(sum);
    for (let j = 0; j < n; j++) buf[base + j]! -= lse;
  }
}

// ---- linear algebra ------------------------------------------------------------------------------

/**
 * out[o + r·m + j] = bias[j] + Σ_i x[xo + r·n + i] · w[i·m + j] for each of `rows` rows:
 * a Dense layer (kernel (n, m), row-major as Keras stores it) applied along the last axis.
 */
export function dense(
  x: Float64Array, xo: number, rows: number, n: number,
  w: Float32Array, bias: Float32Array | null,
  out: Float64Array, o: number, m: number,
): void {
  for (let r = 0; r < rows; r++) {
    const xb = xo + r * n;
    const ob = o + r * m;
    if (bias) for (let j = 0; j < m; j++) out[ob + j] = bias[j]!;
    else out.fill(0, ob, ob + m);
    for (let i = 0; i < n; i++) {
      const xi = x[xb + i]!;
      if (xi === 0) continue;
      const wb = i * m;
      for (let j = 0; j < m; j++) out[ob + j]! += xi * w[wb + j]!;
    }
  }
}

/** out[o + j] += Σ_i x[xo + i] · w[i·m + j]: the recurrent term h·U of a gate pre-activation. */
export function addMatVec(x: Float64Array, xo: number, n: number, w: Float32Array, out: Float64Array, o: number, m: number): void {
  for (let i = 0; i < n; i++) {
    const xi = x[xo + i]!;
    if (xi === 0) continue;
    const wb = i * m;
    for (let j = 0; j < m; j++) out[o + j]! += xi * w[wb + j]!;
  }
}

/** Applies a scalar function to `n` values in place. */
export function mapInPlace(buf: Float64Array, off: number, n: number, f: (x: number) => number): void {
  for (let i = off; i < off + n; i++) buf[i] = f(buf[i]!);
}

// ---- inputs and outputs --------------------------------------------------------------------------

/** Copies one flattened input sample into a buffer, checking its length. */
export function readInput(src: ArrayLike<number> | undefined, name: string, length: number, dst: Float64Array): void {
  if (src == null || typeof src.length !== "number") {
    throw new RangeError(`input "${name}": expected an array of ${length} numbers`);
  }
  if (src.length !== length) {
    throw new RangeError(`input "${name}": expected ${length} numbers, got ${src.length}`);
  }
  for (let i = 0; i < length; i++) dst[i] = src[i]!;
}

/** Number of timesteps in a variable-length input whose other dimensions hold `stepSize` numbers. */
export function sequenceLength(src: ArrayLike<number> | undefined, name: string, stepSize: number): number {
  if (src == null || typeof src.length !== "number") {
    throw new RangeError(`input "${name}": expected an array of a multiple of ${stepSize} numbers`);
  }
  if (src.length === 0 || src.length % stepSize !== 0) {
    throw new RangeError(`input "${name}": expected a positive multiple of ${stepSize} numbers, got ${src.length}`);
  }
  return src.length / stepSize;
}

/** Checks the number of arguments given to `predict`. */
export function checkArgCount(count: number, names: readonly string[]): void {
  if (count !== names.length) {
    throw new RangeError(`predict expects ${names.length} input(s) (${names.join(", ")}), got ${count}`);
  }
}

/** Rounds `n` float64 results into a float32 output array. */
export function writeOutput(src: Float64Array, off: number, n: number, dst: Float32Array): void {
  for (let i = 0; i < n; i++) dst[i] = src[off + i]!;
}

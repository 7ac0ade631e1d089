// keras2ts runtime: the numeric helpers generated modules call. Dependency-free, allocation-free.
// All arithmetic is float64 on float32 weights; results are rounded to float32 only at the output.

// ---- scalar activations ---------------------------------------------------------------------

export function linear(x: number): number {
  return x;
}

/** NaN stays NaN, as in Keras (max(x, 0) propagates NaN on every backend's CPU path). */
export function relu(x: number): number {
  return x < 0 ? 0 : x;
}

export function relu6(x: number): number {
  return x <= 0 ? 0 : x >= 6 ? 6 : x;
}

export function leakyRelu(x: number, slope: number): number {
  return x >= 0 ? x : slope * x;
}

/** 1 / (1 + e^−x), with e^−|x| so that nothing overflows. */
export function sigmoid(x: number): number {
  const e = expShared(-Math.abs(x));
  return x >= 0 ? 1 / (1 + e) : e / (1 + e);
}

/**
 * (1 − e^−2|x|) / (1 + e^−2|x|) with the sign of x, from expm1 so that small |x| keep their digits;
 * |x| > 22 gives ±1 (e^−44 is below half an ulp of 1).
 */
export function tanh(x: number): number {
  const a = Math.abs(x);
  const y = -2 * (a > 22 ? 22 : a);
  const k = y * Math.LOG2E + EXP_SHIFT - EXP_SHIFT;
  const q = expm1Reduced(y - k * LN2_HI - k * LN2_LO);
  const e = k === 0 ? q : (1 + q) * POW2[(k | 0) + 1022]! - 1;
  const t = (0 - e) / (2 + e);
  return x < 0 ? -t : t;
}

// ---- exp: one algorithm for the JS path and the wasm kernels --------------------------------------
// e^x = 2^k · e^r with k = round(x / ln2) and |r| ≤ ln2/2: a fixed polynomial for e^r − 1 and an exact
// power of two. Math.exp may differ between engines and wasm has none; this is the same float64
// operations in the same order as the wasm kernels (scripts/kernels/rnn-kernels.ts), so both paths
// give the same bits. Error: about 1 ulp (≤ 3e-16 relative).

/** 1.5·2^52: x + EXP_SHIFT − EXP_SHIFT rounds x to an integer (ties to even) for |x| < 2^51. */
const EXP_SHIFT = 6755399441055744;
/** ln 2 in two parts: k·LN2_HI is exact for |k| < 2^20, LN2_LO holds the next 53 bits. */
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;
/** 2^(i − 1022) for i in [0, 2045]: every normal power of two. */
const POW2 = powersOfTwo();

function powersOfTwo(): Float64Array {
  const p = new Float64Array(2046);
  p[1022] = 1;
  for (let i = 1023; i < 2046; i++) p[i] = p[i - 1]! * 2;
  for (let i = 1021; i >= 0; i--) p[i] = p[i + 1]! / 2;
  return p;
}

/** e^r − 1 for |r| ≤ ln2/2: Taylor terms to r^13 (truncation < 1e-17), evaluated in pairs (Estrin). */
function expm1Reduced(r: number): number {
  const r2 = r * r;
  const r4 = r2 * r2;
  const b0 = 1 / 2 + r * (1 / 6) + (1 / 24 + r * (1 / 120)) * r2;
  const b1 = 1 / 720 + r * (1 / 5040) + (1 / 40320 + r * (1 / 362880)) * r2;
  const b2 = 1 / 3628800 + r * (1 / 39916800) + (1 / 479001600 + r * (1 / 6227020800)) * r2;
  return r + r2 * (b0 + r4 * (b1 + r4 * b2));
}

/** e^x; arguments are clamped to [−746, 710] first (e^−746 rounds to 0, e^710 overflows). */
export function expShared(x: number): number {
  const y = x < -746 ? -746 : x > 710 ? 710 : x;
  const k = y * Math.LOG2E + EXP_SHIFT - EXP_SHIFT;
  const p = 1 + expm1Reduced(y - k * LN2_HI - k * LN2_LO);
  if (k >= -1022 && k <= 1023) return p * POW2[(k | 0) + 1022]!;
  // 2^k is not a normal number: scale in two exact steps (one rounding, as p·2^k above).
  const k1 = k >> 1;
  return p * POW2[k1 + 1022]! * POW2[k - k1 + 1022]!;
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
 * Zero inputs are skipped (a one-hot row costs one row of work).
 */
export function dense(
  x: Float64Array, xo: number, rows: number, n: number,
  w: Float32Array, bias: Float32Array | null,
  out: Float64Array, o: number, m: number,
): void {
  const k = wasmFor(rows * n * m);
  if (k) return denseWasm(k, x, xo, rows, n, w, bias, out, o, m);
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

/**
 * The same product with the kernel stored transposed, (m, n): out[o + r·m + j] = bias[j] +
 * Σ_i x[xo + r·n + i] · wt[j·n + i]. Each output is one contiguous dot product kept in registers
 * (four partial sums), about twice as fast as walking Keras' (n, m) layout for dense inputs.
 */
export function denseT(
  x: Float64Array, xo: number, rows: number, n: number,
  wt: Float32Array, bias: Float32Array | null,
  out: Float64Array, o: number, m: number,
): void {
  const k = wasmFor(rows * n * m);
  if (k) return denseTWasm(k, x, xo, rows, n, wt, 0, bias, out, o, m, false);
  for (let r = 0; r < rows; r++) {
    const xb = xo + r * n;
    const ob = o + r * m;
    for (let j = 0; j < m; j++) out[ob + j] = (bias ? bias[j]! : 0) + dot(x, xb, wt, j * n, n);
  }
}

/** out[o + j] += Σ_i x[xo + i] · wt[wo + j·n + i] for j < m: rows of a transposed kernel from `wo`. */
export function addMatVecT(x: Float64Array, xo: number, n: number, wt: Float32Array, wo: number, out: Float64Array, o: number, m: number): void {
  const k = wasmFor(n * m);
  if (k) return denseTWasm(k, x, xo, 1, n, wt, wo, null, out, o, m, true);
  for (let j = 0; j < m; j++) out[o + j]! += dot(x, xo, wt, wo + j * n, n);
}

/** Σ_i a[ao + i] · b[bo + i] for i < n, with four partial sums. */
export function dot(a: Float64Array, ao: number, b: Float32Array, bo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[ao + i]! * b[bo + i]!;
    s1 += a[ao + i + 1]! * b[bo + i + 1]!;
    s2 += a[ao + i + 2]! * b[bo + i + 2]!;
    s3 += a[ao + i + 3]! * b[bo + i + 3]!;
  }
  for (; i < n; i++) s0 += a[ao + i]! * b[bo + i]!;
  return s0 + s1 + (s2 + s3);
}

// ---- convolution and pooling (channels_last: channels are the fastest-varying index) ----------

/**
 * 2-D convolution: x (inH, inW, cin) at `xo` → out (outH, outW, cout), kernel (kh, kw, cin/groups,
 * cout) as Keras stores it, output channels in contiguous blocks per group. Positions outside the
 * input (the padding) count as zeros; `padTop`/`padLeft` say how many come before the first row/column.
 */
export function conv2d(
  x: Float64Array, xo: number, inH: number, inW: number, cin: number,
  kernel: Float32Array, bias: Float32Array | null,
  out: Float64Array, outH: number, outW: number, cout: number,
  kh: number, kw: number, strideH: number, strideW: number, dilationH: number, dilationW: number,
  padTop: number, padLeft: number, groups: number,
): void {
  const cpg = cin / groups;
  const opg = cout / groups;
  const k = wasmFor(outH * outW * kh * kw * cpg * cout);
  if (k) return conv2dWasm(k, x, xo, inH, inW, cin, kernel, bias, out, outH, outW, cout, kh, kw, strideH, strideW, dilationH, dilationW, padTop, padLeft, groups);
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      const ob = (oy * outW + ox) * cout;
      if (bias) for (let o = 0; o < cout; o++) out[ob + o] = bias[o]!;
      else out.fill(0, ob, ob + cout);
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * strideH + ky * dilationH - padTop;
        if (iy < 0 || iy >= inH) continue;
        for (let kx = 0; kx < kw; kx++) {
          const ix = ox * strideW + kx * dilationW - padLeft;
          if (ix < 0 || ix >= inW) continue;
          const xb = xo + (iy * inW + ix) * cin;
          const kb = (ky * kw + kx) * cpg * cout;
          for (let g = 0; g < groups; g++) {
            for (let c = 0; c < cpg; c++) {
              const xv = x[xb + g * cpg + c]!;
              if (xv === 0) continue;
              const kr = kb + c * cout + g * opg;
              const orow = ob + g * opg;
              for (let o = 0; o < opg; o++) out[orow + o]! += xv * kernel[kr + o]!;
            }
          }
        }
      }
    }
  }
}

/** numpy's round: to `decimals` places, halves to the even neighbour (the scaling in float32, as Keras computes). */
export function roundHalfEven(x: number, decimals: number): number {
  const scale = Math.pow(10, decimals);
  const v = decimals === 0 ? x : Math.fround(x * scale);
  const r = Math.round(v);
  return (Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r) / scale;
}

/**
 * Transposed 2-D convolution, channels_last: every input position scatters kernel[a][b] (shape
 * (kh, kw, f, cin)) times its channels onto output (i·sh + a·dh − shiftH, j·sw + b·dw − shiftW),
 * positions outside the (oh, ow) output being cropped; bias first (1-D: h = 1).
 */
export function convTranspose2d(
  x: Float64Array, h: number, w: number, cin: number, kernel: Float32Array, bias: Float32Array | null,
  out: Float64Array, oh: number, ow: number, f: number,
  kh: number, kw: number, sh: number, sw: number, dh: number, dw: number, shiftH: number, shiftW: number,
): void {
  const k = wasmFor(h * w * kh * kw * f * cin);
  if (k) return convTransposeWasm(k, x, h, w, cin, kernel, bias, out, oh, ow, f, kh, kw, sh, sw, dh, dw, shiftH, shiftW);
  for (let p = 0; p < oh * ow; p++) for (let c = 0; c < f; c++) out[p * f + c] = bias ? bias[c]! : 0;
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      const xo = (i * w + j) * cin;
      for (let a = 0; a < kh; a++) {
        const r = i * sh + a * dh - shiftH;
        if (r < 0 || r >= oh) continue;
        for (let b = 0; b < kw; b++) {
          const q = j * sw + b * dw - shiftW;
          if (q < 0 || q >= ow) continue;
          const oo = (r * ow + q) * f;
          for (let c = 0; c < f; c++) {
            const ko = ((a * kw + b) * f + c) * cin;
            let s = 0;
            for (let e = 0; e < cin; e++) s += x[xo + e]! * kernel[ko + e]!;
            out[oo + c] = out[oo + c]! + s;
          }
        }
      }
    }
  }
}

/** 1-D convolution: x (steps, cin) → out (outSteps, cout), kernel (k, cin/groups, cout). */
export function conv1d(
  x: Float64Array, xo: number, steps: number, cin: number,
  kernel: Float32Array, bias: Float32Array | null,
  out: Float64Array, outSteps: number, cout: number,
  k: number, stride: number, dilation: number, padLeft: number, groups: number,
): void {
  conv2d(x, xo, 1, steps, cin, kernel, bias, out, 1, outSteps, cout, 1, k, 1, stride, 1, dilation, 0, padLeft, groups);
}

/**
 * Depthwise 2-D convolution: each input channel c gets its own `m` filters; kernel (kh, kw, c, m),
 * output channel c·m + j. Geometry as in `conv2d`.
 */
export function depthwiseConv2d(
  x: Float64Array, xo: number, inH: number, inW: number, c: number,
  kernel: Float32Array, m: number, bias: Float32Array | null,
  out: Float64Array, outH: number, outW: number,
  kh: number, kw: number, strideH: number, strideW: number, dilationH: number, dilationW: number,
  padTop: number, padLeft: number,
): void {
  const cout = c * m;
  const k = m === 1 ? wasmFor(outH * outW * kh * kw * cout) : null;
  if (k) return depthwiseWasm(k, x, xo, inH, inW, c, kernel, bias, out, outH, outW, kh, kw, strideH, strideW, dilationH, dilationW, padTop, padLeft);
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      const ob = (oy * outW + ox) * cout;
      if (bias) for (let o = 0; o < cout; o++) out[ob + o] = bias[o]!;
      else out.fill(0, ob, ob + cout);
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * strideH + ky * dilationH - padTop;
        if (iy < 0 || iy >= inH) continue;
        for (let kx = 0; kx < kw; kx++) {
          const ix = ox * strideW + kx * dilationW - padLeft;
          if (ix < 0 || ix >= inW) continue;
          const xb = xo + (iy * inW + ix) * c;
          const kb = (ky * kw + kx) * cout;
          for (let o = 0; o < cout; o++) out[ob + o]! += x[xb + ((o / m) | 0)]! * kernel[kb + o]!;
        }
      }
    }
  }
}

/** Depthwise 1-D convolution: x (steps, c) → out (outSteps, c·m), kernel (k, c, m). */
export function depthwiseConv1d(
  x: Float64Array, xo: number, steps: number, c: number,
  kernel: Float32Array, m: number, bias: Float32Array | null,
  out: Float64Array, outSteps: number,
  k: number, stride: number, dilation: number, padLeft: number,
): void {
  depthwiseConv2d(x, xo, 1, steps, c, kernel, m, bias, out, 1, outSteps, 1, k, 1, stride, 1, dilation, 0, padLeft);
}

/** Max pooling over (poolH, poolW) windows of x (inH, inW, c); padded positions are ignored. */
export function maxPool2d(
  x: Float64Array, xo: number, inH: number, inW: number, c: number,
  out: Float64Array, outH: number, outW: number,
  poolH: number, poolW: number, strideH: number, strideW: number, padTop: number, padLeft: number,
): void {
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      const ob = (oy * outW + ox) * c;
      out.fill(-Infinity, ob, ob + c);
      for (let py = 0; py < poolH; py++) {
        const iy = oy * strideH + py - padTop;
        if (iy < 0 || iy >= inH) continue;
        for (let px = 0; px < poolW; px++) {
          const ix = ox * strideW + px - padLeft;
          if (ix < 0 || ix >= inW) continue;
          const xb = xo + (iy * inW + ix) * c;
          for (let ch = 0; ch < c; ch++) if (x[xb + ch]! > out[ob + ch]!) out[ob + ch] = x[xb + ch]!;
        }
      }
    }
  }
}

/** Average pooling like `maxPool2d`; each window divides by its count of non-padded positions. */
export function avgPool2d(
  x: Float64Array, xo: number, inH: number, inW: number, c: number,
  out: Float64Array, outH: number, outW: number,
  poolH: number, poolW: number, strideH: number, strideW: number, padTop: number, padLeft: number,
): void {
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      const ob = (oy * outW + ox) * c;
      out.fill(0, ob, ob + c);
      let count = 0;
      for (let py = 0; py < poolH; py++) {
        const iy = oy * strideH + py - padTop;
        if (iy < 0 || iy >= inH) continue;
        for (let px = 0; px < poolW; px++) {
          const ix = ox * strideW + px - padLeft;
          if (ix < 0 || ix >= inW) continue;
          const xb = xo + (iy * inW + ix) * c;
          for (let ch = 0; ch < c; ch++) out[ob + ch]! += x[xb + ch]!;
          count++;
        }
      }
      for (let ch = 0; ch < c; ch++) out[ob + ch]! /= count;
    }
  }
}

/** 1-D max pooling: x (steps, c) → out (outSteps, c). */
export function maxPool1d(
  x: Float64Array, xo: number, steps: number, c: number,
  out: Float64Array, outSteps: number, pool: number, stride: number, padLeft: number,
): void {
  maxPool2d(x, xo, 1, steps, c, out, 1, outSteps, 1, pool, 1, stride, 0, padLeft);
}

/** 1-D average pooling: x (steps, c) → out (outSteps, c). */
export function avgPool1d(
  x: Float64Array, xo: number, steps: number, c: number,
  out: Float64Array, outSteps: number, pool: number, stride: number, padLeft: number,
): void {
  avgPool2d(x, xo, 1, steps, c, out, 1, outSteps, 1, pool, 1, stride, 0, padLeft);
}

/** Throws when a variable-length input is too short for a layer's window (Keras fails there too). */
export function requireLength(length: number, min: number, layer: string): void {
  if (length < min) throw new RangeError(`layer "${layer}": needs at least ${min} steps along its window axis, got ${length}`);
}

/** Maximum over `positions` rows of x (positions, c) into out[0, c). */
export function globalMaxPool(x: Float64Array, positions: number, c: number, out: Float64Array): void {
  out.fill(-Infinity, 0, c);
  for (let p = 0; p < positions; p++) {
    for (let ch = 0; ch < c; ch++) if (x[p * c + ch]! > out[ch]!) out[ch] = x[p * c + ch]!;
  }
}

/** Mean over `positions` rows of x (positions, c) into out[0, c). */
export function globalAvgPool(x: Float64Array, positions: number, c: number, out: Float64Array): void {
  out.fill(0, 0, c);
  for (let p = 0; p < positions; p++) for (let ch = 0; ch < c; ch++) out[ch]! += x[p * c + ch]!;
  for (let ch = 0; ch < c; ch++) out[ch]! /= positions;
}

/**
 * Mean over the rows of x (steps, c) whose mask flag is set: Keras' masked GlobalAveragePooling1D,
 * sum(x·mask) / sum(mask) (NaN, like Keras, when every step is masked).
 */
export function globalAvgPoolMasked(x: Float64Array, steps: number, c: number, mask: Float64Array, out: Float64Array): void {
  out.fill(0, 0, c);
  let count = 0;
  for (let t = 0; t < steps; t++) {
    if (mask[t] === 0) continue;
    count++;
    for (let ch = 0; ch < c; ch++) out[ch]! += x[t * c + ch]!;
  }
  for (let ch = 0; ch < c; ch++) out[ch]! /= count;
}

// ---- normalization over one axis: data viewed as (outer, n, inner), the axis being n ----------

/** BatchNormalization at inference: (x − mean) / √(variance + eps) · gamma + beta, per index of n. */
export function batchNorm(
  x: Float64Array, outer: number, n: number, inner: number,
  mean: Float32Array, variance: Float32Array, gamma: Float32Array | null, beta: Float32Array | null,
  eps: number, out: Float64Array,
): void {
  for (let j = 0; j < n; j++) {
    const scale = (gamma ? gamma[j]! : 1) / Math.sqrt(variance[j]! + eps);
    const shift = (beta ? beta[j]! : 0) - mean[j]! * scale;
    for (let o = 0; o < outer; o++) {
      const base = (o * n + j) * inner;
      for (let i = base; i < base + inner; i++) out[i] = x[i]! * scale + shift;
    }
  }
}

/**
 * LayerNormalization: each (outer, inner) slice along n is normalised by its own mean and variance,
 * then scaled by gamma[j] and shifted by beta[j]. `rms` is Keras' rms_scaling: x / √(variance + eps)
 * without subtracting the mean (Keras uses the variance there, not the mean square).
 */
export function layerNorm(
  x: Float64Array, outer: number, n: number, inner: number,
  gamma: Float32Array | null, beta: Float32Array | null, eps: number, rms: boolean, out: Float64Array,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let mean = 0;
      for (let j = 0; j < n; j++) mean += x[base + j * inner]!;
      mean /= n;
      let variance = 0;
      for (let j = 0; j < n; j++) {
        const d = x[base + j * inner]! - mean;
        variance += d * d;
      }
      const inv = 1 / Math.sqrt(variance / n + eps);
      const center = rms ? 0 : mean;
      for (let j = 0; j < n; j++) {
        const k = base + j * inner;
        out[k] = (x[k]! - center) * inv * (gamma ? gamma[j]! : 1) + (beta ? beta[j]! : 0);
      }
    }
  }
}

/**
 * GroupNormalization: the channel axis (n = groups · size) of an (outer, n, inner) view is cut into
 * groups of `size` channels; each group is normalised by the mean and variance of all its values
 * (every outer and inner position), then scaled by gamma[c] and shifted by beta[c] per channel.
 */
export function groupNorm(
  x: Float64Array, outer: number, groups: number, size: number, inner: number,
  gamma: Float32Array | null, beta: Float32Array | null, eps: number, out: Float64Array,
): void {
  const n = groups * size;
  const count = outer * size * inner;
  for (let g = 0; g < groups; g++) {
    let mean = 0;
    for (let o = 0; o < outer; o++) for (let c = g * size; c < (g + 1) * size; c++) for (let i = 0; i < inner; i++) mean += x[(o * n + c) * inner + i]!;
    mean /= count;
    let variance = 0;
    for (let o = 0; o < outer; o++) for (let c = g * size; c < (g + 1) * size; c++) for (let i = 0; i < inner; i++) {
      const d = x[(o * n + c) * inner + i]! - mean;
      variance += d * d;
    }
    const inv = 1 / Math.sqrt(variance / count + eps);
    for (let c = g * size; c < (g + 1) * size; c++) {
      const scale = inv * (gamma ? gamma[c]! : 1);
      const shift = (beta ? beta[c]! : 0) - mean * scale;
      for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) out[(o * n + c) * inner + i] = x[(o * n + c) * inner + i]! * scale + shift;
    }
  }
}

/** L2 normalisation along n: x · min(1/√Σx², maxInverseNorm) (Keras' epsilon caps the inverse norm). */
export function l2Normalize(x: Float64Array, outer: number, n: number, inner: number, maxInverseNorm: number, out: Float64Array): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let sum = 0;
      for (let j = 0; j < n; j++) sum += x[base + j * inner]! * x[base + j * inner]!;
      const inv = Math.min(1 / Math.sqrt(sum), maxInverseNorm);
      for (let j = 0; j < n; j++) out[base + j * inner] = x[base + j * inner]! * inv;
    }
  }
}

/** Softmax along n, in place, max-subtracted for stability. */
export function softmaxAxis(buf: Float64Array, outer: number, n: number, inner: number): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let max = -Infinity;
      for (let j = 0; j < n; j++) if (buf[base + j * inner]! > max) max = buf[base + j * inner]!;
      let sum = 0;
      for (let j = 0; j < n; j++) {
        const e = Math.exp(buf[base + j * inner]! - max);
        buf[base + j * inner] = e;
        sum += e;
      }
      for (let j = 0; j < n; j++) buf[base + j * inner]! /= sum;
    }
  }
}

/** PReLU: x for x ≥ 0, alpha[j] · x below, with alpha indexed along n. */
export function prelu(x: Float64Array, outer: number, n: number, inner: number, alpha: Float32Array, out: Float64Array): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) {
      const base = (o * n + j) * inner;
      const a = alpha[j]!;
      for (let i = base; i < base + inner; i++) out[i] = x[i]! >= 0 ? x[i]! : a * x[i]!;
    }
  }
}

/**
 * The Keras `ReLU` layer exactly as Keras computes it: values above `threshold` pass (others become
 * 0), are clipped to [0, maxValue] when a maximum is set, then `negativeSlope · relu(threshold − x)`
 * is subtracted (exactly Keras' order, which matters at x = threshold and for negative thresholds).
 */
export function reluLayer(x: number, negativeSlope: number, maxValue: number, threshold: number): number {
  let y = x > threshold ? x : 0;
  if (maxValue !== Infinity) y = y < 0 ? 0 : y > maxValue ? maxValue : y;
  if (negativeSlope !== 0 && x < threshold) y -= negativeSlope * (threshold - x);
  return y;
}

/** Keras' batch_dot for one sample: out[a, b, c, d] = Σ_k x[a, k, b] · y[c, k, d] (x's free axes first). */
export function batchDot(x: Float64Array, xa: number, n: number, xb: number, y: Float64Array, ya: number, yb: number, out: Float64Array): void {
  let o = 0;
  for (let a = 0; a < xa; a++) {
    for (let b = 0; b < xb; b++) {
      for (let c = 0; c < ya; c++) {
        for (let d = 0; d < yb; d++) {
          let sum = 0;
          for (let k = 0; k < n; k++) sum += x[(a * n + k) * xb + b]! * y[(c * n + k) * yb + d]!;
          out[o++] = sum;
        }
      }
    }
  }
}

// ---- copies ------------------------------------------------------------------------------------

/** buf[i] = 0 for every i: a loop, cheaper than `fill(0)`'s builtin call for the small state vectors it resets. */
export function zeroFill(buf: Float64Array): void {
  for (let i = 0; i < buf.length; i++) buf[i] = 0;
}

/** dst[dstOff + i] = src[srcOff + i] for i < n. */
export function copy(src: Float64Array, srcOff: number, dst: Float64Array, dstOff: number, n: number): void {
  for (let i = 0; i < n; i++) dst[dstOff + i] = src[srcOff + i]!;
}

/**
 * Writes the 4-D strided view of `src` with sizes (n0..n3) and element strides (s0..s3) into `dst`
 * contiguously: transposes (Permute, channels_first), repeats (stride 0) and crops in one kernel.
 */
export function copyStrided(
  src: Float64Array, srcOff: number,
  n0: number, n1: number, n2: number, n3: number,
  s0: number, s1: number, s2: number, s3: number,
  dst: Float64Array, dstOff: number,
): void {
  let d = dstOff;
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      for (let i2 = 0; i2 < n2; i2++) {
        const b = srcOff + i0 * s0 + i1 * s1 + i2 * s2;
        for (let i3 = 0; i3 < n3; i3++) dst[d++] = src[b + i3 * s3]!;
      }
    }
  }
}

// ---- weights -----------------------------------------------------------------------------------

/**
 * Decodes weights written with `--weights base64`: base64 of little-endian float32 bytes, white space
 * ignored. Runs once per tensor when the module loads.
 */
export function decodeFloat32(text: string): Float32Array {
  const bytes = decodeBase64(text);
  const count = bytes.length >> 2;
  // On little-endian engines (all current ones) the bytes are the array: no copy, exact bits.
  if (littleEndian()) return new Float32Array(bytes.buffer, bytes.byteOffset, count);
  const view = new DataView(bytes.buffer, 0, bytes.length);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/**
 * Decodes weights written with `--weights f16`: base64 of little-endian IEEE binary16 values, widened
 * exactly to float32 once when the module loads (bit operations; subnormal halves by multiplication).
 */
export function decodeFloat16(text: string): Float32Array {
  const bytes = decodeBase64(text);
  const out = new Float32Array(bytes.length >> 1);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < out.length; i++) {
    const h = bytes[2 * i]! | (bytes[2 * i + 1]! << 8);
    const sign = (h & 0x8000) << 16;
    const e = (h >> 10) & 0x1f;
    const m = h & 0x3ff;
    if (e === 0) out[i] = (sign ? -m : m) * 5.960464477539063e-8; // m · 2^-24, ±0 kept
    else bits[i] = sign | ((e === 0x1f ? 0xff : e + 112) << 23) | (m << 13); // rebias 15 → 127
  }
  return out;
}

/**
 * Decodes weights written with `--weights int8`: `values` is base64 of signed bytes q (two's
 * complement, -127..127), `scales` base64 of little-endian float32 scales, one per channel. Value i
 * belongs to channel ⌊i / stride⌋ mod (number of scales): stride 1 cycles through the last axis
 * (a Keras kernel's output channels), a row's length gives one scale per row (transposed copies,
 * embedding tables). Each value is q · scale rounded once to float32 (as Math.fround would): the
 * product of a 7-bit integer and a 24-bit significand is exact in float64, so the result is the same
 * on every engine. A zero scale (an all-zero channel) gives zeros. Runs once per tensor at load.
 */
export function decodeInt8(values: string, scales: string, stride: number): Float32Array {
  const q = decodeBase64(values);
  const scale = decodeFloat32(scales);
  const out = new Float32Array(q.length);
  if (scale.length === 0) return out;
  let channel = 0;
  let run = 0;
  for (let i = 0; i < q.length; i++) {
    out[i] = ((q[i]! << 24) >> 24) * scale[channel]!; // sign-extend the byte
    if (++run === stride) {
      run = 0;
      if (++channel === scale.length) channel = 0;
    }
  }
  return out;
}

function littleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

// The engine's own base64 decoders, declared in this module's scope (modules compile without DOM or
// Node types); where an engine lacks one it is just undefined.
declare const Buffer: { from(text: string, encoding: "base64"): Uint8Array } | undefined;
declare const atob: ((text: string) => string) | undefined;

/**
 * Bytes of base64 text (white space and '=' padding skipped) in an ArrayBuffer of their own, starting
 * at offset 0: the engine's decoder where it has one (Uint8Array.fromBase64, Node's Buffer, atob;
 * several times faster at load than JS), else decodeBase64Js. All give the same bytes.
 */
function decodeBase64(text: string): Uint8Array {
  try {
    const fromBase64 = (Uint8Array as unknown as { fromBase64?: (text: string) => Uint8Array }).fromBase64;
    if (typeof fromBase64 === "function") return ownBuffer(fromBase64.call(Uint8Array, text));
    const nodeBuffer = typeof Buffer === "undefined" ? undefined : Buffer;
    if (nodeBuffer) return ownBuffer(nodeBuffer.from(text, "base64"));
    const decodeText = typeof atob === "undefined" ? undefined : atob;
    if (decodeText) {
      const binary = decodeText(text);
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      return bytes;
    }
  } catch {
    // A decoder that refuses the text (none should): the JS decoder below skips what it cannot read.
  }
  return decodeBase64Js(text);
}

/** The bytes themselves when they own their buffer (large decodes do); a copy when they share one (Node's pool). */
function ownBuffer(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length ? bytes : new Uint8Array(bytes);
}

/**
 * Bytes of base64 text in plain JS, white space and '=' padding skipped: whole quartets of digits at a
 * time, one character at a time around anything else.
 */
function decodeBase64Js(text: string): Uint8Array {
  const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const value = new Int8Array(128).fill(-1);
  for (let i = 0; i < 64; i++) value[digits.charCodeAt(i)] = i;
  const bytes = new Uint8Array(Math.floor((text.length * 3) / 4));
  const length = text.length;
  let n = 0;
  let bits = 0;
  let count = 0;
  let i = 0;
  while (i < length) {
    if (count === 0 && i + 4 <= length) {
      const c0 = text.charCodeAt(i);
      const c1 = text.charCodeAt(i + 1);
      const c2 = text.charCodeAt(i + 2);
      const c3 = text.charCodeAt(i + 3);
      if ((c0 | c1 | c2 | c3) < 128) {
        const d0 = value[c0]!;
        const d1 = value[c1]!;
        const d2 = value[c2]!;
        const d3 = value[c3]!;
        if ((d0 | d1 | d2 | d3) >= 0) {
          const v = (d0 << 18) | (d1 << 12) | (d2 << 6) | d3;
          bytes[n] = v >> 16;
          bytes[n + 1] = (v >> 8) & 0xff;
          bytes[n + 2] = v & 0xff;
          n += 3;
          i += 4;
          continue;
        }
      }
    }
    const c = text.charCodeAt(i++);
    const d = c < 128 ? value[c]! : -1;
    if (d < 0) continue; // white space and '=' padding
    bits = ((bits << 6) | d) & 0xffffff;
    count += 6;
    if (count >= 8) {
      count -= 8;
      bytes[n++] = (bits >> count) & 0xff;
    }
  }
  return bytes.subarray(0, n);
}

// ---- WebAssembly SIMD kernels ---------------------------------------------------------------------
// `dense`, `denseT`, `addMatVecT`, `conv2d`, `depthwiseConv2d` (and their 1-D forms), `convTranspose2d`,
// `attentionScores` and `attentionCombine` run in a small wasm module where WebAssembly SIMD exists. Its
// kernels (scripts/kernels/) do the JS loops' float64 arithmetic in the same order
// with f64x2 instructions, so both paths give the same bits; JS stays the fallback (Hermes/React
// Native have no WebAssembly). Weights are copied into the module's memory the first time a product
// uses them; inputs and outputs are copied in and out around each call (O(n + m) for O(n·m) work).

/** Which kernels run matrix products: "auto" (wasm for products of at least WASM_AUTO_MIN_MACS
 * multiply-adds where WebAssembly SIMD exists), "js" (never wasm) or "wasm" (every product). */
export type KernelChoice = "auto" | "js" | "wasm";

/** The part of the WebAssembly API used here, declared so that modules compile without DOM or Node types. */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

interface WasmKernels {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  readonly dotRows: (x: number, n: number, w: number, m: number, out: number) => void;
  readonly axpyRows: (x: number, n: number, w: number, m: number, out: number) => void;
  readonly rnnInput: (x: number, rows: number, n: number, w: number, m: number, bias: number, out: number, transposed: number) => void;
  readonly lstmSteps: (zx: number, steps: number, u: number, ut: number, h: number, c: number, d: number, hs: number, backwards: number) => void;
  readonly gruSteps: (zx: number, steps: number, u: number, ut: number, h: number, bias: number, d: number, rh: number, hs: number, backwards: number, resetAfter: number) => void;
  /** conv2d's loops: (x, inH, inW, cin, kernel, bias or −1, out, outH, outW, cout, kh, kw, sh, sw, dh, dw, padTop, padLeft, groups). */
  readonly conv2dRows: (...args: number[]) => void;
  /** depthwiseConv2d's loops, depth multiplier 1: (x, inH, inW, c, kernel, bias or −1, out, outH, outW, kh, kw, sh, sw, dh, dw, padTop, padLeft). */
  readonly depthwiseRows: (...args: number[]) => void;
  /** convTranspose2d's scatter: (x, h, w, cin, kernel (kh, kw, cin, f), out holding the bias, oh, ow, f, kh, kw, sh, sw, dh, dw, shiftH, shiftW). */
  readonly transposeRows: (...args: number[]) => void;
  readonly mixRows: (x: number, rows: number, xStride: number, n: number, w: number, wStride: number, m: number, out: number, outStride: number, skipZeros: number) => void;
  f64: Float64Array;
  f32: Float32Array;
  /** First free byte (a bump allocator: weights stay for the module's life). */
  top: number;
  readonly placed: WeakMap<Float32Array, number>;
  scratch: number;
  scratchBytes: number;
}

// The engine's globals, declared in this module's scope: modules compile without DOM or Node types,
// and Hermes (no WebAssembly) or a browser (no process) just finds them undefined.
declare const WebAssembly: WasmApi | undefined;
declare const process: { readonly env?: Readonly<Record<string, string | undefined>> } | undefined;

/** Below this many multiply-adds the copies and the call cost more than wasm saves ("auto"). */
const WASM_AUTO_MIN_MACS = 1024;

let kernelChoice: KernelChoice = kernelChoiceFromEnv();
/** undefined: not tried yet; null: WebAssembly SIMD unavailable. */
let wasmKernels: WasmKernels | null | undefined;

/**
 * Chooses the kernels for every module using this runtime ("auto" by default, or the environment
 * variable KERAS2TS_KERNELS where `process.env` exists). "wasm" throws where WebAssembly SIMD is unavailable.
 */
export function setKernels(choice: KernelChoice): void {
  if (choice === "wasm" && !loadWasmKernels()) throw new Error("keras2ts: WebAssembly SIMD is not available in this engine");
  kernelChoice = choice;
}

/** True where the WebAssembly SIMD kernels can run (compiles them on first call). */
export function wasmKernelsAvailable(): boolean {
  return loadWasmKernels() !== null;
}

/** Bytes of wasm memory in use (weights copied there, scratch): 0 while no product has run in wasm. */
export function wasmMemoryBytes(): number {
  return wasmKernels ? wasmKernels.top : 0;
}

function kernelChoiceFromEnv(): KernelChoice {
  const value = typeof process === "undefined" ? undefined : process?.env?.["KERAS2TS_KERNELS"];
  return value === "js" || value === "wasm" ? value : "auto";
}

/** The kernels to run a product of `macs` multiply-adds with, or null for the JS loops. */
function wasmFor(macs: number): WasmKernels | null {
  if (kernelChoice === "js" || (kernelChoice === "auto" && macs < WASM_AUTO_MIN_MACS)) return null;
  return wasmKernels === undefined ? loadWasmKernels() : wasmKernels;
}

function loadWasmKernels(): WasmKernels | null {
  if (wasmKernels !== undefined) return wasmKernels;
  wasmKernels = null;
  const api = typeof WebAssembly === "undefined" ? undefined : WebAssembly;
  try {
    const bytes = wasmKernelBytes();
    // validate() is the SIMD probe: an engine without SIMD rejects the module.
    if (!api || !api.validate(bytes)) return null;
    const exports = new api.Instance(new api.Module(bytes), {}).exports;
    const memory = exports["memory"] as WasmKernels["memory"];
    wasmKernels = {
      memory,
      dotRows: exports["dotRows"] as WasmKernels["dotRows"],
      axpyRows: exports["axpyRows"] as WasmKernels["axpyRows"],
      rnnInput: exports["rnnInput"] as WasmKernels["rnnInput"],
      lstmSteps: exports["lstmSteps"] as WasmKernels["lstmSteps"],
      gruSteps: exports["gruSteps"] as WasmKernels["gruSteps"],
      conv2dRows: exports["conv2dRows"] as WasmKernels["conv2dRows"],
      depthwiseRows: exports["depthwiseRows"] as WasmKernels["depthwiseRows"],
      transposeRows: exports["transposeRows"] as WasmKernels["transposeRows"],
      mixRows: exports["mixRows"] as WasmKernels["mixRows"],
      f64: new Float64Array(memory.buffer),
      f32: new Float32Array(memory.buffer),
      top: 0,
      placed: new WeakMap(),
      scratch: 0,
      scratchBytes: 0,
    };
  } catch {
    wasmKernels = null; // e.g. a Content-Security-Policy without 'wasm-unsafe-eval'
  }
  return wasmKernels;
}

/** Byte address of `bytes` new bytes (16-aligned), growing the memory (and remaking the views) when needed. */
function wasmAlloc(k: WasmKernels, bytes: number): number {
  const at = k.top;
  k.top = Math.ceil((at + bytes) / 16) * 16;
  if (k.top > k.memory.buffer.byteLength) {
    k.memory.grow(Math.ceil((k.top - k.memory.buffer.byteLength) / 65536));
    k.f64 = new Float64Array(k.memory.buffer);
    k.f32 = new Float32Array(k.memory.buffer);
  }
  return at;
}

/** Byte address of a weight tensor in wasm memory, copied there the first time it is used. */
function wasmWeights(k: WasmKernels, w: Float32Array): number {
  let at = k.placed.get(w);
  if (at === undefined) {
    at = wasmAlloc(k, w.length * 4);
    k.f32.set(w, at / 4);
    k.placed.set(w, at);
  }
  return at;
}

/** Byte address of a scratch area of at least `bytes`, reused by every call (JS runs one call at a time). */
function wasmScratch(k: WasmKernels, bytes: number): number {
  if (k.scratchBytes < bytes) {
    k.scratch = wasmAlloc(k, bytes);
    k.scratchBytes = bytes;
  }
  return k.scratch;
}

/** `denseT` (or, with `accumulate`, `addMatVecT`) through the wasm `dotRows` kernel. */
function denseTWasm(
  k: WasmKernels, x: Float64Array, xo: number, rows: number, n: number, wt: Float32Array, wo: number,
  bias: Float32Array | null, out: Float64Array, o: number, m: number, accumulate: boolean,
): void {
  const w = wasmWeights(k, wt) + wo * 4;
  const xs = wasmScratch(k, (n + m) * 8);
  const f64 = k.f64;
  const xi = xs / 8;
  const oi = xi + n;
  for (let r = 0; r < rows; r++) {
    const xb = xo + r * n;
    const ob = o + r * m;
    for (let i = 0; i < n; i++) f64[xi + i] = x[xb + i]!;
    k.dotRows(xs, n, w, m, xs + n * 8);
    if (accumulate) for (let j = 0; j < m; j++) out[ob + j]! += f64[oi + j]!;
    else for (let j = 0; j < m; j++) out[ob + j] = (bias ? bias[j]! : 0) + f64[oi + j]!;
  }
}

/** `dense` through the wasm `axpyRows` kernel. */
function denseWasm(
  k: WasmKernels, x: Float64Array, xo: number, rows: number, n: number, w: Float32Array,
  bias: Float32Array | null, out: Float64Array, o: number, m: number,
): void {
  const wa = wasmWeights(k, w);
  const xs = wasmScratch(k, (n + m) * 8);
  const f64 = k.f64;
  const xi = xs / 8;
  const oi = xi + n;
  for (let r = 0; r < rows; r++) {
    const xb = xo + r * n;
    const ob = o + r * m;
    for (let i = 0; i < n; i++) f64[xi + i] = x[xb + i]!;
    if (bias) for (let j = 0; j < m; j++) f64[oi + j] = bias[j]!;
    else f64.fill(0, oi, oi + m);
    k.axpyRows(xs, n, wa, m, xs + n * 8);
    for (let j = 0; j < m; j++) out[ob + j] = f64[oi + j]!;
  }
}

/** The kernels for a whole recurrent layer: wasm whenever it exists unless "js" is chosen (the loop's
 * activations are most of the work, so even the smallest layer gains). */
function wasmForLayer(): WasmKernels | null {
  if (kernelChoice === "js") return null;
  return wasmKernels === undefined ? loadWasmKernels() : wasmKernels;
}

/**
 * A whole GRU layer with the default activations in one WebAssembly call, as `lstmLayerWasm` (false:
 * nothing done, the step function runs). Blocks [z, r, h]; `resetAfter` selects Keras' variant (then
 * `bias` is the (2, 3u) pair of rows); h (`units`) is updated in place.
 */
export function gruLayerWasm(
  x: Float64Array, steps: number, n: number, kernel: Float32Array, transposed: boolean, bias: Float32Array | null, resetAfter: boolean,
  recurrentT: Float32Array, h: Float64Array, units: number, backwards: boolean,
  seq: Float64Array | null, seqOffset: number, seqStep: number,
): boolean {
  const k = wasmForLayer();
  if (!k) return false;
  const g = 3 * units;
  const w = wasmWeights(k, kernel);
  const ut = wasmWeights(k, recurrentT);
  const b = bias ? wasmWeights(k, bias) : 0;
  // Scratch slots as in lstmWasm; rh (r·h, reset_before) and 6u float32 zeros for a missing bias.
  const zx = evenUp(steps * n);
  const d = zx + evenUp(steps * g + 1);
  const hp = d + evenUp(g + 1);
  const rh = hp + evenUp(units);
  const hs = rh + evenUp(units);
  const zb = hs + (seq ? evenUp(steps * units + 1) : 0);
  const base = wasmScratch(k, (zb + g + 2) * 8) / 8;
  const f64 = k.f64;
  for (let i = 0; i < steps * n; i++) f64[base + i] = x[i]!;
  for (let j = 0; j < units; j++) f64[base + hp + j] = h[j]!;
  f64.fill(0, base + zb, base + zb + g + 2);
  const at = base * 8;
  const zeros = at + zb * 8;
  // reset_after adds its bias rows in the step; reset_before's single bias goes with x·W.
  k.rnnInput(at, steps, n, w, g, bias && !resetAfter ? b : zeros, at + zx * 8, transposed ? 1 : 0);
  k.gruSteps(at + zx * 8, steps, units, ut, at + hp * 8, bias ? b : zeros, at + d * 8, at + rh * 8, seq ? at + hs * 8 : 0, backwards ? 1 : 0, resetAfter ? 1 : 0);
  copyFromWasm(k, (base + hp) * 8, units, h, 0);
  if (seq) for (let s = 0; s < steps; s++) for (let j = 0; j < units; j++) seq[seqOffset + s * seqStep + j] = f64[base + hs + s * units + j]!;
  return true;
}

/** The even number v or v + 1 (float64 areas of whole 16-byte pairs). */
function evenUp(v: number): number {
  return v + (v & 1);
}

/** `lstmLayerWasm`'s work: copies in, the `rnnInput` and `lstmSteps` kernels, copies out. */
/** `lstmLayerWasm`'s work: copies in, the `rnnInput` and `lstmSteps` kernels, copies out. */
function lstmWasm(
  k: WasmKernels, x: Float64Array, steps: number, n: number, kernel: Float32Array, transposed: boolean, bias: Float32Array | null,
  recurrentT: Float32Array, h: Float64Array, c: Float64Array, units: number, backwards: boolean,
  seq: Float64Array | null, seqOffset: number, seqStep: number,
): void {
  const g = 4 * units;
  const w = wasmWeights(k, kernel);
  const ut = wasmWeights(k, recurrentT);
  const b = bias ? wasmWeights(k, bias) : 0;
  // Scratch, in float64 slots, each area 16-byte aligned: x, the input products and h·U (each read
  // one value past its end), h and c (even lengths), every step's h, and zeros for a missing bias.
  const xs = 0;
  const zx = evenUp(steps * n);
  const d = zx + evenUp(steps * g + 1);
  const hp = d + evenUp(g + 1);
  const cp = hp + evenUp(units);
  const hs = cp + evenUp(units);
  const zb = hs + (seq ? evenUp(steps * units + 1) : 0);
  const base = wasmScratch(k, (zb + (bias ? 0 : evenUp(g / 2))) * 8) / 8;
  const f64 = k.f64;
  for (let i = 0; i < steps * n; i++) f64[base + i] = x[i]!;
  for (let j = 0; j < units; j++) f64[base + hp + j] = h[j]!;
  for (let j = 0; j < units; j++) f64[base + cp + j] = c[j]!;
  if (!bias) f64.fill(0, base + zb, base + zb + evenUp(g / 2));
  const at = base * 8;
  k.rnnInput(at + xs * 8, steps, n, w, g, bias ? b : at + zb * 8, at + zx * 8, transposed ? 1 : 0);
  k.lstmSteps(at + zx * 8, steps, units, ut, at + hp * 8, at + cp * 8, at + d * 8, seq ? at + hs * 8 : 0, backwards ? 1 : 0);
  copyFromWasm(k, (base + hp) * 8, units, h, 0);
  copyFromWasm(k, (base + cp) * 8, units, c, 0);
  if (seq) for (let s = 0; s < steps; s++) for (let j = 0; j < units; j++) seq[seqOffset + s * seqStep + j] = f64[base + hs + s * units + j]!;
}

/** `conv2d` through the wasm `conv2dRows` kernel: the input copied in, the whole convolution in one call, the output copied out. */
function conv2dWasm(
  k: WasmKernels, x: Float64Array, xo: number, inH: number, inW: number, cin: number,
  kernel: Float32Array, bias: Float32Array | null,
  out: Float64Array, outH: number, outW: number, cout: number,
  kh: number, kw: number, strideH: number, strideW: number, dilationH: number, dilationW: number,
  padTop: number, padLeft: number, groups: number,
): void {
  const inLen = inH * inW * cin;
  const outLen = outH * outW * cout;
  const ka = wasmWeights(k, kernel);
  const ba = bias ? wasmWeights(k, bias) : -1;
  const xs = wasmScratch(k, (inLen + outLen) * 8);
  const os = xs + inLen * 8;
  copyIntoWasm(k, x, xo, inLen, xs);
  k.conv2dRows(xs, inH, inW, cin, ka, ba, os, outH, outW, cout, kh, kw, strideH, strideW, dilationH, dilationW, padTop, padLeft, groups);
  copyFromWasm(k, os, outLen, out, 0);
}

/** `depthwiseConv2d` with depth multiplier 1 through the wasm `depthwiseRows` kernel, as `conv2dWasm`. */
function depthwiseWasm(
  k: WasmKernels, x: Float64Array, xo: number, inH: number, inW: number, c: number,
  kernel: Float32Array, bias: Float32Array | null, out: Float64Array, outH: number, outW: number,
  kh: number, kw: number, strideH: number, strideW: number, dilationH: number, dilationW: number,
  padTop: number, padLeft: number,
): void {
  const inLen = inH * inW * c;
  const outLen = outH * outW * c;
  const ka = wasmWeights(k, kernel);
  const ba = bias ? wasmWeights(k, bias) : -1;
  const xs = wasmScratch(k, (inLen + outLen) * 8);
  const os = xs + inLen * 8;
  copyIntoWasm(k, x, xo, inLen, xs);
  k.depthwiseRows(xs, inH, inW, c, ka, ba, os, outH, outW, kh, kw, strideH, strideW, dilationH, dilationW, padTop, padLeft);
  copyFromWasm(k, os, outLen, out, 0);
}

/** `convTranspose2d` through the wasm `transposeRows` kernel: bias written, input copied in, one call, output copied out. */
function convTransposeWasm(
  k: WasmKernels, x: Float64Array, h: number, w: number, cin: number, kernel: Float32Array, bias: Float32Array | null,
  out: Float64Array, oh: number, ow: number, f: number,
  kh: number, kw: number, sh: number, sw: number, dh: number, dw: number, shiftH: number, shiftW: number,
): void {
  const inLen = h * w * cin;
  const outLen = oh * ow * f;
  const kt = wasmWeightsSwapped(k, kernel, kh * kw, f, cin);
  const xs = wasmScratch(k, (inLen + outLen) * 8);
  const os = xs + inLen * 8;
  copyIntoWasm(k, x, 0, inLen, xs);
  const f64 = k.f64;
  const oi = os / 8;
  for (let p = 0; p < oh * ow; p++) for (let c = 0; c < f; c++) f64[oi + p * f + c] = bias ? bias[c]! : 0;
  k.transposeRows(xs, h, w, cin, kt, os, oh, ow, f, kh, kw, sh, sw, dh, dw, shiftH, shiftW);
  copyFromWasm(k, os, outLen, out, 0);
}

/** Where a (blocks, rows, cols) weight tensor is placed as (blocks, cols, rows) in wasm memory; set the first time. */
const swappedWeights = new WeakMap<Float32Array, number>();

/** Byte address of `w` (blocks, rows, cols) copied with its last two axes swapped, the first time it is used. */
function wasmWeightsSwapped(k: WasmKernels, w: Float32Array, blocks: number, rows: number, cols: number): number {
  let at = swappedWeights.get(w);
  if (at === undefined) {
    at = wasmAlloc(k, w.length * 4);
    const f32 = k.f32;
    const base = at / 4;
    for (let b = 0; b < blocks; b++) {
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) f32[base + (b * cols + c) * rows + r] = w[(b * rows + r) * cols + c]!;
    }
    swappedWeights.set(w, at);
  }
  return at;
}

/** `attentionScores` through `mixRows`: per head, the queries times the head's keys transposed to (d, s). */
function attentionScoresWasm(k: WasmKernels, q: Float64Array, key: Float64Array, t: number, s: number, heads: number, d: number, scale: number, out: Float64Array): void {
  const stride = heads * d;
  const qLen = t * stride;
  const kLen = s * stride;
  const oLen = heads * t * s;
  const qs = wasmScratch(k, (qLen + kLen + oLen) * 8);
  const ks = qs + qLen * 8;
  const os = ks + kLen * 8;
  copyIntoWasm(k, q, 0, qLen, qs);
  const f64 = k.f64;
  const ki = ks / 8;
  // Feature e = h·d + c of key j goes to row e, column j: each head's keys become one (d, s) block.
  for (let j = 0; j < s; j++) for (let e = 0; e < stride; e++) f64[ki + e * s + j] = key[j * stride + e]!;
  for (let h = 0; h < heads; h++) k.mixRows(qs + h * d * 8, t, stride * 8, d, ks + h * d * s * 8, s * 8, s, os + h * t * s * 8, s * 8, 0);
  const oi = os / 8;
  for (let i = 0; i < oLen; i++) out[i] = scale * f64[oi + i]!;
}

/** `attentionCombine` through `mixRows`: per head, the (t, s) weights times the head's (s, dv) values. */
function attentionCombineWasm(k: WasmKernels, p: Float64Array, v: Float64Array, t: number, s: number, heads: number, dv: number, out: Float64Array): void {
  const stride = heads * dv;
  const pLen = heads * t * s;
  const vLen = s * stride;
  const oLen = t * stride;
  const ps = wasmScratch(k, (pLen + vLen + oLen) * 8);
  const vs = ps + pLen * 8;
  const os = vs + vLen * 8;
  copyIntoWasm(k, p, 0, pLen, ps);
  copyIntoWasm(k, v, 0, vLen, vs);
  for (let h = 0; h < heads; h++) k.mixRows(ps + h * t * s * 8, t, s * 8, s, vs + h * dv * 8, stride * 8, dv, os + h * dv * 8, stride * 8, 1);
  copyFromWasm(k, os, oLen, out, 0);
}

/** Copies n values of `src` from `from` to wasm memory at byte address `at`. */
function copyIntoWasm(k: WasmKernels, src: Float64Array, from: number, n: number, at: number): void {
  const f64 = k.f64;
  const i0 = at / 8;
  for (let i = 0; i < n; i++) f64[i0 + i] = src[from + i]!;
}

/** The other way: `n` float64 values at byte address `at` into dst[to …]. */
function copyFromWasm(k: WasmKernels, at: number, n: number, dst: Float64Array, to: number): void {
  const f64 = k.f64;
  const i0 = at / 8;
  for (let i = 0; i < n; i++) dst[to + i] = f64[i0 + i]!;
}

/** The kernel module (written by `npm run kernels` from scripts/kernels/; a test checks they match). */
function wasmKernelBytes(): Uint8Array {
  // kernel-bytes:start
  const base64 =
    "AGFzbQEAAAABkwEMYAV/f39/fwBgBX9/f39/AGAIf39/f39/f38AYAl/f39/f39/f38AYAt/f39/f39/f39/fwBgA39/fwBg" +
    "A39/fwBgA39/fwBgE39/f39/f39/f39/f39/f39/f38AYBF/f39/f39/f39/f39/f39/fwBgEX9/f39/f39/f39/f39/f39/" +
    "AGAKf39/f39/f39/fwADDQwAAQIDBAUGBwgJCgsFAwEAAQeeAQ0GbWVtb3J5AgAHZG90Um93cwAACGF4cHlSb3dzAAEIcm5u" +
    "SW5wdXQAAglsc3RtU3RlcHMAAwhncnVTdGVwcwAECGV4cFBhaXJzAAUMc2lnbW9pZFBhaXJzAAYJdGFuaFBhaXJzAAcKY29u" +
    "djJkUm93cwAIDWRlcHRod2lzZVJvd3MACQ10cmFuc3Bvc2VSb3dzAAoHbWl4Um93cwALCtiHAQzACBcBfwF/AX8BfwF8AXsB" +
    "ewF7AXsBfwF8AXsBewF/AXwBewF7AX8BfAF7AXsBfwF8IAFBAnQhCEEAIQUCQANAIAVBBGogA0oNAf0MAAAAAAAAAAAAAAAA" +
    "AAAAACEM/QwAAAAAAAAAAAAAAAAAAAAAIQ0gAiAFQQBqIAhsaiEO/QwAAAAAAAAAAAAAAAAAAAAAIRD9DAAAAAAAAAAAAAAA" +
    "AAAAAAAhESACIAVBAWogCGxqIRL9DAAAAAAAAAAAAAAAAAAAAAAhFP0MAAAAAAAAAAAAAAAAAAAAACEVIAIgBUECaiAIbGoh" +
    "Fv0MAAAAAAAAAAAAAAAAAAAAACEY/QwAAAAAAAAAAAAAAAAAAAAAIRkgAiAFQQNqIAhsaiEaQQAhBiAAIQcCQANAIAZBBGog" +
    "AUoNASAH/QADACEKIAf9AAMQIQsgDCAKIA79XQIA/V/98gH98AEhDCANIAsgDv1dAgj9X/3yAf3wASENIA5BEGohDiAQIAog" +
    "Ev1dAgD9X/3yAf3wASEQIBEgCyAS/V0CCP1f/fIB/fABIREgEkEQaiESIBQgCiAW/V0CAP1f/fIB/fABIRQgFSALIBb9XQII" +
    "/V/98gH98AEhFSAWQRBqIRYgGCAKIBr9XQIA/V/98gH98AEhGCAZIAsgGv1dAgj9X/3yAf3wASEZIBpBEGohGiAHQSBqIQcg" +
    "BkEEaiEGDAALCyAM/SEAIQ8gEP0hACETIBT9IQAhFyAY/SEAIRsCQANAIAYgAU4NASAHKwMAIQkgDyAJIA4qAgC7oqAhDyAO" +
    "QQRqIQ4gEyAJIBIqAgC7oqAhEyASQQRqIRIgFyAJIBYqAgC7oqAhFyAWQQRqIRYgGyAJIBoqAgC7oqAhGyAaQQRqIRogB0EI" +
    "aiEHIAZBAWohBgwACwsgBCAFQQN0aiAPIAz9IQGgIA39IQAgDf0hAaCgOQMAIAQgBUEDdGogEyAQ/SEBoCAR/SEAIBH9IQGg" +
    "oDkDCCAEIAVBA3RqIBcgFP0hAaAgFf0hACAV/SEBoKA5AxAgBCAFQQN0aiAbIBj9IQGgIBn9IQAgGf0hAaCgOQMYIAVBBGoh" +
    "BQwACwsCQANAIAVBAWogA0oNAf0MAAAAAAAAAAAAAAAAAAAAACEM/QwAAAAAAAAAAAAAAAAAAAAAIQ0gAiAFQQBqIAhsaiEO" +
    "QQAhBiAAIQcCQANAIAZBBGogAUoNASAH/QADACEKIAf9AAMQIQsgDCAKIA79XQIA/V/98gH98AEhDCANIAsgDv1dAgj9X/3y" +
    "Af3wASENIA5BEGohDiAHQSBqIQcgBkEEaiEGDAALCyAM/SEAIQ8CQANAIAYgAU4NASAHKwMAIQkgDyAJIA4qAgC7oqAhDyAO" +
    "QQRqIQ4gB0EIaiEHIAZBAWohBgwACwsgBCAFQQN0aiAPIAz9IQGgIA39IQAgDf0hAaCgOQMAIAVBAWohBQwACwsLuAYMAX8B" +
    "fwF/AX8BfwF/AX8BfwF8AXwBewF7IANBAnQhCUEAIQUgACEHIAIhCAJAA0AgBSABTg0BIAcrAwAhDQJAIAVBAWogAU4NACAH" +
    "KwMIIQ4gDUQAAAAAAAAAAGENACAORAAAAAAAAAAAYQ0AIAggCWohDCAN/RQhDyAO/RQhEEEAIQYgBCEKIAghCwJAA0AgBkEI" +
    "aiADSg0BIAogCv0AAwAgDyAL/V0CAP1f/fIB/fABIBAgDP1dAgD9X/3yAf3wAf0LAwAgCiAK/QADECAPIAv9XQII/V/98gH9" +
    "8AEgECAM/V0CCP1f/fIB/fAB/QsDECAKIAr9AAMgIA8gC/1dAhD9X/3yAf3wASAQIAz9XQIQ/V/98gH98AH9CwMgIAogCv0A" +
    "AzAgDyAL/V0CGP1f/fIB/fABIBAgDP1dAhj9X/3yAf3wAf0LAzAgCkHAAGohCiALQSBqIQsgDEEgaiEMIAZBCGohBgwACwsC" +
    "QANAIAZBAmogA0oNASAKIAr9AAMAIA8gC/1dAgD9X/3yAf3wASAQIAz9XQIA/V/98gH98AH9CwMAIApBEGohCiALQQhqIQsg" +
    "DEEIaiEMIAZBAmohBgwACwsgBiADSARAIAogCisDACANIAsqAgC7oqAgDiAMKgIAu6KgOQMACyAHQRBqIQcgCCAJQQF0aiEI" +
    "IAVBAmohBQwBCyANRAAAAAAAAAAAYgRAIA39FCEPQQAhBiAEIQogCCELAkADQCAGQQhqIANKDQEgCiAK/QADACAPIAv9XQIA" +
    "/V/98gH98AH9CwMAIAogCv0AAxAgDyAL/V0CCP1f/fIB/fAB/QsDECAKIAr9AAMgIA8gC/1dAhD9X/3yAf3wAf0LAyAgCiAK" +
    "/QADMCAPIAv9XQIY/V/98gH98AH9CwMwIApBwABqIQogC0EgaiELIAZBCGohBgwACwsCQANAIAZBAmogA0oNASAKIAr9AAMA" +
    "IA8gC/1dAgD9X/3yAf3wAf0LAwAgCkEQaiEKIAtBCGohCyAGQQJqIQYMAAsLIAYgA0gEQCAKIAorAwAgDSALKgIAu6KgOQMA" +
    "CwsgB0EIaiEHIAggCWohCCAFQQFqIQUMAAsLC40CAwF/AX8Bf0EAIQgCQANAIAggAU4NASAHBEAgACACIAMgBCAGEABBACEJ" +
    "IAYhCgJAA0AgCUECaiAESg0BIAogBSAJQQJ0av1dAgD9XyAK/QADAP3wAf0LAwAgCkEQaiEKIAlBAmohCQwACwsgCSAESARA" +
    "IAogBSAJQQJ0aioCALsgCisDAKA5AwALBUEAIQkgBiEKAkADQCAJQQJqIARKDQEgCiAFIAlBAnRq/V0CAP1f/QsDACAKQRBq" +
    "IQogCUECaiEJDAALCyAJIARIBEAgCiAFIAlBAnRqKgIAuzkDAAsgACACIAMgBCAGEAELIAAgAkEDdGohACAGIARBA3RqIQYg" +
    "CEEBaiEIDAALCwu/HhUBfwF/AX8BfwF/AX8BfwF7AXsBewF7AXsBewF7AXsBewF7AXsBewF7AXsgAkEDdCENQQAhCQJAA0Ag" +
    "CSABTg0BIAQgAiADIAJBAnQgBhAAIAAgCARAIAFBAWsgCWshCgUgCSEKCyAKIA1BAnRsaiELIAYhDCAEIQ4gBSEPQQAhCgJA" +
    "A0AgCiACTg0BIAv9AAMAIAz9AAMA/fABIRAgCyANQQFsav0AAwAgDCANQQFsav0AAwD98AEhESALIA1BAmxq/QADACAMIA1B" +
    "Amxq/QADAP3wASESIAsgDUEDbGr9AAMAIAwgDUEDbGr9AAMA/fABIRMgEP0MAAAAAAAAAIAAAAAAAAAAgP1QIRYgFv0MAAAA" +
    "AABQh8AAAAAAAFCHwP33ASEWIBb9DP6CK2VHFfc//oIrZUcV9z/98gH9DAAAAAAAADhDAAAAAAAAOEP98AEiF/0MAAAAAAAA" +
    "OEMAAAAAAAA4Q/3xASEYIBYgGP0MAADg/kIu5j8AAOD+Qi7mP/3yAf3xASAY/Qx2PHk17znqPXY8eTXvOeo9/fIB/fEBIhkg" +
    "Gf3yASIaIBr98gEhGyAZIBr9DAAAAAAAAOA/AAAAAAAA4D8gGf0MVVVVVVVVxT9VVVVVVVXFP/3yAf3wAf0MVVVVVVVVpT9V" +
    "VVVVVVWlPyAZ/QwRERERERGBPxEREREREYE//fIB/fABIBr98gH98AEgG/0MF2zBFmzBVj8XbMEWbMFWPyAZ/QwaoAEaoAEq" +
    "PxqgARqgASo//fIB/fAB/QwaoAEaoAH6PhqgARqgAfo+IBn9DDTHVqXjHcc+NMdWpeMdxz798gH98AEgGv3yAf3wASAb/Qxc" +
    "n3i3T36SPlyfeLdPfpI+IBn9DORE9WdF5lo+5ET1Z0XmWj798gH98AH9DJjY+O/Y7iE+mNj479juIT4gGf0MCW2oE0YS5j0J" +
    "bagTRhLmPf3yAf3wASAa/fIB/fAB/fIB/fAB/fIB/fAB/fIB/fABIRz9DAAAAAAAAPA/AAAAAAAA8D8gHP3wASAX/QzA////" +
    "//83Q8D//////zdD/dEB/Qz/AwAAAAAAAP8DAAAAAAAA/c4BQTT9ywH98gH9DAAAAAAAAPA7AAAAAAAA8Dv98gEhHf0MAAAA" +
    "AAAA8D8AAAAAAADwPyAdIBD9DAAAAAAAAAAAAAAAAAAAAAD9TP1S/QwAAAAAAADwPwAAAAAAAPA/IB398AH98wEhECAR/QwA" +
    "AAAAAAAAgAAAAAAAAACA/VAhFiAW/QwAAAAAAFCHwAAAAAAAUIfA/fcBIRYgFv0M/oIrZUcV9z/+gitlRxX3P/3yAf0MAAAA" +
    "AAAAOEMAAAAAAAA4Q/3wASIX/QwAAAAAAAA4QwAAAAAAADhD/fEBIRggFiAY/QwAAOD+Qi7mPwAA4P5CLuY//fIB/fEBIBj9" +
    "DHY8eTXvOeo9djx5Ne856j398gH98QEiGSAZ/fIBIhogGv3yASEbIBkgGv0MAAAAAAAA4D8AAAAAAADgPyAZ/QxVVVVVVVXF" +
    "P1VVVVVVVcU//fIB/fAB/QxVVVVVVVWlP1VVVVVVVaU/IBn9DBEREREREYE/ERERERERgT/98gH98AEgGv3yAf3wASAb/QwX" +
    "bMEWbMFWPxdswRZswVY/IBn9DBqgARqgASo/GqABGqABKj/98gH98AH9DBqgARqgAfo+GqABGqAB+j4gGf0MNMdWpeMdxz40" +
    "x1al4x3HPv3yAf3wASAa/fIB/fABIBv9DFyfeLdPfpI+XJ94t09+kj4gGf0M5ET1Z0XmWj7kRPVnReZaPv3yAf3wAf0MmNj4" +
    "79juIT6Y2Pjv2O4hPiAZ/QwJbagTRhLmPQltqBNGEuY9/fIB/fABIBr98gH98AH98gH98AH98gH98AH98gH98AEhHP0MAAAA" +
    "AAAA8D8AAAAAAADwPyAc/fABIBf9DMD//////zdDwP//////N0P90QH9DP8DAAAAAAAA/wMAAAAAAAD9zgFBNP3LAf3yAf0M" +
    "AAAAAAAA8DsAAAAAAADwO/3yASEd/QwAAAAAAADwPwAAAAAAAPA/IB0gEf0MAAAAAAAAAAAAAAAAAAAAAP1M/VL9DAAAAAAA" +
    "APA/AAAAAAAA8D8gHf3wAf3zASERIA4gE/0MAAAAAAAAAIAAAAAAAAAAgP1QIRYgFv0MAAAAAABQh8AAAAAAAFCHwP33ASEW" +
    "IBb9DP6CK2VHFfc//oIrZUcV9z/98gH9DAAAAAAAADhDAAAAAAAAOEP98AEiF/0MAAAAAAAAOEMAAAAAAAA4Q/3xASEYIBYg" +
    "GP0MAADg/kIu5j8AAOD+Qi7mP/3yAf3xASAY/Qx2PHk17znqPXY8eTXvOeo9/fIB/fEBIhkgGf3yASIaIBr98gEhGyAZIBr9" +
    "DAAAAAAAAOA/AAAAAAAA4D8gGf0MVVVVVVVVxT9VVVVVVVXFP/3yAf3wAf0MVVVVVVVVpT9VVVVVVVWlPyAZ/QwRERERERGB" +
    "PxEREREREYE//fIB/fABIBr98gH98AEgG/0MF2zBFmzBVj8XbMEWbMFWPyAZ/QwaoAEaoAEqPxqgARqgASo//fIB/fAB/Qwa" +
    "oAEaoAH6PhqgARqgAfo+IBn9DDTHVqXjHcc+NMdWpeMdxz798gH98AEgGv3yAf3wASAb/Qxcn3i3T36SPlyfeLdPfpI+IBn9" +
    "DORE9WdF5lo+5ET1Z0XmWj798gH98AH9DJjY+O/Y7iE+mNj479juIT4gGf0MCW2oE0YS5j0JbagTRhLmPf3yAf3wASAa/fIB" +
    "/fAB/fIB/fAB/fIB/fAB/fIB/fABIRz9DAAAAAAAAPA/AAAAAAAA8D8gHP3wASAX/QzA//////83Q8D//////zdD/dEB/Qz/" +
    "AwAAAAAAAP8DAAAAAAAA/c4BQTT9ywH98gH9DAAAAAAAAPA7AAAAAAAA8Dv98gEhHf0MAAAAAAAA8D8AAAAAAADwPyAdIBP9" +
    "DAAAAAAAAAAAAAAAAAAAAAD9TP1S/QwAAAAAAADwPwAAAAAAAPA/IB398AH98wH9CwMA/QwAAAAAAAAAwAAAAAAAAADAIBL9" +
    "7AH9DAAAAAAAADZAAAAAAAAANkD99gH98gEhFiAW/Qz+gitlRxX3P/6CK2VHFfc//fIB/QwAAAAAAAA4QwAAAAAAADhD/fAB" +
    "Ihf9DAAAAAAAADhDAAAAAAAAOEP98QEhGCAWIBj9DAAA4P5CLuY/AADg/kIu5j/98gH98QEgGP0Mdjx5Ne856j12PHk17znq" +
    "Pf3yAf3xASIZIBn98gEiGiAa/fIBIRsgGSAa/QwAAAAAAADgPwAAAAAAAOA/IBn9DFVVVVVVVcU/VVVVVVVVxT/98gH98AH9" +
    "DFVVVVVVVaU/VVVVVVVVpT8gGf0MERERERERgT8RERERERGBP/3yAf3wASAa/fIB/fABIBv9DBdswRZswVY/F2zBFmzBVj8g" +
    "Gf0MGqABGqABKj8aoAEaoAEqP/3yAf3wAf0MGqABGqAB+j4aoAEaoAH6PiAZ/Qw0x1al4x3HPjTHVqXjHcc+/fIB/fABIBr9" +
    "8gH98AEgG/0MXJ94t09+kj5cn3i3T36SPiAZ/QzkRPVnReZaPuRE9WdF5lo+/fIB/fAB/QyY2Pjv2O4hPpjY+O/Y7iE+IBn9" +
    "DAltqBNGEuY9CW2oE0YS5j398gH98AEgGv3yAf3wAf3yAf3wAf3yAf3wAf3yAf3wASEcIBz9DAAAAAAAAPA/AAAAAAAA8D8g" +
    "HP3wASAX/QwAAAAAAAA4QwAAAAAAADhD/dEB/Qz/AwAAAAAAAP8DAAAAAAAA/c4BQTT9ywH98gH9DAAAAAAAAPA/AAAAAAAA" +
    "8D/98QEgGP0MAAAAAAAAAAAAAAAAAAAAAP1H/VIhHf0MAAAAAAAAAAAAAAAAAAAAACAd/fEB/QwAAAAAAAAAQAAAAAAAAABA" +
    "IB398AH98wEiHf3tASAdIBL9DAAAAAAAAAAAAAAAAAAAAAD9Sf1SIRIgDyARIA/9AAMA/fIBIBAgEv3yAf3wAf0LAwAgC0EQ" +
    "aiELIAxBEGohDCAOQRBqIQ4gD0EQaiEPIApBAmohCgwACwsgBCEOIAUhD0EAIQoCQANAIAogAk4NASAP/QADACEUIA4gDv0A" +
    "AwD9DAAAAAAAAADAAAAAAAAAAMAgFP3sAf0MAAAAAAAANkAAAAAAAAA2QP32Af3yASEWIBb9DP6CK2VHFfc//oIrZUcV9z/9" +
    "8gH9DAAAAAAAADhDAAAAAAAAOEP98AEiF/0MAAAAAAAAOEMAAAAAAAA4Q/3xASEYIBYgGP0MAADg/kIu5j8AAOD+Qi7mP/3y" +
    "Af3xASAY/Qx2PHk17znqPXY8eTXvOeo9/fIB/fEBIhkgGf3yASIaIBr98gEhGyAZIBr9DAAAAAAAAOA/AAAAAAAA4D8gGf0M" +
    "VVVVVVVVxT9VVVVVVVXFP/3yAf3wAf0MVVVVVVVVpT9VVVVVVVWlPyAZ/QwRERERERGBPxEREREREYE//fIB/fABIBr98gH9" +
    "8AEgG/0MF2zBFmzBVj8XbMEWbMFWPyAZ/QwaoAEaoAEqPxqgARqgASo//fIB/fAB/QwaoAEaoAH6PhqgARqgAfo+IBn9DDTH" +
    "VqXjHcc+NMdWpeMdxz798gH98AEgGv3yAf3wASAb/Qxcn3i3T36SPlyfeLdPfpI+IBn9DORE9WdF5lo+5ET1Z0XmWj798gH9" +
    "8AH9DJjY+O/Y7iE+mNj479juIT4gGf0MCW2oE0YS5j0JbagTRhLmPf3yAf3wASAa/fIB/fAB/fIB/fAB/fIB/fAB/fIB/fAB" +
    "IRwgHP0MAAAAAAAA8D8AAAAAAADwPyAc/fABIBf9DAAAAAAAADhDAAAAAAAAOEP90QH9DP8DAAAAAAAA/wMAAAAAAAD9zgFB" +
    "NP3LAf3yAf0MAAAAAAAA8D8AAAAAAADwP/3xASAY/QwAAAAAAAAAAAAAAAAAAAAA/Uf9UiEd/QwAAAAAAAAAAAAAAAAAAAAA" +
    "IB398QH9DAAAAAAAAABAAAAAAAAAAEAgHf3wAf3zASId/e0BIB0gFP0MAAAAAAAAAAAAAAAAAAAAAP1J/VL98gH9CwMAIA5B" +
    "EGohDiAPQRBqIQ8gCkECaiEKDAALCyAHBEBBACEKIAcgCSANbGohDAJAA0AgCiACTg0BIAwgBCAKQQN0av0AAwD9CwMAIAxB" +
    "EGohDCAKQQJqIQoMAAsLCyAJQQFqIQkMAAsLC4wnFQF/AX8BfwF/AX8BfwF/AX8BewF7AXsBewF7AXsBewF7AXsBewF7AXsB" +
    "eyACQQN0IQ9BACELAkADQCALIAFODQEgACAJBEAgAUEBayALayEMBSALIQwLIAwgD0EDbGxqIQ0gCgRAIAQgAiADIAJBA2wg" +
    "BhAAIA0hEiAGIQ4gBCEQIAUhEUEAIQwCQANAIAwgAk4NASAS/QADACAR/V0CAP1f/fAB/QwAAAAAAAAAAAAAAAAAAAAAIA79" +
    "AAMA/fABIBEgD0EDbEEBdmr9XQIA/V/98AH98AEhFiAW/QwAAAAAAAAAgAAAAAAAAACA/VAhGCAY/QwAAAAAAFCHwAAAAAAA" +
    "UIfA/fcBIRggGP0M/oIrZUcV9z/+gitlRxX3P/3yAf0MAAAAAAAAOEMAAAAAAAA4Q/3wASIZ/QwAAAAAAAA4QwAAAAAAADhD" +
    "/fEBIRogGCAa/QwAAOD+Qi7mPwAA4P5CLuY//fIB/fEBIBr9DHY8eTXvOeo9djx5Ne856j398gH98QEiGyAb/fIBIhwgHP3y" +
    "ASEdIBsgHP0MAAAAAAAA4D8AAAAAAADgPyAb/QxVVVVVVVXFP1VVVVVVVcU//fIB/fAB/QxVVVVVVVWlP1VVVVVVVaU/IBv9" +
    "DBEREREREYE/ERERERERgT/98gH98AEgHP3yAf3wASAd/QwXbMEWbMFWPxdswRZswVY/IBv9DBqgARqgASo/GqABGqABKj/9" +
    "8gH98AH9DBqgARqgAfo+GqABGqAB+j4gG/0MNMdWpeMdxz40x1al4x3HPv3yAf3wASAc/fIB/fABIB39DFyfeLdPfpI+XJ94" +
    "t09+kj4gG/0M5ET1Z0XmWj7kRPVnReZaPv3yAf3wAf0MmNj479juIT6Y2Pjv2O4hPiAb/QwJbagTRhLmPQltqBNGEuY9/fIB" +
    "/fABIBz98gH98AH98gH98AH98gH98AH98gH98AEhHv0MAAAAAAAA8D8AAAAAAADwPyAe/fABIBn9DMD//////zdDwP//////" +
    "N0P90QH9DP8DAAAAAAAA/wMAAAAAAAD9zgFBNP3LAf3yAf0MAAAAAAAA8DsAAAAAAADwO/3yASEf/QwAAAAAAADwPwAAAAAA" +
    "APA/IB8gFv0MAAAAAAAAAAAAAAAAAAAAAP1M/VL9DAAAAAAAAPA/AAAAAAAA8D8gH/3wAf3zASETIBIgD0EBbGr9AAMAIBEg" +
    "D0EBbEEBdmr9XQIA/V/98AH9DAAAAAAAAAAAAAAAAAAAAAAgDiAPQQFsav0AAwD98AEgESAPQQRsQQF2av1dAgD9X/3wAf3w" +
    "ASEWIBb9DAAAAAAAAACAAAAAAAAAAID9UCEYIBj9DAAAAAAAUIfAAAAAAABQh8D99wEhGCAY/Qz+gitlRxX3P/6CK2VHFfc/" +
    "/fIB/QwAAAAAAAA4QwAAAAAAADhD/fABIhn9DAAAAAAAADhDAAAAAAAAOEP98QEhGiAYIBr9DAAA4P5CLuY/AADg/kIu5j/9" +
    "8gH98QEgGv0Mdjx5Ne856j12PHk17znqPf3yAf3xASIbIBv98gEiHCAc/fIBIR0gGyAc/QwAAAAAAADgPwAAAAAAAOA/IBv9" +
    "DFVVVVVVVcU/VVVVVVVVxT/98gH98AH9DFVVVVVVVaU/VVVVVVVVpT8gG/0MERERERERgT8RERERERGBP/3yAf3wASAc/fIB" +
    "/fABIB39DBdswRZswVY/F2zBFmzBVj8gG/0MGqABGqABKj8aoAEaoAEqP/3yAf3wAf0MGqABGqAB+j4aoAEaoAH6PiAb/Qw0" +
    "x1al4x3HPjTHVqXjHcc+/fIB/fABIBz98gH98AEgHf0MXJ94t09+kj5cn3i3T36SPiAb/QzkRPVnReZaPuRE9WdF5lo+/fIB" +
    "/fAB/QyY2Pjv2O4hPpjY+O/Y7iE+IBv9DAltqBNGEuY9CW2oE0YS5j398gH98AEgHP3yAf3wAf3yAf3wAf3yAf3wAf3yAf3w" +
    "ASEe/QwAAAAAAADwPwAAAAAAAPA/IB798AEgGf0MwP//////N0PA//////83Q/3RAf0M/wMAAAAAAAD/AwAAAAAAAP3OAUE0" +
    "/csB/fIB/QwAAAAAAADwOwAAAAAAAPA7/fIBIR/9DAAAAAAAAPA/AAAAAAAA8D8gHyAW/QwAAAAAAAAAAAAAAAAAAAAA/Uz9" +
    "Uv0MAAAAAAAA8D8AAAAAAADwPyAf/fAB/fMBIRQgEiAPQQJsav0AAwAgESAPQQJsQQF2av1dAgD9X/3wASAU/QwAAAAAAAAA" +
    "AAAAAAAAAAAAIA4gD0ECbGr9AAMA/fABIBEgD0EFbEEBdmr9XQIA/V/98AH98gH98AEhFv0MAAAAAAAAAMAAAAAAAAAAwCAW" +
    "/ewB/QwAAAAAAAA2QAAAAAAAADZA/fYB/fIBIRggGP0M/oIrZUcV9z/+gitlRxX3P/3yAf0MAAAAAAAAOEMAAAAAAAA4Q/3w" +
    "ASIZ/QwAAAAAAAA4QwAAAAAAADhD/fEBIRogGCAa/QwAAOD+Qi7mPwAA4P5CLuY//fIB/fEBIBr9DHY8eTXvOeo9djx5Ne85" +
    "6j398gH98QEiGyAb/fIBIhwgHP3yASEdIBsgHP0MAAAAAAAA4D8AAAAAAADgPyAb/QxVVVVVVVXFP1VVVVVVVcU//fIB/fAB" +
    "/QxVVVVVVVWlP1VVVVVVVaU/IBv9DBEREREREYE/ERERERERgT/98gH98AEgHP3yAf3wASAd/QwXbMEWbMFWPxdswRZswVY/" +
    "IBv9DBqgARqgASo/GqABGqABKj/98gH98AH9DBqgARqgAfo+GqABGqAB+j4gG/0MNMdWpeMdxz40x1al4x3HPv3yAf3wASAc" +
    "/fIB/fABIB39DFyfeLdPfpI+XJ94t09+kj4gG/0M5ET1Z0XmWj7kRPVnReZaPv3yAf3wAf0MmNj479juIT6Y2Pjv2O4hPiAb" +
    "/QwJbagTRhLmPQltqBNGEuY9/fIB/fABIBz98gH98AH98gH98AH98gH98AH98gH98AEhHiAe/QwAAAAAAADwPwAAAAAAAPA/" +
    "IB798AEgGf0MAAAAAAAAOEMAAAAAAAA4Q/3RAf0M/wMAAAAAAAD/AwAAAAAAAP3OAUE0/csB/fIB/QwAAAAAAADwPwAAAAAA" +
    "APA//fEBIBr9DAAAAAAAAAAAAAAAAAAAAAD9R/1SIR/9DAAAAAAAAAAAAAAAAAAAAAAgH/3xAf0MAAAAAAAAAEAAAAAAAAAA" +
    "QCAf/fAB/fMBIh/97QEgHyAW/QwAAAAAAAAAAAAAAAAAAAAA/Un9UiEVIBAgEyAQ/QADAP3yAf0MAAAAAAAA8D8AAAAAAADw" +
    "PyAT/fEBIBX98gH98AH9CwMAIBJBEGohEiAOQRBqIQ4gEEEQaiEQIBFBCGohESAMQQJqIQwMAAsLBSAEIAIgAyACQQF0IAYQ" +
    "ACANIRIgBiEOIAQhECAFIRFBACEMAkADQCAMIAJODQEgEv0AAwAgDv0AAwD98AEhEyASIA9BAWxq/QADACAOIA9BAWxq/QAD" +
    "AP3wASEWIA4gE/0MAAAAAAAAAIAAAAAAAAAAgP1QIRggGP0MAAAAAABQh8AAAAAAAFCHwP33ASEYIBj9DP6CK2VHFfc//oIr" +
    "ZUcV9z/98gH9DAAAAAAAADhDAAAAAAAAOEP98AEiGf0MAAAAAAAAOEMAAAAAAAA4Q/3xASEaIBggGv0MAADg/kIu5j8AAOD+" +
    "Qi7mP/3yAf3xASAa/Qx2PHk17znqPXY8eTXvOeo9/fIB/fEBIhsgG/3yASIcIBz98gEhHSAbIBz9DAAAAAAAAOA/AAAAAAAA" +
    "4D8gG/0MVVVVVVVVxT9VVVVVVVXFP/3yAf3wAf0MVVVVVVVVpT9VVVVVVVWlPyAb/QwRERERERGBPxEREREREYE//fIB/fAB" +
    "IBz98gH98AEgHf0MF2zBFmzBVj8XbMEWbMFWPyAb/QwaoAEaoAEqPxqgARqgASo//fIB/fAB/QwaoAEaoAH6PhqgARqgAfo+" +
    "IBv9DDTHVqXjHcc+NMdWpeMdxz798gH98AEgHP3yAf3wASAd/Qxcn3i3T36SPlyfeLdPfpI+IBv9DORE9WdF5lo+5ET1Z0Xm" +
    "Wj798gH98AH9DJjY+O/Y7iE+mNj479juIT4gG/0MCW2oE0YS5j0JbagTRhLmPf3yAf3wASAc/fIB/fAB/fIB/fAB/fIB/fAB" +
    "/fIB/fABIR79DAAAAAAAAPA/AAAAAAAA8D8gHv3wASAZ/QzA//////83Q8D//////zdD/dEB/Qz/AwAAAAAAAP8DAAAAAAAA" +
    "/c4BQTT9ywH98gH9DAAAAAAAAPA7AAAAAAAA8Dv98gEhH/0MAAAAAAAA8D8AAAAAAADwPyAfIBP9DAAAAAAAAAAAAAAAAAAA" +
    "AAD9TP1S/QwAAAAAAADwPwAAAAAAAPA/IB/98AH98wH9CwMAIAcgDEEDdGogFv0MAAAAAAAAAIAAAAAAAAAAgP1QIRggGP0M" +
    "AAAAAABQh8AAAAAAAFCHwP33ASEYIBj9DP6CK2VHFfc//oIrZUcV9z/98gH9DAAAAAAAADhDAAAAAAAAOEP98AEiGf0MAAAA" +
    "AAAAOEMAAAAAAAA4Q/3xASEaIBggGv0MAADg/kIu5j8AAOD+Qi7mP/3yAf3xASAa/Qx2PHk17znqPXY8eTXvOeo9/fIB/fEB" +
    "IhsgG/3yASIcIBz98gEhHSAbIBz9DAAAAAAAAOA/AAAAAAAA4D8gG/0MVVVVVVVVxT9VVVVVVVXFP/3yAf3wAf0MVVVVVVVV" +
    "pT9VVVVVVVWlPyAb/QwRERERERGBPxEREREREYE//fIB/fABIBz98gH98AEgHf0MF2zBFmzBVj8XbMEWbMFWPyAb/QwaoAEa" +
    "oAEqPxqgARqgASo//fIB/fAB/QwaoAEaoAH6PhqgARqgAfo+IBv9DDTHVqXjHcc+NMdWpeMdxz798gH98AEgHP3yAf3wASAd" +
    "/Qxcn3i3T36SPlyfeLdPfpI+IBv9DORE9WdF5lo+5ET1Z0XmWj798gH98AH9DJjY+O/Y7iE+mNj479juIT4gG/0MCW2oE0YS" +
    "5j0JbagTRhLmPf3yAf3wASAc/fIB/fAB/fIB/fAB/fIB/fAB/fIB/fABIR79DAAAAAAAAPA/AAAAAAAA8D8gHv3wASAZ/QzA" +
    "//////83Q8D//////zdD/dEB/Qz/AwAAAAAAAP8DAAAAAAAA/c4BQTT9ywH98gH9DAAAAAAAAPA7AAAAAAAA8Dv98gEhH/0M" +
    "AAAAAAAA8D8AAAAAAADwPyAfIBb9DAAAAAAAAAAAAAAAAAAAAAD9TP1S/QwAAAAAAADwPwAAAAAAAPA/IB/98AH98wEgEP0A" +
    "AwD98gH9CwMAIBJBEGohEiAOQRBqIQ4gEEEQaiEQIAxBAmohDAwACwsgByACIAMgAiAPbGogAiAGIA9BAXRqEAAgDSESIAYh" +
    "DiAEIRAgBSERQQAhDAJAA0AgDCACTg0BIBIgD0ECbGr9AAMAIA4gD0ECbGr9AAMA/fABIRb9DAAAAAAAAADAAAAAAAAAAMAg" +
    "Fv3sAf0MAAAAAAAANkAAAAAAAAA2QP32Af3yASEYIBj9DP6CK2VHFfc//oIrZUcV9z/98gH9DAAAAAAAADhDAAAAAAAAOEP9" +
    "8AEiGf0MAAAAAAAAOEMAAAAAAAA4Q/3xASEaIBggGv0MAADg/kIu5j8AAOD+Qi7mP/3yAf3xASAa/Qx2PHk17znqPXY8eTXv" +
    "Oeo9/fIB/fEBIhsgG/3yASIcIBz98gEhHSAbIBz9DAAAAAAAAOA/AAAAAAAA4D8gG/0MVVVVVVVVxT9VVVVVVVXFP/3yAf3w" +
    "Af0MVVVVVVVVpT9VVVVVVVWlPyAb/QwRERERERGBPxEREREREYE//fIB/fABIBz98gH98AEgHf0MF2zBFmzBVj8XbMEWbMFW" +
    "PyAb/QwaoAEaoAEqPxqgARqgASo//fIB/fAB/QwaoAEaoAH6PhqgARqgAfo+IBv9DDTHVqXjHcc+NMdWpeMdxz798gH98AEg" +
    "HP3yAf3wASAd/Qxcn3i3T36SPlyfeLdPfpI+IBv9DORE9WdF5lo+5ET1Z0XmWj798gH98AH9DJjY+O/Y7iE+mNj479juIT4g" +
    "G/0MCW2oE0YS5j0JbagTRhLmPf3yAf3wASAc/fIB/fAB/fIB/fAB/fIB/fAB/fIB/fABIR4gHv0MAAAAAAAA8D8AAAAAAADw" +
    "PyAe/fABIBn9DAAAAAAAADhDAAAAAAAAOEP90QH9DP8DAAAAAAAA/wMAAAAAAAD9zgFBNP3LAf3yAf0MAAAAAAAA8D8AAAAA" +
    "AADwP/3xASAa/QwAAAAAAAAAAAAAAAAAAAAA/Uf9UiEf/QwAAAAAAAAAAAAAAAAAAAAAIB/98QH9DAAAAAAAAABAAAAAAAAA" +
    "AEAgH/3wAf3zASIf/e0BIB8gFv0MAAAAAAAAAAAAAAAAAAAAAP1J/VIhFSAO/QADACETIBAgEyAQ/QADAP3yAf0MAAAAAAAA" +
    "8D8AAAAAAADwPyAT/fEBIBX98gH98AH9CwMAIBJBEGohEiAOQRBqIQ4gEEEQaiEQIAxBAmohDAwACwsLIAgEQEEAIQwgCCAL" +
    "IA9saiEOAkADQCAMIAJODQEgDiAEIAxBA3Rq/QADAP0LAwAgDkEQaiEOIAxBAmohDAwACwsLIAtBAWohCwwACwsLuwUKAXsB" +
    "ewF7AXsBewF7AXsBewF7AXsCQANAIAFBAUgNASAA/QADACEDIAIgAyEFIAX9DAAAAAAAUIfAAAAAAABQh8D99wH9DAAAAAAA" +
    "MIZAAAAAAAAwhkD99gEhBSAF/Qz+gitlRxX3P/6CK2VHFfc//fIB/QwAAAAAAAA4QwAAAAAAADhD/fABIgb9DAAAAAAAADhD" +
    "AAAAAAAAOEP98QEhByAFIAf9DAAA4P5CLuY/AADg/kIu5j/98gH98QEgB/0Mdjx5Ne856j12PHk17znqPf3yAf3xASIIIAj9" +
    "8gEiCSAJ/fIBIQogCCAJ/QwAAAAAAADgPwAAAAAAAOA/IAj9DFVVVVVVVcU/VVVVVVVVxT/98gH98AH9DFVVVVVVVaU/VVVV" +
    "VVVVpT8gCP0MERERERERgT8RERERERGBP/3yAf3wASAJ/fIB/fABIAr9DBdswRZswVY/F2zBFmzBVj8gCP0MGqABGqABKj8a" +
    "oAEaoAEqP/3yAf3wAf0MGqABGqAB+j4aoAEaoAH6PiAI/Qw0x1al4x3HPjTHVqXjHcc+/fIB/fABIAn98gH98AEgCv0MXJ94" +
    "t09+kj5cn3i3T36SPiAI/QzkRPVnReZaPuRE9WdF5lo+/fIB/fAB/QyY2Pjv2O4hPpjY+O/Y7iE+IAj9DAltqBNGEuY9CW2o" +
    "E0YS5j398gH98AEgCf3yAf3wAf3yAf3wAf3yAf3wAf3yAf3wASELIAb9DAAAAAAAADhDAAAAAAAAOEP90QEiCEEB/cwBIQn9" +
    "DAAAAAAAAPA/AAAAAAAA8D8gC/3wASAJ/Qz/AwAAAAAAAP8DAAAAAAAA/c4BQTT9ywH98gEgCCAJ/dEB/Qz/AwAAAAAAAP8D" +
    "AAAAAAAA/c4BQTT9ywH98gH9CwMAIABBEGohACACQRBqIQIgAUEBayEBDAALCwvoBQoBewF7AXsBewF7AXsBewF7AXsBewJA" +
    "A0AgAUEBSA0BIAD9AAMAIQMgAiAD/QwAAAAAAAAAgAAAAAAAAACA/VAhBSAF/QwAAAAAAFCHwAAAAAAAUIfA/fcBIQUgBf0M" +
    "/oIrZUcV9z/+gitlRxX3P/3yAf0MAAAAAAAAOEMAAAAAAAA4Q/3wASIG/QwAAAAAAAA4QwAAAAAAADhD/fEBIQcgBSAH/QwA" +
    "AOD+Qi7mPwAA4P5CLuY//fIB/fEBIAf9DHY8eTXvOeo9djx5Ne856j398gH98QEiCCAI/fIBIgkgCf3yASEKIAggCf0MAAAA" +
    "AAAA4D8AAAAAAADgPyAI/QxVVVVVVVXFP1VVVVVVVcU//fIB/fAB/QxVVVVVVVWlP1VVVVVVVaU/IAj9DBEREREREYE/ERER" +
    "ERERgT/98gH98AEgCf3yAf3wASAK/QwXbMEWbMFWPxdswRZswVY/IAj9DBqgARqgASo/GqABGqABKj/98gH98AH9DBqgARqg" +
    "Afo+GqABGqAB+j4gCP0MNMdWpeMdxz40x1al4x3HPv3yAf3wASAJ/fIB/fABIAr9DFyfeLdPfpI+XJ94t09+kj4gCP0M5ET1" +
    "Z0XmWj7kRPVnReZaPv3yAf3wAf0MmNj479juIT6Y2Pjv2O4hPiAI/QwJbagTRhLmPQltqBNGEuY9/fIB/fABIAn98gH98AH9" +
    "8gH98AH98gH98AH98gH98AEhC/0MAAAAAAAA8D8AAAAAAADwPyAL/fABIAb9DMD//////zdDwP//////N0P90QH9DP8DAAAA" +
    "AAAA/wMAAAAAAAD9zgFBNP3LAf3yAf0MAAAAAAAA8DsAAAAAAADwO/3yASEM/QwAAAAAAADwPwAAAAAAAPA/IAwgA/0MAAAA" +
    "AAAAAAAAAAAAAAAAAP1M/VL9DAAAAAAAAPA/AAAAAAAA8D8gDP3wAf3zAf0LAwAgAEEQaiEAIAJBEGohAiABQQFrIQEMAAsL" +
    "C4wGCgF7AXsBewF7AXsBewF7AXsBewF7AkADQCABQQFIDQEgAP0AAwAhAyAC/QwAAAAAAAAAwAAAAAAAAADAIAP97AH9DAAA" +
    "AAAAADZAAAAAAAAANkD99gH98gEhBSAF/Qz+gitlRxX3P/6CK2VHFfc//fIB/QwAAAAAAAA4QwAAAAAAADhD/fABIgb9DAAA" +
    "AAAAADhDAAAAAAAAOEP98QEhByAFIAf9DAAA4P5CLuY/AADg/kIu5j/98gH98QEgB/0Mdjx5Ne856j12PHk17znqPf3yAf3x" +
    "ASIIIAj98gEiCSAJ/fIBIQogCCAJ/QwAAAAAAADgPwAAAAAAAOA/IAj9DFVVVVVVVcU/VVVVVVVVxT/98gH98AH9DFVVVVVV" +
    "VaU/VVVVVVVVpT8gCP0MERERERERgT8RERERERGBP/3yAf3wASAJ/fIB/fABIAr9DBdswRZswVY/F2zBFmzBVj8gCP0MGqAB" +
    "GqABKj8aoAEaoAEqP/3yAf3wAf0MGqABGqAB+j4aoAEaoAH6PiAI/Qw0x1al4x3HPjTHVqXjHcc+/fIB/fABIAn98gH98AEg" +
    "Cv0MXJ94t09+kj5cn3i3T36SPiAI/QzkRPVnReZaPuRE9WdF5lo+/fIB/fAB/QyY2Pjv2O4hPpjY+O/Y7iE+IAj9DAltqBNG" +
    "EuY9CW2oE0YS5j398gH98AEgCf3yAf3wAf3yAf3wAf3yAf3wAf3yAf3wASELIAv9DAAAAAAAAPA/AAAAAAAA8D8gC/3wASAG" +
    "/QwAAAAAAAA4QwAAAAAAADhD/dEB/Qz/AwAAAAAAAP8DAAAAAAAA/c4BQTT9ywH98gH9DAAAAAAAAPA/AAAAAAAA8D/98QEg" +
    "B/0MAAAAAAAAAAAAAAAAAAAAAP1H/VIhDP0MAAAAAAAAAAAAAAAAAAAAACAM/fEB/QwAAAAAAAAAQAAAAAAAAABAIAz98AH9" +
    "8wEiDP3tASAMIAP9DAAAAAAAAAAAAAAAAAAAAAD9Sf1S/QsDACAAQRBqIQAgAkEQaiECIAFBAWshAQwACwsLuwoYAX8BfwF/" +
    "AX8BfwF/AX8BfwF/AX8BfwF/AX8BfwF/AX8BfAF7AXwBfwF7AXsBewF7IAMgEm0hHCAJIBJtIR0gCUECdCEiIAYhIEEAIRMC" +
    "QANAIBMgB04NAQJAQQAhFAJAA0AgFCAITg0BAkBBACEVAkADQCAVIBJODQECQCAVIB1sIhYgHWohFwJAA0AgFkEIaiAXSg0B" +
    "IAVBAEgEQP0MAAAAAAAAAAAAAAAAAAAAACEn/QwAAAAAAAAAAAAAAAAAAAAAISj9DAAAAAAAAAAAAAAAAAAAAAAhKf0MAAAA" +
    "AAAAAAAAAAAAAAAAACEqBSAFIBZBAnRqISEgIf1dAgD9XyEnICH9XQII/V8hKCAh/V0CEP1fISkgIf1dAhj9XyEqC0EAIRgC" +
    "QANAIBggCk4NAQJAIBMgDGwgGCAObGogEGshGiAaIAFPDQBBACEZAkADQCAZIAtODQECQCAUIA1sIBkgD2xqIBFrIRsgGyAC" +
    "Tw0AIAAgGiACbCAbaiADbCAVIBxsakEDdGohHiAEIBggC2wgGWogHGwgCWwgFmpBAnRqIR8gHiAcQQN0aiEmAkADQCAeICZP" +
    "DQEgHisDACEjAkAgI0QAAAAAAAAAAGENACAj/RQhJCAnICQgH/1dAgD9X/3yAf3wASEnICggJCAf/V0CCP1f/fIB/fABISgg" +
    "KSAkIB/9XQIQ/V/98gH98AEhKSAqICQgH/1dAhj9X/3yAf3wASEqCyAeQQhqIR4gHyAiaiEfDAALCwsgGUEBaiEZDAALCwsg" +
    "GEEBaiEYDAALCyAgIBZBA3RqISEgISAn/QsDACAhICj9CwMQICEgKf0LAyAgISAq/QsDMCAWQQhqIRYMAAsLAkADQCAWQQJq" +
    "IBdKDQEgBUEASARA/QwAAAAAAAAAAAAAAAAAAAAAIScFIAUgFkECdGohISAh/V0CAP1fIScLQQAhGAJAA0AgGCAKTg0BAkAg" +
    "EyAMbCAYIA5saiAQayEaIBogAU8NAEEAIRkCQANAIBkgC04NAQJAIBQgDWwgGSAPbGogEWshGyAbIAJPDQAgACAaIAJsIBtq" +
    "IANsIBUgHGxqQQN0aiEeIAQgGCALbCAZaiAcbCAJbCAWakECdGohHyAeIBxBA3RqISYCQANAIB4gJk8NASAeKwMAISMCQCAj" +
    "RAAAAAAAAAAAYQ0AICP9FCEkICcgJCAf/V0CAP1f/fIB/fABIScLIB5BCGohHiAfICJqIR8MAAsLCyAZQQFqIRkMAAsLCyAY" +
    "QQFqIRgMAAsLICAgFkEDdGohISAhICf9CwMAIBZBAmohFgwACwsCQANAIBZBAWogF0oNASAFQQBIBEBEAAAAAAAAAAAhJQUg" +
    "BSAWQQJ0aiEhICEqAgC7ISULQQAhGAJAA0AgGCAKTg0BAkAgEyAMbCAYIA5saiAQayEaIBogAU8NAEEAIRkCQANAIBkgC04N" +
    "AQJAIBQgDWwgGSAPbGogEWshGyAbIAJPDQAgACAaIAJsIBtqIANsIBUgHGxqQQN0aiEeIAQgGCALbCAZaiAcbCAJbCAWakEC" +
    "dGohHyAeIBxBA3RqISYCQANAIB4gJk8NASAeKwMAISMCQCAjRAAAAAAAAAAAYQ0AICUgIyAfKgIAu6KgISULIB5BCGohHiAf" +
    "ICJqIR8MAAsLCyAZQQFqIRkMAAsLCyAYQQFqIRgMAAsLICAgFkEDdGohISAhICU5AwAgFkEBaiEWDAALCwsgFUEBaiEVDAAL" +
    "CyAgIAlBA3RqISALIBRBAWohFAwACwsLIBNBAWohEwwACwsLswgTAX8BfwF/AX8BfwF/AX8BfwF/AX8BfwF8AXsBfAF/AXsB" +
    "ewF7AXsgBiEaQQAhEQJAA0AgESAHTg0BAkBBACESAkADQCASIAhODQECQEEAIRMCQANAIBNBCGogA0oNASAFQQBIBED9DAAA" +
    "AAAAAAAAAAAAAAAAAAAhIP0MAAAAAAAAAAAAAAAAAAAAACEh/QwAAAAAAAAAAAAAAAAAAAAAISL9DAAAAAAAAAAAAAAAAAAA" +
    "AAAhIwUgBSATQQJ0aiEbIBv9XQIA/V8hICAb/V0CCP1fISEgG/1dAhD9XyEiIBv9XQIY/V8hIwtBACEUAkADQCAUIAlODQEC" +
    "QCARIAtsIBQgDWxqIA9rIRYgFiABTw0AQQAhFQJAA0AgFSAKTg0BAkAgEiAMbCAVIA5saiAQayEXIBcgAk8NACAAIBYgAmwg" +
    "F2ogA2wgE2pBA3RqIRggBCAUIApsIBVqIANsIBNqQQJ0aiEZICAgGP0AAwAgGf1dAgD9X/3yAf3wASEgICEgGP0AAxAgGf1d" +
    "Agj9X/3yAf3wASEhICIgGP0AAyAgGf1dAhD9X/3yAf3wASEiICMgGP0AAzAgGf1dAhj9X/3yAf3wASEjCyAVQQFqIRUMAAsL" +
    "CyAUQQFqIRQMAAsLIBogE0EDdGohGyAbICD9CwMAIBsgIf0LAxAgGyAi/QsDICAbICP9CwMwIBNBCGohEwwACwsCQANAIBNB" +
    "AmogA0oNASAFQQBIBED9DAAAAAAAAAAAAAAAAAAAAAAhIAUgBSATQQJ0aiEbIBv9XQIA/V8hIAtBACEUAkADQCAUIAlODQEC" +
    "QCARIAtsIBQgDWxqIA9rIRYgFiABTw0AQQAhFQJAA0AgFSAKTg0BAkAgEiAMbCAVIA5saiAQayEXIBcgAk8NACAAIBYgAmwg" +
    "F2ogA2wgE2pBA3RqIRggBCAUIApsIBVqIANsIBNqQQJ0aiEZICAgGP0AAwAgGf1dAgD9X/3yAf3wASEgCyAVQQFqIRUMAAsL" +
    "CyAUQQFqIRQMAAsLIBogE0EDdGohGyAbICD9CwMAIBNBAmohEwwACwsCQANAIBNBAWogA0oNASAFQQBIBEBEAAAAAAAAAAAh" +
    "HgUgBSATQQJ0aiEbIBsqAgC7IR4LQQAhFAJAA0AgFCAJTg0BAkAgESALbCAUIA1saiAPayEWIBYgAU8NAEEAIRUCQANAIBUg" +
    "Ck4NAQJAIBIgDGwgFSAObGogEGshFyAXIAJPDQAgACAWIAJsIBdqIANsIBNqQQN0aiEYIAQgFCAKbCAVaiADbCATakECdGoh" +
    "GSAeIBgrAwAgGSoCALuioCEeCyAVQQFqIRUMAAsLCyAUQQFqIRQMAAsLIBogE0EDdGohGyAbIB45AwAgE0EBaiETDAALCyAa" +
    "IANBA3RqIRoLIBJBAWohEgwACwsLIBFBAWohEQwACwsLhwcWAX8BfwF/AX8BfwF/AX8BfwF/AX8BfwF/AX8BfwF8AXsBfAF/" +
    "AXsBewF7AXsgCEECdCEeIAAhGEEAIRECQANAIBEgAU4NAQJAQQAhEgJAA0AgEiACTg0BAkBBACETAkADQCATIAlODQECQCAR" +
    "IAtsIBMgDWxqIA9rIRUgFSAGTw0AQQAhFAJAA0AgFCAKTg0BAkAgEiAMbCAUIA5saiAQayEWIBYgB08NACAFIBUgB2wgFmog" +
    "CGxBA3RqIRwgBCATIApsIBRqIANsIAhsQQJ0aiEbQQAhFwJAA0AgF0EIaiAISg0B/QwAAAAAAAAAAAAAAAAAAAAAISP9DAAA" +
    "AAAAAAAAAAAAAAAAAAAhJP0MAAAAAAAAAAAAAAAAAAAAACEl/QwAAAAAAAAAAAAAAAAAAAAAISYgGCEZIBsgF0ECdGohGiAZ" +
    "IANBA3RqISICQANAIBkgIk8NASAZKwMAIR8CQCAf/RQhICAjICAgGv1dAgD9X/3yAf3wASEjICQgICAa/V0CCP1f/fIB/fAB" +
    "ISQgJSAgIBr9XQIQ/V/98gH98AEhJSAmICAgGv1dAhj9X/3yAf3wASEmCyAZQQhqIRkgGiAeaiEaDAALCyAcIBdBA3RqIR0g" +
    "HSAd/QADACAj/fAB/QsDACAdIB39AAMQICT98AH9CwMQIB0gHf0AAyAgJf3wAf0LAyAgHSAd/QADMCAm/fAB/QsDMCAXQQhq" +
    "IRcMAAsLAkADQCAXQQJqIAhKDQH9DAAAAAAAAAAAAAAAAAAAAAAhIyAYIRkgGyAXQQJ0aiEaIBkgA0EDdGohIgJAA0AgGSAi" +
    "Tw0BIBkrAwAhHwJAIB/9FCEgICMgICAa/V0CAP1f/fIB/fABISMLIBlBCGohGSAaIB5qIRoMAAsLIBwgF0EDdGohHSAdIB39" +
    "AAMAICP98AH9CwMAIBdBAmohFwwACwsCQANAIBdBAWogCEoNAUQAAAAAAAAAACEhIBghGSAbIBdBAnRqIRogGSADQQN0aiEi" +
    "AkADQCAZICJPDQEgGSsDACEfAkAgISAfIBoqAgC7oqAhIQsgGUEIaiEZIBogHmohGgwACwsgHCAXQQN0aiEdIB0gHSsDACAh" +
    "oDkDACAXQQFqIRcMAAsLCyAUQQFqIRQMAAsLCyATQQFqIRMMAAsLIBggA0EDdGohGAsgEkEBaiESDAALCwsgEUEBaiERDAAL" +
    "CwvLBQ0BfwF/AX8BfwF/AXwBewF8AX8BewF7AXsBe0EAIQoCQANAIAogAU4NAQJAQQAhCwJAA0AgC0EIaiAGSg0B/QwAAAAA" +
    "AAAAAAAAAAAAAAAAIRP9DAAAAAAAAAAAAAAAAAAAAAAhFP0MAAAAAAAAAAAAAAAAAAAAACEV/QwAAAAAAAAAAAAAAAAAAAAA" +
    "IRYgACAKIAJsaiEMIAQgC0EDdGohDSAMIANBA3RqIRICQANAIAwgEk8NASAMKwMAIQ8CQCAPRAAAAAAAAAAAYSAJcQ0AIA/9" +
    "FCEQIBMgECAN/QADAP3yAf3wASETIBQgECAN/QADEP3yAf3wASEUIBUgECAN/QADIP3yAf3wASEVIBYgECAN/QADMP3yAf3w" +
    "ASEWCyAMQQhqIQwgDSAFaiENDAALCyAHIAogCGxqIAtBA3RqIQ4gDiAT/QsDACAOIBT9CwMQIA4gFf0LAyAgDiAW/QsDMCAL" +
    "QQhqIQsMAAsLAkADQCALQQJqIAZKDQH9DAAAAAAAAAAAAAAAAAAAAAAhEyAAIAogAmxqIQwgBCALQQN0aiENIAwgA0EDdGoh" +
    "EgJAA0AgDCASTw0BIAwrAwAhDwJAIA9EAAAAAAAAAABhIAlxDQAgD/0UIRAgEyAQIA39AAMA/fIB/fABIRMLIAxBCGohDCAN" +
    "IAVqIQ0MAAsLIAcgCiAIbGogC0EDdGohDiAOIBP9CwMAIAtBAmohCwwACwsCQANAIAtBAWogBkoNAUQAAAAAAAAAACERIAAg" +
    "CiACbGohDCAEIAtBA3RqIQ0gDCADQQN0aiESAkADQCAMIBJPDQEgDCsDACEPAkAgD0QAAAAAAAAAAGEgCXENACARIA8gDSsD" +
    "AKKgIRELIAxBCGohDCANIAVqIQ0MAAsLIAcgCiAIbGogC0EDdGohDiAOIBE5AwAgC0EBaiELDAALCwsgCkEBaiEKDAALCws=";
  // kernel-bytes:end
  return decodeBase64(base64);
}

// ---- inputs and outputs --------------------------------------------------------------------------

/**
 * Copies one flattened input sample into a buffer. Anything that is not exactly `length` numbers is
 * refused, never turned into NaN: a typed array of numbers is copied as it is; any other array-like
 * is checked element by element in the same loop (a hole, string or object is a TypeError, a nested
 * array a RangeError saying to flatten it). `input` is the module's entry in `inputs`, for messages.
 */
export function readInput(src: ArrayLike<number> | undefined, input: { readonly name: string; readonly shape: readonly (number | null)[] }, length: number, dst: Float64Array): void {
  if (ArrayBuffer.isView(src) && typeof (src as unknown as ArrayLike<unknown>)[0] === "number") {
    if (src.length !== length) throw lengthError(input, `${length} numbers`, src.length);
    for (let i = 0; i < length; i++) dst[i] = src[i]!;
    return;
  }
  checkArrayLike(src, input, `${length} numbers`);
  if (src.length !== length) throw lengthError(input, `${length} numbers`, src.length);
  for (let i = 0; i < length; i++) {
    const v: unknown = src[i];
    if (typeof v !== "number") throw elementError(input, `${length} numbers`, i, v);
    dst[i] = v;
  }
}

/** Number of timesteps in a variable-length input whose other dimensions hold `stepSize` numbers. */
export function sequenceLength(src: ArrayLike<number> | undefined, input: { readonly name: string; readonly shape: readonly (number | null)[] }, stepSize: number): number {
  checkArrayLike(src, input, `a positive multiple of ${stepSize} numbers`);
  if (src.length === 0 || src.length % stepSize !== 0) throw lengthError(input, `a positive multiple of ${stepSize} numbers`, src.length);
  return src.length / stepSize;
}

/** An object with a numeric length whose first element is not itself an array. */
function checkArrayLike(src: ArrayLike<number> | undefined, input: { readonly name: string; readonly shape: readonly (number | null)[] }, expected: string): asserts src is ArrayLike<number> {
  if (src === null || typeof src !== "object" || typeof src.length !== "number") {
    const got = src === null ? "null" : typeof src === "object" ? "an object without a numeric length" : typeof src === "string" ? "a string" : `${typeof src}`;
    throw new TypeError(`input "${input.name}": expected an array of ${expected}, got ${got}`);
  }
  if (src.length > 0 && isArrayLike(src[0])) throw nestedError(input, expected);
}

function isArrayLike(v: unknown): boolean {
  return typeof v === "object" && v !== null && typeof (v as { length?: unknown }).length === "number";
}

function lengthError(input: { readonly name: string; readonly shape: readonly (number | null)[] }, expected: string, got: number): RangeError {
  return new RangeError(`input "${input.name}": expected ${expected}, got ${got}`);
}

function nestedError(input: { readonly name: string; readonly shape: readonly (number | null)[] }, expected: string): RangeError {
  const shape = input.shape.map((d) => (d === null ? "timesteps" : String(d))).join(", ");
  return new RangeError(`input "${input.name}": got a nested array; flatten it row-major into ${expected} (one sample of shape [${shape}])`);
}

function elementError(input: { readonly name: string; readonly shape: readonly (number | null)[] }, expected: string, i: number, v: unknown): Error {
  if (isArrayLike(v)) return nestedError(input, expected);
  const what = v === undefined ? "missing (a hole or undefined)" : v === null ? "null" : typeof v === "string" ? `the string ${JSON.stringify(v.slice(0, 20))}` : `a value of type ${typeof v}`;
  return new TypeError(`input "${input.name}": element ${i} is ${what}, not a number (expected ${expected})`);
}

/** Checks the number of arguments given to `predict` against the model's inputs. */
export function checkArgCount(count: number, inputs: readonly { readonly name: string }[]): void {
  if (count !== inputs.length) {
    throw new RangeError(`predict expects ${inputs.length} input(s) (${inputs.map((i) => i.name).join(", ")}), got ${count}`);
  }
}

/** Rounds `n` float64 results into a float32 output array. */
export function writeOutput(src: Float64Array, off: number, n: number, dst: Float32Array): void {
  for (let i = 0; i < n; i++) dst[i] = src[off + i]!;
}

// ---- recurrent layers, embeddings and masks ------------------------------------------------------

/**
 * A whole LSTM layer with Keras' default activations (sigmoid gates, tanh candidate and output) in one
 * WebAssembly call, where WebAssembly SIMD runs and "js" is not chosen; returns false (nothing done)
 * otherwise, and the module then runs its step function. Over `steps` rows of x (n features each,
 * from 0), gate blocks [i, f, c, o], h and c (`units` each) updated in place; with `seq`, step s's h
 * goes to seq[seqOffset + s·seqStep …]. The kernels do the step function's float64 operations in
 * its order (the input product of every step first: `denseT` when `transposed`, else `dense`), so
 * both give the same bits.
 */
export function lstmLayerWasm(
  x: Float64Array, steps: number, n: number, kernel: Float32Array, transposed: boolean, bias: Float32Array | null,
  recurrentT: Float32Array, h: Float64Array, c: Float64Array, units: number, backwards: boolean,
  seq: Float64Array | null, seqOffset: number, seqStep: number,
): boolean {
  const k = wasmForLayer();
  if (!k) return false;
  lstmWasm(k, x, steps, n, kernel, transposed, bias, recurrentT, h, c, units, backwards, seq, seqOffset, seqStep);
  return true;
}

/**
 * One LSTM step's state update with the default activations, from its pre-activations z[zo …]
 * (blocks [i, f, c, o], overwritten): c' = f·c + i·tanh(z_c), h' = o·tanh(c'). The activations run
 * through sigmoidRange/tanhRange, whose one call site each V8 inlines: called here directly, the
 * third site did not fit its inlining budget, and every call then boxed its argument and result.
 */
export function lstmGates(z: Float64Array, zo: number, h: Float64Array, c: Float64Array, units: number): void {
  const f = zo + units;
  const g = zo + 2 * units;
  const o = zo + 3 * units;
  sigmoidRange(z, zo, g); // i and f
  tanhRange(z, g, o);
  sigmoidRange(z, o, o + units);
  for (let j = 0; j < units; j++) {
    const cj = z[f + j]! * c[j]! + z[zo + j]! * z[g + j]!;
    c[j] = cj;
    z[g + j] = cj; // the candidate block is spent: it holds tanh(c') next
  }
  tanhRange(z, g, o);
  for (let j = 0; j < units; j++) h[j] = z[o + j]! * z[g + j]!;
}

/** buf[i] = sigmoid(buf[i]) for from ≤ i < to. */
export function sigmoidRange(buf: Float64Array, from: number, to: number): void {
  for (let i = from; i < to; i++) buf[i] = sigmoid(buf[i]!);
}

/** buf[i] = tanh(buf[i]) for from ≤ i < to. */
export function tanhRange(buf: Float64Array, from: number, to: number): void {
  for (let i = from; i < to; i++) buf[i] = tanh(buf[i]!);
}

/**
 * Embedding: row `ids[i]` of a (rows, dim) table for each of `n` ids, the ids truncated to whole
 * numbers as Keras' int32 cast does. An id outside [0, rows) throws a RangeError naming `what`
 * (Keras' numpy and TensorFlow backends raise too; JAX would clip).
 */
export function embeddingLookup(
  ids: Float64Array, n: number, table: Float32Array, rows: number, dim: number, out: Float64Array, what: string,
): void {
  for (let i = 0; i < n; i++) {
    const id = Math.trunc(ids[i]!);
    if (!(id >= 0 && id < rows)) throw new RangeError(`${what}: token id ${ids[i]} at position ${i} is outside [0, ${rows})`);
    const src = id * dim;
    const dst = i * dim;
    for (let j = 0; j < dim; j++) out[dst + j] = table[src + j]!;
  }
}

/** mask[i] = 1 where x[i] differs from `value`, else 0 (Embedding mask_zero, NotEqual). */
export function notEqualMask(x: Float64Array, n: number, value: number, mask: Float64Array): void {
  for (let i = 0; i < n; i++) mask[i] = x[i] !== value ? 1 : 0;
}

/**
 * Keras Masking over `rows` steps of `n` features: a step whose features all equal `value` (in
 * float32, as Keras compares) is masked (mask 0) and zeroed in `out`; any other step is copied and
 * gets mask 1.
 */
export function maskSteps(x: Float64Array, rows: number, n: number, value: number, out: Float64Array, mask: Float64Array): void {
  const v = Math.fround(value);
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let real = false;
    for (let j = 0; j < n && !real; j++) real = Math.fround(x[base + j]!) !== v;
    mask[r] = real ? 1 : 0;
    for (let j = 0; j < n; j++) out[base + j] = real ? x[base + j]! : 0;
  }
}

// ---- attention -----------------------------------------------------------------------------------

/**
 * Dot-product scores of `heads` heads: out[(h·t + i)·s + j] = scale · Σ_k q[i·heads·d + h·d + k] · key[j·heads·d + h·d + k],
 * for queries (t, heads, d) and keys (s, heads, d) laid out as their projections write them.
 */
export function attentionScores(q: Float64Array, key: Float64Array, t: number, s: number, heads: number, d: number, scale: number, out: Float64Array): void {
  const stride = heads * d;
  const wk = wasmFor(heads * t * s * d);
  if (wk) return attentionScoresWasm(wk, q, key, t, s, heads, d, scale, out);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < t; i++) {
      const qb = i * stride + h * d;
      const ob = (h * t + i) * s;
      for (let j = 0; j < s; j++) {
        const kb = j * stride + h * d;
        let sum = 0;
        for (let k = 0; k < d; k++) sum += q[qb + k]! * key[kb + k]!;
        out[ob + j] = scale * sum;
      }
    }
  }
}

/**
 * Additive (Bahdanau) scores: out[i·s + j] = weight · Σ_k w_k · tanh(inner · (q[i, k] + key[j, k])), with
 * w_k = perFeature[k] (AdditiveAttention's scale) or 1 when null (Attention's concat mode).
 */
export function additiveScores(
  q: Float64Array, key: Float64Array, t: number, s: number, d: number,
  perFeature: Float32Array | null, inner: number, weight: number, out: Float64Array,
): void {
  for (let i = 0; i < t; i++) {
    for (let j = 0; j < s; j++) {
      let sum = 0;
      for (let k = 0; k < d; k++) sum += (perFeature ? perFeature[k]! : 1) * tanh(inner * (q[i * d + k]! + key[j * d + k]!));
      out[i * s + j] = weight * sum;
    }
  }
}

/**
 * The (t, s) mask of which keys each query may attend (1) as Keras combines it: the query's mask
 * flag, the value's and key's flags, the causal rule (key j ≤ query i) and a given (t, s) mask,
 * all ANDed; any of them may be absent.
 */
export function attentionMask(
  queryMask: Float64Array | null, valueMask: Float64Array | null, keyMask: Float64Array | null, given: Float64Array | null,
  causal: boolean, t: number, s: number, out: Float64Array,
): void {
  for (let i = 0; i < t; i++) {
    for (let j = 0; j < s; j++) {
      const ok = (!queryMask || queryMask[i] !== 0) && (!valueMask || valueMask[j] !== 0) && (!keyMask || keyMask[j] !== 0) &&
        (!given || given[i * s + j] !== 0) && (!causal || j <= i);
      out[i * s + j] = ok ? 1 : 0;
    }
  }
}

/**
 * Softmax over keys of (heads, t, s) scores, in place, with the (t, s) mask applied to every head.
 * Two Keras semantics for masked keys: `addsLargeNegative` false is its fused attention (a masked
 * key gets weight 0; a row with every key masked is uniform), true is its explicit path (the masked
 * score becomes float32(score − 1e9), so a fully masked row still ranks its scores).
 */
export function maskedSoftmax(scores: Float64Array, heads: number, t: number, s: number, mask: Float64Array | null, addsLargeNegative: boolean): void {
  for (let r = 0; r < heads * t; r++) {
    const base = r * s;
    const mb = (r % t) * s;
    let max = -Infinity;
    for (let j = 0; j < s; j++) {
      if (mask && mask[mb + j] === 0) {
        if (!addsLargeNegative) continue;
        scores[base + j] = Math.fround(Math.fround(scores[base + j]!) - 1e9);
      }
      if (scores[base + j]! > max) max = scores[base + j]!;
    }
    if (max === -Infinity) {
      scores.fill(1 / s, base, base + s); // every key masked: equal weights
      continue;
    }
    let sum = 0;
    for (let j = 0; j < s; j++) {
      const e = mask && !addsLargeNegative && mask[mb + j] === 0 ? 0 : Math.exp(scores[base + j]! - max);
      scores[base + j] = e;
      sum += e;
    }
    for (let j = 0; j < s; j++) scores[base + j]! /= sum;
  }
}

/** Weighted sum of values per head: out[i·heads·dv + h·dv + k] = Σ_j p[(h·t + i)·s + j] · v[j·heads·dv + h·dv + k]. */
export function attentionCombine(p: Float64Array, v: Float64Array, t: number, s: number, heads: number, dv: number, out: Float64Array): void {
  const stride = heads * dv;
  const wk = wasmFor(heads * t * s * dv);
  if (wk) return attentionCombineWasm(wk, p, v, t, s, heads, dv, out);
  out.fill(0, 0, t * stride);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < t; i++) {
      const ob = i * stride + h * dv;
      const pb = (h * t + i) * s;
      for (let j = 0; j < s; j++) {
        const w = p[pb + j]!;
        if (w === 0) continue;
        const vb = j * stride + h * dv;
        for (let k = 0; k < dv; k++) out[ob + k]! += w * v[vb + k]!;
      }
    }
  }
}

/** Zeroes the rows (of n values) whose mask flag is 0: Attention's output at masked query steps. */
export function zeroMaskedRows(x: Float64Array, rows: number, n: number, mask: Float64Array): void {
  for (let r = 0; r < rows; r++) if (mask[r] === 0) x.fill(0, r * n, r * n + n);
}

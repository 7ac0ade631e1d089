/**
 * The convolution kernels of the wasm module: the runtime's `conv2d` (and `conv1d`, a conv2d of
 * height 1) in one call, `depthwiseConv2d` (and 1-D) with depth multiplier 1, and `convTranspose2d`. Same float64 operations in the same order as the JS loop: each output
 * starts at its bias (or +0) and adds xv · kernel for the taps (ky, kx) and channels c ascending,
 * skipping xv = 0. Where the JS loop walks one output position's channels in the innermost loop
 * (loading and storing each output once per input), this one holds 8 outputs in registers
 * (four f64x2 lanes) while it walks the taps and channels, then 2, then 1.
 *
 *   conv2dRows(x, inH, inW, cin, k, bias, out, outH, outW, cout, kh, kw, sh, sw, dh, dw, padTop, padLeft, groups)
 *
 *   depthwiseRows(x, inH, inW, c, k, bias, out, outH, outW, kh, kw, sh, sw, dh, dw, padTop, padLeft)
 *   transposeRows(x, h, w, cin, kt, out, oh, ow, f, kh, kw, sh, sw, dh, dw, shiftH, shiftW)
 *
 * Byte addresses: x and out float64 (channels last), k and bias float32 (k as Keras stores it:
 * (kh, kw, cin/groups, cout), or (kh, kw, c) for depthwise); bias −1 for none.
 */
import { Code, OP, SIMD } from "./wasm-asm.js";
import type { WasmFunction } from "./wasm-asm.js";
import { accumulate, declareBlockLocals, forBlocks, forUp, loadBlockF32, MORE_OP, storeBlock, WIDTHS, zeroBlock } from "./block-loops.js";
import type { Width } from "./block-loops.js";

const PARAMS = ["x", "inH", "inW", "cin", "k", "bias", "out", "outH", "outW", "cout", "kh", "kw", "sh", "sw", "dh", "dw", "padTop", "padLeft", "groups"];

function conv2dRows(): Code {
  const c = new Code(PARAMS.map((name) => [name, "i32"] as [string, "i32"]), []);
  for (const name of ["oy", "ox", "g", "o", "oEnd", "ky", "kx", "iy", "ix", "cpg", "opg", "xp", "wp", "op", "at", "rowStride"]) c.local(name, "i32");
  declareBlockLocals(c);
  c.get("cin").get("groups").op(...MORE_OP.i32DivS).set("cpg");
  c.get("cout").get("groups").op(...MORE_OP.i32DivS).set("opg");
  c.get("cout").i32(2).op(...OP.i32Shl).set("rowStride");
  c.get("out").set("op");
  forUp(c, "oy", "outH", () =>
    forUp(c, "ox", "outW", () => {
      forUp(c, "g", "groups", () => {
        c.get("g").get("opg").op(...OP.i32Mul).tee("o").get("opg").op(...OP.i32Add).set("oEnd");
        for (const width of WIDTHS) forBlocks(c, "o", width, "oEnd", () => outputBlock(c, width));
      });
      c.get("op").get("cout").i32(3).op(...OP.i32Shl, ...OP.i32Add).set("op");
    }));
  return c;
}

/** Outputs o … o+width−1 of the position at `op`, group g: bias, every tap's channels, store. */
function outputBlock(c: Code, width: Width): void {
  initFromBias(c, width);
  forEachTap(c, () => {
    // xp = x + ((iy·inW + ix)·cin + g·cpg)·8; wp = k + ((ky·kw + kx)·cpg·cout + o)·4
    c.get("x").get("iy").get("inW").op(...OP.i32Mul).get("ix").op(...OP.i32Add).get("cin").op(...OP.i32Mul);
    c.get("g").get("cpg").op(...OP.i32Mul, ...OP.i32Add).i32(3).op(...OP.i32Shl, ...OP.i32Add).set("xp");
    c.get("k").get("ky").get("kw").op(...OP.i32Mul).get("kx").op(...OP.i32Add).get("cpg").op(...OP.i32Mul).get("cout").op(...OP.i32Mul);
    c.get("o").op(...OP.i32Add).i32(2).op(...OP.i32Shl, ...OP.i32Add).set("wp");
    accumulate(c, width, { xp: "xp", wp: "wp", rowStride: "rowStride", count: "cpg", weights: "f32", skipZeros: true });
  });
  storeAt(c, width);
}

/** The block's accumulators from bias[o…] (float32, promoted), or +0 when bias is −1. */
function initFromBias(c: Code, width: Width): void {
  c.get("bias").i32(0).op(...OP.i32LtS, ...OP.if);
  zeroBlock(c, width);
  c.op(...MORE_OP.else);
  c.get("bias").get("o").i32(2).op(...OP.i32Shl, ...OP.i32Add).set("at");
  loadBlockF32(c, width, "at");
  c.op(...OP.end);
}

/** Stores the block at output channel o of the position at `op`. */
function storeAt(c: Code, width: Width): void {
  c.get("op").get("o").i32(3).op(...OP.i32Shl, ...OP.i32Add).set("at");
  storeBlock(c, width, "at");
}

/** `body` for every tap (ky, kx) ascending whose input position (iy, ix) is inside the input. */
function forEachTap(c: Code, body: () => void): void {
  forUp(c, "ky", "kh", () => {
    tapIndex(c, "iy", "oy", "sh", "ky", "dh", "padTop");
    c.get("iy").get("inH").op(...MORE_OP.i32GeU, ...OP.brIf(0)); // outside the input (padding): continue
    forUp(c, "kx", "kw", () => {
      tapIndex(c, "ix", "ox", "sw", "kx", "dw", "padLeft");
      c.get("ix").get("inW").op(...MORE_OP.i32GeU, ...OP.brIf(0));
      body();
    });
  });
}

const DEPTHWISE_PARAMS = ["x", "inH", "inW", "cin", "k", "bias", "out", "outH", "outW", "kh", "kw", "sh", "sw", "dh", "dw", "padTop", "padLeft"];

/**
 * depthwiseRows: `depthwiseConv2d` with one filter per channel (depth multiplier 1): out[o] = bias[o]
 * + Σ over taps ascending of x[tap][o] · k[tap][o], no zero skipping (as the JS loop); 8 channels at a time.
 */
function depthwiseRows(): Code {
  const c = new Code(DEPTHWISE_PARAMS.map((name) => [name, "i32"] as [string, "i32"]), []);
  for (const name of ["oy", "ox", "o", "ky", "kx", "iy", "ix", "xp", "wp", "op", "at"]) c.local(name, "i32");
  declareBlockLocals(c);
  c.get("out").set("op");
  forUp(c, "oy", "outH", () =>
    forUp(c, "ox", "outW", () => {
      c.i32(0).set("o");
      for (const width of WIDTHS) {
        forBlocks(c, "o", width, "cin", () => {
          initFromBias(c, width);
          forEachTap(c, () => {
            // xp = x + ((iy·inW + ix)·cin + o)·8; wp = k + ((ky·kw + kx)·cin + o)·4
            c.get("x").get("iy").get("inW").op(...OP.i32Mul).get("ix").op(...OP.i32Add).get("cin").op(...OP.i32Mul);
            c.get("o").op(...OP.i32Add).i32(3).op(...OP.i32Shl, ...OP.i32Add).set("xp");
            c.get("k").get("ky").get("kw").op(...OP.i32Mul).get("kx").op(...OP.i32Add).get("cin").op(...OP.i32Mul);
            c.get("o").op(...OP.i32Add).i32(2).op(...OP.i32Shl, ...OP.i32Add).set("wp");
            multiplyAdd(c, width);
          });
          storeAt(c, width);
        });
      }
      c.get("op").get("cin").i32(3).op(...OP.i32Shl, ...OP.i32Add).set("op");
    }));
  return c;
}

/** acc[0, width) += x[xp…] · promote(k[wp…]), lane by lane. */
function multiplyAdd(c: Code, width: Width): void {
  if (width === 1) {
    c.get("accS").get("xp").mem(OP.f64Load, 3, 0).get("wp").mem(OP.f32Load, 2, 0).op(...OP.f64PromoteF32, ...OP.f64Mul, ...OP.f64Add).set("accS");
    return;
  }
  for (let k = 0; k < width / 2; k++) {
    c.get(`acc${k}`).get("xp").mem([0xfd, SIMD.load], 3, 16 * k);
    c.get("wp").mem([0xfd, SIMD.load64Zero], 2, 8 * k).simd(SIMD.f64x2PromoteLowF32x4);
    c.simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add).set(`acc${k}`);
  }
}

/** index = pos·stride + tap·dilation − pad (negative when in the padding before the input). */
function tapIndex(c: Code, index: string, pos: string, stride: string, tap: string, dilation: string, pad: string): void {
  c.get(pos).get(stride).op(...OP.i32Mul).get(tap).get(dilation).op(...OP.i32Mul, ...OP.i32Add).get(pad).op(...OP.i32Sub).set(index);
}

const TRANSPOSE_PARAMS = ["x", "h", "w", "cin", "kt", "out", "oh", "ow", "f", "kh", "kw", "sh", "sw", "dh", "dw", "shiftH", "shiftW"];

/**
 * transposeRows: `convTranspose2d`'s scatter onto an output already holding the bias. For each input
 * position and tap inside the output, s[c] = Σ_e x[e] · k[a][b][c][e] from +0 (e ascending, no zero
 * skipping), then out[c] = out[c] + s[c], as the JS loop; `kt` is the kernel with its last two axes
 * swapped, (kh, kw, cin, f), so 8 channels' weights for one e are adjacent.
 */
function transposeRows(): Code {
  const c = new Code(TRANSPOSE_PARAMS.map((name) => [name, "i32"] as [string, "i32"]), []);
  for (const name of ["i", "j", "a", "b", "r", "q", "ch", "x0", "xp", "wp", "k0", "o0", "at", "rowStride"]) c.local(name, "i32");
  declareBlockLocals(c);
  c.get("f").i32(2).op(...OP.i32Shl).set("rowStride");
  c.get("x").set("x0");
  forUp(c, "i", "h", () => {
    forUp(c, "j", "w", () => {
      forUp(c, "a", "kh", () => {
        tapIndex(c, "r", "i", "sh", "a", "dh", "shiftH");
        c.get("r").get("oh").op(...MORE_OP.i32GeU, ...OP.brIf(0)); // cropped: continue
        forUp(c, "b", "kw", () => {
          tapIndex(c, "q", "j", "sw", "b", "dw", "shiftW");
          c.get("q").get("ow").op(...MORE_OP.i32GeU, ...OP.brIf(0));
          // o0 = out + (r·ow + q)·f·8; k0 = kt + (a·kw + b)·cin·f·4
          c.get("out").get("r").get("ow").op(...OP.i32Mul).get("q").op(...OP.i32Add).get("f").op(...OP.i32Mul).i32(3).op(...OP.i32Shl, ...OP.i32Add).set("o0");
          c.get("kt").get("a").get("kw").op(...OP.i32Mul).get("b").op(...OP.i32Add).get("cin").op(...OP.i32Mul).get("f").op(...OP.i32Mul).i32(2).op(...OP.i32Shl, ...OP.i32Add).set("k0");
          c.i32(0).set("ch");
          for (const width of WIDTHS) {
            forBlocks(c, "ch", width, "f", () => {
              zeroBlock(c, width);
              c.get("x0").set("xp");
              c.get("k0").get("ch").i32(2).op(...OP.i32Shl, ...OP.i32Add).set("wp");
              accumulate(c, width, { xp: "xp", wp: "wp", rowStride: "rowStride", count: "cin", weights: "f32", skipZeros: false });
              c.get("o0").get("ch").i32(3).op(...OP.i32Shl, ...OP.i32Add).set("at");
              addBlockInto(c, width, "at");
            });
          }
        });
      });
      c.get("x0").get("cin").i32(3).op(...OP.i32Shl, ...OP.i32Add).set("x0");
    });
  });
  return c;
}

/** float64 at byte address `at` (the local) = itself + the block's accumulators. */
function addBlockInto(c: Code, width: Width, at: string): void {
  if (width === 1) {
    c.get(at).get(at).mem(OP.f64Load, 3, 0).get("accS").op(...OP.f64Add).mem(OP.f64Store, 3, 0);
    return;
  }
  for (let k = 0; k < width / 2; k++) {
    c.get(at).get(at).mem([0xfd, SIMD.load], 3, 16 * k).get(`acc${k}`).simd(SIMD.f64x2Add).mem([0xfd, SIMD.store], 3, 16 * k);
  }
}

/** The convolution kernels, for the kernel module (write-kernels.ts). */
export function convKernels(): WasmFunction[] {
  return [{ name: "conv2dRows", code: conv2dRows() }, { name: "depthwiseRows", code: depthwiseRows() }, { name: "transposeRows", code: transposeRows() }];
}

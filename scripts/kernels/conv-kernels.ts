/**
 * The convolution kernel of the wasm module: the runtime's `conv2d` (and `conv1d`, a conv2d of
 * height 1) in one call. Same float64 operations in the same order as the JS loop: each output
 * starts at its bias (or +0) and adds xv · kernel for the taps (ky, kx) and channels c ascending,
 * skipping xv = 0. Where the JS loop walks one output position's channels in the innermost loop
 * (loading and storing each output once per input), this one holds 8 outputs in registers
 * (four f64x2 lanes) while it walks the taps and channels, then 2, then 1.
 *
 *   conv2dRows(x, inH, inW, cin, k, bias, out, outH, outW, cout, kh, kw, sh, sw, dh, dw, padTop, padLeft, groups)
 *
 * Byte addresses: x and out float64 (channels last), k and bias float32 (k as Keras stores it:
 * (kh, kw, cin/groups, cout)); bias −1 for none.
 */
import { Code, OP } from "./wasm-asm.js";
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
  c.get("bias").i32(0).op(...OP.i32LtS, ...OP.if);
  zeroBlock(c, width);
  c.op(...MORE_OP.else);
  c.get("bias").get("o").i32(2).op(...OP.i32Shl, ...OP.i32Add).set("at");
  loadBlockF32(c, width, "at");
  c.op(...OP.end);
  forUp(c, "ky", "kh", () => {
    tapIndex(c, "iy", "oy", "sh", "ky", "dh", "padTop");
    c.get("iy").get("inH").op(...MORE_OP.i32GeU, ...OP.brIf(0)); // outside the input (padding): continue
    forUp(c, "kx", "kw", () => {
      tapIndex(c, "ix", "ox", "sw", "kx", "dw", "padLeft");
      c.get("ix").get("inW").op(...MORE_OP.i32GeU, ...OP.brIf(0));
      // xp = x + ((iy·inW + ix)·cin + g·cpg)·8; wp = k + ((ky·kw + kx)·cpg·cout + o)·4
      c.get("x").get("iy").get("inW").op(...OP.i32Mul).get("ix").op(...OP.i32Add).get("cin").op(...OP.i32Mul);
      c.get("g").get("cpg").op(...OP.i32Mul, ...OP.i32Add).i32(3).op(...OP.i32Shl, ...OP.i32Add).set("xp");
      c.get("k").get("ky").get("kw").op(...OP.i32Mul).get("kx").op(...OP.i32Add).get("cpg").op(...OP.i32Mul).get("cout").op(...OP.i32Mul);
      c.get("o").op(...OP.i32Add).i32(2).op(...OP.i32Shl, ...OP.i32Add).set("wp");
      accumulate(c, width, { xp: "xp", wp: "wp", rowStride: "rowStride", count: "cpg", weights: "f32", skipZeros: true });
    });
  });
  c.get("op").get("o").i32(3).op(...OP.i32Shl, ...OP.i32Add).set("at");
  storeBlock(c, width, "at");
}

/** index = pos·stride + tap·dilation − pad (negative when in the padding before the input). */
function tapIndex(c: Code, index: string, pos: string, stride: string, tap: string, dilation: string, pad: string): void {
  c.get(pos).get(stride).op(...OP.i32Mul).get(tap).get(dilation).op(...OP.i32Mul, ...OP.i32Add).get(pad).op(...OP.i32Sub).set(index);
}

/** The convolution kernels, for the kernel module (write-kernels.ts). */
export function convKernels(): WasmFunction[] {
  return [{ name: "conv2dRows", code: conv2dRows() }];
}

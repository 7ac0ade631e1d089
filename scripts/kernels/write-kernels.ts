/**
 * npm run kernels: writes the kernel module's bytes (scripts/kernels/simd-kernels.ts) into the
 * runtime, as base64 between the kernel-bytes markers. test/wasm-kernels.test.ts checks they match.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { attentionKernels } from "./attention-kernels.js";
import { convKernels } from "./conv-kernels.js";
import { kernelModuleBytes } from "./simd-kernels.js";

const RUNTIME = fileURLToPath(new URL("../../runtime/keras2ts-runtime.ts", import.meta.url));

/** The runtime text with `const base64 = "…"` (the bytes, 96 base64 digits a line) between the markers. */
export function runtimeWithKernelBytes(runtime: string, bytes: Uint8Array): string {
  const start = "// kernel-bytes:start\n";
  const end = "  // kernel-bytes:end";
  const a = runtime.indexOf(start);
  const b = runtime.indexOf(end);
  if (a < 0 || b < a) throw new Error("runtime lacks the kernel-bytes markers");
  const text = Buffer.from(bytes).toString("base64");
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += 96) lines.push(`    "${text.slice(i, i + 96)}"`);
  return `${runtime.slice(0, a + start.length)}  const base64 =\n${lines.join(" +\n")};\n${runtime.slice(b)}`;
}

/** Every kernel: simd-kernels.ts' products, then conv-kernels.ts' and attention-kernels.ts'. */
export function allKernelBytes(): Uint8Array {
  return kernelModuleBytes([...convKernels(), ...attentionKernels()]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(RUNTIME, runtimeWithKernelBytes(readFileSync(RUNTIME, "utf8"), allKernelBytes()));
  console.log(`wrote ${allKernelBytes().length} kernel bytes into runtime/keras2ts-runtime.ts`);
}

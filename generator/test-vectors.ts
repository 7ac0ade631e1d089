/**
 * `--test-vectors FILE`: Keras' own inputs and outputs, checked against the generated module by a test
 * file written beside it (plain `node:test` and `node:assert`, no framework).
 *
 * The JSON format (what `model.predict` gives, written by the README's Python snippet):
 *   { "atol"?: number, "rtol"?: number,
 *     "inputs":  [{ "name"?: string, "shape": [batch, ...], "data": nested or flat numbers }, ...],
 *     "outputs": [{ "name"?: string, "shape": [batch, ...], "data": ... }, ...] }
 * or, for stateful models, consecutive calls on one session:
 *   { "steps": [{ "inputs": [...], "outputs": [...] } | { "reset": true }, ...], ... }
 * Inputs and outputs are in the generated module's `inputs`/`outputs` order.
 */
import { KerasError } from "./errors.js";
import type { Model, Shape } from "./ir/types.js";
import { commentText, stringLiteral } from "./emit/names.js";

export const DEFAULT_ATOL = 1e-5;
export const DEFAULT_RTOL = 1e-4;

/** One call of `predict` (or a `resetStates()`), with flat per-input arguments and per-output results. */
export type VectorCall = { readonly inputs: number[][]; readonly outputs: number[][] } | { readonly reset: true };

export interface TestVectors {
  readonly sourceName: string;
  readonly atol: number;
  readonly rtol: number;
  readonly calls: readonly VectorCall[];
  /** True when the calls run in sequence on one session (stateful steps). */
  readonly sequential: boolean;
}

interface Tensor {
  readonly shape: number[];
  readonly values: number[];
}

/** Parses and checks the vectors against the model's inputs and outputs; every problem is one clear line. */
export function readTestVectors(text: string, sourceName: string, model: Model): TestVectors {
  const fail = (why: string): never => {
    throw new KerasError(`test vectors ${commentText(sourceName)}: ${why}`);
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return fail(`not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(json)) return fail("expected a JSON object with inputs and outputs (or steps)");
  const atol = tolerance(json["atol"], DEFAULT_ATOL, "atol", fail);
  const rtol = tolerance(json["rtol"], DEFAULT_RTOL, "rtol", fail);
  const inputSizes = model.inputs.map((io) => model.values[io.value]!.shape);
  const outputSizes = model.outputs.map((io) => model.values[io.value]!.shape);
  const batchCalls = (entry: Record<string, unknown>, where: string): VectorCall[] => {
    const inputs = tensors(entry["inputs"], `${where}inputs`, inputSizes, fail);
    const outputs = tensors(entry["outputs"], `${where}outputs`, outputSizes, fail);
    const batch = inputs[0]?.shape[0] ?? 0;
    for (const t of [...inputs, ...outputs]) if (t.shape[0] !== batch) fail(`${where}every tensor needs the same batch size (${batch})`);
    return Array.from({ length: batch }, (_, b) => ({
      inputs: inputs.map((t) => sampleOf(t, b)),
      outputs: outputs.map((t) => sampleOf(t, b)),
    }));
  };
  if (Array.isArray(json["steps"])) {
    const calls = json["steps"].flatMap((step: unknown, n): VectorCall[] => {
      if (!isObject(step)) return fail(`steps[${n}] is not an object`);
      return step["reset"] === true ? [{ reset: true }] : batchCalls(step, `steps[${n}].`);
    });
    if (!calls.some((c) => !("reset" in c))) fail("no step has inputs and outputs");
    return { sourceName, atol, rtol, calls, sequential: true };
  }
  const calls = batchCalls(json, "");
  if (calls.length === 0) fail("the batch is empty");
  return { sourceName, atol, rtol, calls, sequential: false };
}

function tolerance(v: unknown, fallback: number, key: string, fail: (why: string) => never): number {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) return fail(`${key} must be a number ≥ 0`);
  return v;
}

/** The tensors of one list, checked against the model's per-sample shapes (a null/string dim takes any length). */
function tensors(v: unknown, where: string, shapes: readonly Shape[], fail: (why: string) => never): Tensor[] {
  if (!Array.isArray(v)) return fail(`${where} must be a list with one tensor per model ${where.endsWith("inputs") ? "input" : "output"}`);
  if (v.length !== shapes.length) fail(`${where} has ${v.length} tensors, the model has ${shapes.length}`);
  return v.map((t: unknown, k) => {
    if (!isObject(t) || !Array.isArray(t["shape"]) || !t["shape"].every((d) => Number.isSafeInteger(d) && d >= 0)) {
      return fail(`${where}[${k}] needs "shape": [batch, ...] of whole numbers`);
    }
    const shape = t["shape"] as number[];
    const values = flatNumbers(t["data"], `${where}[${k}]`, fail);
    const count = shape.reduce((a, b) => a * b, 1);
    if (values.length !== count) fail(`${where}[${k}] has ${values.length} values, its shape ${JSON.stringify(shape)} holds ${count}`);
    const model = shapes[k]!;
    const fixed = model.every((d) => typeof d === "number");
    if (shape.length !== model.length + 1 || (fixed && shape.slice(1).some((d, i) => d !== model[i]))) {
      fail(`${where}[${k}] has shape ${JSON.stringify(shape)}, the model's is [batch, ${model.map((d) => (typeof d === "number" ? d : "null")).join(", ")}]`);
    }
    return { shape, values };
  });
}

/** Nested lists (numpy `tolist()`) or a flat list, of finite numbers or the strings "NaN"/"Infinity"/"-Infinity". */
function flatNumbers(data: unknown, where: string, fail: (why: string) => never): number[] {
  const out: number[] = [];
  const stack: unknown[] = [data];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    } else if (typeof v === "number") {
      out.push(v);
    } else if (v === "NaN" || v === "Infinity" || v === "-Infinity") {
      out.push(Number(v));
    } else {
      fail(`${where}.data holds ${JSON.stringify(v)?.slice(0, 40) ?? String(v)}, not a number`);
    }
  }
  return out;
}

function sampleOf(t: Tensor, b: number): number[] {
  const per = t.shape.slice(1).reduce((a, c) => a * c, 1);
  return t.values.slice(b * per, (b + 1) * per);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `model.ts` → `model.test.ts`: the test file sits beside the module, in its language. */
export function testFileName(moduleName: string): string {
  const dot = moduleName.lastIndexOf(".");
  return dot > 0 ? `${moduleName.slice(0, dot)}.test${moduleName.slice(dot)}` : `${moduleName}.test.js`;
}

/** The header line recording the check in the generated module. */
export function testVectorsHeader(v: TestVectors, testFile: string): string {
  const checked = v.calls.filter((c) => !("reset" in c)).length;
  return `// Checked against ${checked} Keras output${checked === 1 ? "" : "s"} (${commentText(v.sourceName)}) by ${commentText(testFile)}: |got - keras| <= ${v.atol} + ${v.rtol}·|keras|.`;
}

export interface TestFileOptions {
  /** The module's file name, imported by a relative specifier. */
  readonly moduleFile: string;
  readonly language: "ts" | "js";
  /** How the test file loads the module: an ES import or require(). */
  readonly format: "esm" | "cjs";
}

/** A self-contained `node:test` file checking the module against the vectors. */
export function testFileText(v: TestVectors, o: TestFileOptions): string {
  const ts = o.language === "ts";
  const specifier = stringLiteral(`./${o.moduleFile.replace(/\.ts$/, ".js")}`);
  const imports = o.format === "esm"
    ? [`import { test } from "node:test";`, `import assert from "node:assert/strict";`, `import { createSession } from ${specifier};`]
    : [`const { test } = require("node:test");`, `const assert = require("node:assert/strict");`, `const { createSession } = require(${specifier});`];
  const calls = v.calls.map((c) => ("reset" in c ? "  { reset: true }," : `  { inputs: ${numbers(c.inputs)}, outputs: ${numbers(c.outputs)} },`));
  const callType = ts ? ": readonly ({ inputs: number[][]; outputs: number[][] } | { reset: true })[]" : "";
  const arr = ts ? ": ArrayLike<number>" : "";
  return [
    `// @generated by keras2ts: Keras' recorded outputs for ${commentText(o.moduleFile)} (from ${commentText(v.sourceName)}). DO NOT EDIT.`,
    `// Run: node --test <this file>${ts ? " (compiled, or through tsx)" : ""}`,
    ...imports,
    "",
    `const atol = ${v.atol};`,
    `const rtol = ${v.rtol};`,
    "",
    `/** ${v.sequential ? "Consecutive calls on one session (stateful)" : "One sample per call"}: flat inputs and Keras' outputs, in the module's order. */`,
    `const calls${callType} = [`,
    ...calls,
    "];",
    "",
    `function check(got${arr}, want${arr}, label${ts ? ": string" : ""})${ts ? ": void" : ""} {`,
    "  assert.equal(got.length, want.length, `${label}: ${got.length} values, Keras has ${want.length}`);",
    "  for (let i = 0; i < want.length; i++) {",
    "    const g = got[i]!, w = want[i]!;".replace(/!/g, ts ? "!" : ""),
    "    if (Number.isNaN(g) && Number.isNaN(w)) continue;",
    "    const diff = Math.abs(g - w);",
    "    if (!(diff <= atol + rtol * Math.abs(w))) assert.fail(`${label}[${i}]: got ${g}, Keras ${w} (|diff| ${diff} > ${atol} + ${rtol}·|Keras|)`);",
    "  }",
    "}",
    "",
    `test(${stringLiteral(`${o.moduleFile} reproduces Keras' outputs`)}, () => {`,
    "  const session = createSession();",
    "  calls.forEach((call, n) => {",
    `    if ("reset" in call) return session.resetStates();`,
    ts ? "    const result = (session.predict as (...xs: ArrayLike<number>[]) => Float32Array | Float32Array[])(...call.inputs);" : "    const result = session.predict(...call.inputs);",
    "    const outs = Array.isArray(result) ? result : [result];",
    "    assert.equal(outs.length, call.outputs.length, `call ${n}: ${outs.length} outputs, Keras has ${call.outputs.length}`);",
    "    call.outputs.forEach((want, k) => check(outs[k]!, want, `call ${n} output ${k}`));".replace(/!/g, ts ? "!" : ""),
    "  });",
    "});",
    "",
  ].join("\n");
}

function numbers(lists: readonly number[][]): string {
  return `[${lists.map((l) => `[${l.map(numberText).join(", ")}]`).join(", ")}]`;
}

function numberText(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  return Object.is(x, -0) ? "-0" : String(x);
}

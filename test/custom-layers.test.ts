/**
 * Custom layers (`--custom NAME=FILE`): Lambda and user-defined classes fail with a one-line hint
 * without an implementation; with one, the module imports it and computes the model.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { generate, loadCustomLayers, loadModel } from "../generator/index.js";
import { FIXTURES, GENERATED, REPO, readCase, samples, worstExcess, type GeneratedModule } from "./helpers/cases.js";
import { typecheck } from "./helpers/typecheck.js";
import { kerasZip } from "./helpers/write-model.js";

const IMPLS = join(REPO, "test/fixtures/custom");
const LSTM_CASE = join(FIXTURES, "lstm_default");
const work = join(GENERATED, "custom-layers");

const run = (...args: string[]) => runCli(work, args);

/** lstm_default (Input (5,4) → LSTM(8) → Dense(3)) with `layer` inserted between the LSTM and the Dense. */
function withLayerAfterLstm(file: string, layer: Record<string, unknown>): string {
  const zip = unzipSync(new Uint8Array(readFileSync(join(LSTM_CASE, "model.keras"))));
  const config = JSON.parse(strFromU8(zip["config.json"]!)) as { config: { layers: unknown[] } };
  config.config.layers.splice(2, 0, layer);
  zip["config.json"] = strToU8(JSON.stringify(config));
  writeFileSync(join(work, file), zipSync(zip));
  return join(work, file);
}

const scaleLayer = (factor: number) => ({
  module: "my_package",
  class_name: "Scale",
  config: { name: "scale_1", trainable: true, dtype: "float32", factor },
  registered_name: "my_package>Scale",
  build_config: { input_shape: [null, 8] },
});

const lambdaLayer = (outputShape: unknown) => ({
  module: "keras.layers",
  class_name: "Lambda",
  config: {
    name: "lambda",
    trainable: true,
    dtype: "float32",
    function: { module: "builtins", class_name: "function", config: "lambda x: 2 * x", registered_name: "function" },
    output_shape: outputShape,
    arguments: {},
  },
  registered_name: null,
});

/** The fixture's Keras outputs for its recorded inputs, and the Dense bias. */
async function lstmReference(): Promise<{ xs: number[][]; ys: number[][]; bias: Float32Array; atol: number; rtol: number }> {
  const c = readCase(LSTM_CASE);
  const model = await loadModel(new Uint8Array(readFileSync(join(LSTM_CASE, "model.keras"))), { sourceName: "model.keras" });
  const dense = model.calls.find((call) => call.layer.className === "Dense")!.layer;
  return { xs: samples(c.inputs[0]!), ys: samples(c.outputs[0]!), bias: dense.weights[1]!.data, atol: c.atol, rtol: c.rtol };
}

async function expectPredicts(modulePath: string, xs: number[][], want: (k: number) => number[], atol: number, rtol: number): Promise<void> {
  const mod = (await import(modulePath)) as GeneratedModule;
  xs.forEach((x, k) => {
    const got = mod.predict(x) as Float32Array;
    expect(worstExcess(got, want(k), atol, rtol).excess).toBeLessThanOrEqual(0);
  });
}

beforeAll(() => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
});

describe("models with custom layers, without an implementation", () => {
  it("fail with one line naming the layer, its class and the --custom flag, exit 1, no output", () => {
    const model = withLayerAfterLstm("scale.keras", scaleLayer(2));
    const r = run("generate", model, "-o", "none/model.ts");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`keras2ts: ${model}: scale_1 (Scale): custom layer: supply its TypeScript implementation with --custom Scale=./scale.ts\n`);
    expect(existsSync(join(work, "none"))).toBe(false);
  });

  it("name a Lambda layer by its layer name", () => {
    const r = run("generate", withLayerAfterLstm("lambda.keras", lambdaLayer([8])), "-o", "none/model.ts");
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/: lambda \(Lambda\): Lambda layer \(Python code keras2ts cannot translate\): supply its TypeScript implementation with --custom lambda=\.\/lambda\.ts\n$/);
  });
});

describe("--custom NAME=FILE", () => {
  it("imports a TypeScript implementation: strict-clean module, Scale(1) equals Keras, Scale(2) the scaled LSTM", async () => {
    const ref = await lstmReference();
    for (const factor of [1, 2]) {
      const model = withLayerAfterLstm(`scale${factor}.keras`, scaleLayer(factor));
      const r = run("generate", model, "-o", `scale${factor}/model.ts`, "--custom", `Scale=${join(IMPLS, "scale.ts")}`);
      expect(r).toMatchObject({ code: 0, stderr: "" });
      const path = join(work, `scale${factor}/model.ts`);
      const text = readFileSync(path, "utf8");
      expect(text).toContain('import * as custom_scale from "../../../fixtures/custom/scale.js";');
      expect(text).toContain('"factor":');
      expect(typecheck([path])).toEqual([]);
      // Dense(f·h) = f·(Dense(h) − b) + b
      const want = (k: number) => ref.ys[k]!.map((y, j) => factor * (y - ref.bias[j]!) + ref.bias[j]!);
      await expectPredicts(path, ref.xs, want, ref.atol, ref.rtol);
    }
  });

  it("matches a layer name before a class name, and imports a JavaScript implementation into a JavaScript module", async () => {
    const ref = await lstmReference();
    const model = withLayerAfterLstm("lambda-js.keras", lambdaLayer([8]));
    expect(run("generate", model, "-o", "lambda/model.mjs", "--custom", `lambda=${join(IMPLS, "double.mjs")}`)).toMatchObject({ code: 0, stderr: "" });
    const want = (k: number) => ref.ys[k]!.map((y, j) => 2 * (y - ref.bias[j]!) + ref.bias[j]!);
    await expectPredicts(join(work, "lambda/model.mjs"), ref.xs, want, ref.atol, ref.rtol);
  });

  it("writes the same module from any working directory", () => {
    const model = withLayerAfterLstm("scale-cwd.keras", scaleLayer(2));
    const impl = join(IMPLS, "scale.ts");
    expect(run("generate", model, "-o", join(work, "cwd/model.ts"), "--custom", `Scale=${impl}`).code).toBe(0);
    const first = readFileSync(join(work, "cwd/model.ts"), "utf8");
    const r = runCli(GENERATED, ["generate", model, "-o", "custom-layers/cwd/model.ts", "--custom", `Scale=${impl}`, "--check"]);
    expect(r.code).toBe(0);
    expect(first).toContain("../../../fixtures/custom/scale.js");
  });

  it("passes a custom layer's weights, and inspect lists them by file name", async () => {
    const bias = [0.5, -1, 2];
    const kernel = [1, 2, 3, 4, 5, 6]; // (3, 2)
    const config = {
      module: "keras", class_name: "Sequential",
      config: {
        name: "seq",
        layers: [
          { module: "keras.layers", class_name: "InputLayer", config: { batch_shape: [null, 3], dtype: "float32", name: "input_layer" }, registered_name: null },
          { module: "my_package", class_name: "AddBias", config: { name: "add_bias", dtype: "float32" }, registered_name: "my_package>AddBias" },
          { module: "keras.layers", class_name: "Dense", config: { name: "dense", units: 2, activation: "linear", use_bias: true }, registered_name: null },
        ],
      },
    };
    writeFileSync(join(work, "bias.keras"), await kerasZip(config, [
      { path: "add_bias", name: "add_bias", vars: [{ name: "0", shape: [3], data: bias }] },
      { path: "dense", name: "dense", vars: [{ name: "0", shape: [3, 2], data: kernel }, { name: "1", shape: [2], data: [0.25, 0] }] },
    ]));
    const custom = `AddBias=${join(IMPLS, "add-bias.ts")}`;
    expect(run("generate", "bias.keras", "-o", "bias/model.ts", "--custom", custom)).toMatchObject({ code: 0, stderr: "" });
    expect(typecheck([join(work, "bias/model.ts")])).toEqual([]);
    const x = [1, 2, 3];
    const h = x.map((v, i) => v + bias[i]!);
    const want = [0, 1].map((j) => h.reduce((s, v, i) => s + v * kernel[i * 2 + j]!, 0) + [0.25, 0][j]!);
    await expectPredicts(join(work, "bias/model.ts"), [x], () => want, 1e-6, 1e-6);
    const inspect = run("inspect", "bias.keras", "--custom", custom);
    expect(inspect.code).toBe(0);
    expect(inspect.stdout).toContain("add_bias (AddBias)  output (3)  params 3");
    expect(inspect.stdout).toContain("vars/0 [3]");
  });

  it("works through the library API with an implementation object", async () => {
    const bytes = new Uint8Array(readFileSync(withLayerAfterLstm("api.keras", scaleLayer(3))));
    const customLayers = await loadCustomLayers([{ name: "scale_1", path: join(IMPLS, "scale.ts") }], join(work, "api/model.ts"));
    const [file] = await generate(bytes, "model.ts", { sourceName: "api.keras", customLayers });
    expect(file!.text).toContain('from "../../../fixtures/custom/scale.js"');
    const direct = [{ name: "Scale", specifier: "./scale.js", implementation: { outputShape: (s: readonly (readonly number[])[]) => [...s[0]!] } }];
    const [other] = await generate(bytes, "model.ts", { sourceName: "api.keras", customLayers: direct });
    expect(other!.text).toContain('import * as custom_scale from "./scale.js";');
  });
});

describe("custom layers with hostile names and configs", () => {
  it("keep names in comments and identifiers safe and the config exact (a __proto__ key stays a key)", async () => {
    const ref = await lstmReference();
    const name = 'evil*/ "\u2028\u202e`${x}`';
    const layer = scaleLayer(2);
    const hostile = { ...layer, config: { ...layer.config, name, __proto__x: 1, note: "*/ \u2028 </script>" } };
    const text = JSON.stringify(hostile).replace('"__proto__x"', '"__proto__"');
    const model = withLayerAfterLstm("hostile.keras", JSON.parse(text) as Record<string, unknown>);
    const customLayers = await loadCustomLayers([{ name, path: join(IMPLS, "scale.ts") }], join(work, "hostile/model.ts"));
    const files = await generate(new Uint8Array(readFileSync(model)), "model.ts", { sourceName: "hostile.keras", customLayers });
    mkdirSync(join(work, "hostile"), { recursive: true });
    for (const f of files) writeFileSync(join(work, "hostile", f.name), f.text);
    const path = join(work, "hostile/model.ts");
    expect(files[0]!.text).not.toMatch(/[\u2028\u202e]/);
    expect(files[0]!.text).toContain("JSON.parse(");
    expect(typecheck([path])).toEqual([]);
    const want = (k: number) => ref.ys[k]!.map((y, j) => 2 * (y - ref.bias[j]!) + ref.bias[j]!);
    await expectPredicts(path, ref.xs, want, ref.atol, ref.rtol);
  });
});

describe("--custom errors", () => {
  const model = () => withLayerAfterLstm("errors.keras", scaleLayer(2));
  const bad = (name: string, text: string) => {
    writeFileSync(join(work, name), text);
    return join(work, name);
  };
  const oneLine = (r: { code: number | null; stderr: string }, code: number, pattern: RegExp) => {
    expect(r.code).toBe(code);
    // Usage errors (exit 2) end with the pointer to --help, on the same line, as every usage error does.
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    if (code === 2) expect(r.stderr).toMatch(/ \(run "keras2ts --help" for usage\)\n$/);
    expect(r.stderr).toMatch(pattern);
  };

  it("refuses a name that is neither a layer nor a class of the model", () => {
    oneLine(run("generate", model(), "-o", "err/model.ts", "--custom", `Nope=${join(IMPLS, "scale.ts")}`), 1, /: --custom Nope: no layer or layer class of that name in the model\n$/);
    expect(existsSync(join(work, "err"))).toBe(false);
  });

  it("treats a malformed or repeated --custom as a usage error", () => {
    oneLine(run("generate", model(), "-o", "err/model.ts", "--custom", "Scale"), 2, /--custom expects NAME=FILE/);
    oneLine(run("generate", model(), "-o", "err/model.ts", "--custom", "Scale=a.ts", "--custom", "Scale=b.ts"), 2, /--custom Scale is given twice/);
  });

  it("reports a missing file, a missing export, a compile error, a throwing or wrong outputShape", () => {
    const cases: [string, RegExp][] = [
      [join(work, "missing.ts"), /--custom Scale: missing\.ts: cannot read it \(no such file\)$/],
      [bad("no-forward.ts", "export function outputShape(s: number[][]) { return s[0]; }\n"), /--custom Scale: no-forward\.ts exports no forward function/],
      [bad("syntax.ts", "export function forward( {\n"), /--custom Scale: syntax\.ts: does not compile: /],
      [bad("throws.ts", "export function outputShape(): number[] { throw new Error('no shape'); }\nexport function forward() {}\n"), /scale_1 \(Scale\): custom layer: outputShape threw: no shape$/],
      [bad("zero.ts", "export function outputShape() { return [0, 3]; }\nexport function forward() {}\n"), /scale_1 \(Scale\): custom layer: outputShape returned \[0,3\], expected an array of positive whole numbers/],
      [bad("text.mjs", "export const outputShape = () => 'big';\nexport function forward() {}\n"), /custom layer: outputShape returned "big"/],
    ];
    for (const [impl, pattern] of cases) oneLine(run("generate", model(), "-o", "err/model.ts", "--custom", `Scale=${impl}`), 1, new RegExp(pattern.source.replace(/\$$/, "\\n$")));
    expect(existsSync(join(work, "err"))).toBe(false);
  });

  it("checks an implementation against a Lambda's recorded output_shape", () => {
    const wrong = bad("seven.ts", "export function outputShape() { return [7]; }\nexport function forward() {}\n");
    const r = run("generate", withLayerAfterLstm("lambda-shape.keras", lambdaLayer([8])), "-o", "err/model.ts", "--custom", `lambda=${wrong}`);
    oneLine(r, 1, /lambda \(Lambda\): custom layer: outputShape returned \[7\] but the Keras config records output_shape \[8\]\n$/);
  });
});

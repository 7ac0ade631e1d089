// Runs one mutant through the library in-process and classifies the outcome honestly.
import ts from "typescript";
import { caseData, sourceInput } from "./sources.js";

/** Outcomes that mean a bug in keras2ts. */
export const BUG_OUTCOMES = new Set(["bad-exit", "left-output", "internal-error", "bad-message", "accepted-wrong", "accepted-broken", "accepted-unexpected", "rejected-unexpected", "timeout", "worker-crash", "over-memory"]);

const FILE_LABEL = "mutant";

/** Runs a recipe: {id, category, expect, outcome, detail, ms}. `lib` is the keras2ts library (source or dist). */
export async function runRecipe(lib, recipe) {
  const input = await recipe.make();
  const options = { sourceName: FILE_LABEL, ...(input.configText !== undefined ? { configText: input.configText } : {}), ...(recipe.options ?? {}) };
  const started = performance.now();
  let files;
  try {
    files = await lib.generate(input.bytes, "model.ts", { ...options, inlineRuntime: true });
  } catch (err) {
    return { ...summary(recipe, started), ...(await classifyError(lib, recipe, err)) };
  }
  const verdict = await classifyAccepted(lib, recipe, files[0].text, input, options);
  return { ...summary(recipe, started), ...verdict };
}

function summary(recipe, started) {
  return { id: recipe.id, category: recipe.category, expect: recipe.expect, ms: Math.round(performance.now() - started) };
}

async function classifyError(lib, recipe, err) {
  const line = lib.formatError(FILE_LABEL, err);
  if (!(err instanceof lib.KerasError)) return { outcome: "internal-error", detail: `${line} | ${String(err?.stack ?? err).split("\n").slice(0, 4).join(" / ")}` };
  if (/[\n\r\u2028\u2029]/.test(line) || !line.startsWith(`keras2ts: ${FILE_LABEL}: `)) return { outcome: "bad-message", detail: JSON.stringify(line) };
  if (recipe.expect === "same" && (await originalError(lib, recipe.source)) !== line) return { outcome: "rejected-unexpected", detail: line };
  return { outcome: "rejected", detail: line };
}

async function classifyAccepted(lib, recipe, text, input, options) {
  if (recipe.expect === "reject") return { outcome: "accepted-unexpected", detail: "generated a module from an input that must be refused" };
  let mod;
  try {
    mod = await importModule(text);
  } catch (err) {
    return { outcome: "accepted-broken", detail: `generated module does not load: ${String(err).slice(0, 200)}` };
  }
  const inspected = await inspects(lib, input, options);
  if (inspected !== true) return { outcome: "accepted-broken", detail: inspected };
  const c = caseData(recipe.source);
  if (matchesCase(mod, c)) return { outcome: "accepted-same", detail: "module reproduces the fixture's Keras outputs" };
  if (recipe.expect === "same") return { outcome: "accepted-wrong", detail: "must compute what the fixture computes, does not" };
  const changed = await modelDiffers(lib, recipe.source, input, options);
  if (!changed) return { outcome: "accepted-wrong", detail: "same model as the fixture, different outputs" };
  const ran = runsOnOwnShapes(mod);
  if (ran !== true) return { outcome: "accepted-broken", detail: ran };
  return { outcome: "accepted-changed", detail: `valid model that differs from the fixture (${changed}); module compiles and runs` };
}

/** `inspect` must work on whatever `generate` accepts (when the library passed in has it). */
async function inspects(lib, input, options) {
  if (!lib.inspectModel) return true;
  try {
    const report = lib.inspectModel(await lib.loadModel(input.bytes, options));
    lib.formatInspect(report);
    JSON.stringify(report);
    return true;
  } catch (err) {
    return `inspect fails on a model generate accepts: ${String(err).slice(0, 200)}`;
  }
}

/** Imports generated TypeScript (runtime inlined) as a module, failing on any syntax error. */
async function importModule(text) {
  const out = ts.transpileModule(text, { reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.ESNext } });
  if (out.diagnostics?.length) throw new Error(ts.flattenDiagnosticMessageText(out.diagnostics[0].messageText, " "));
  return import(`data:text/javascript;base64,${Buffer.from(out.outputText).toString("base64")}`);
}

const flat = (d) => (Array.isArray(d) ? d.flatMap(flat) : [Number(d)]);
const list = (r) => (Array.isArray(r) ? r : [r]);

function perSample(t) {
  const all = flat(t.data);
  const per = all.length / t.shape[0];
  return Array.from({ length: t.shape[0] }, (_, b) => all.slice(b * per, (b + 1) * per));
}

function close(got, want, atol, rtol) {
  if (got.length !== want.length) return false;
  for (let i = 0; i < want.length; i++) {
    if (Number.isNaN(got[i]) !== Number.isNaN(want[i])) return false;
    if (Math.abs(got[i] - want[i]) > atol + rtol * Math.abs(want[i])) return false;
  }
  return true;
}

/** True when the module reproduces every recorded Keras output of the case. */
function matchesCase(mod, c) {
  try {
    const steps = c.steps ?? [{ inputs: c.inputs, outputs: c.outputs }];
    const session = mod.createSession();
    for (const step of steps) {
      if (step.reset) {
        session.resetStates();
        continue;
      }
      const batch = c.steps ? 1 : step.inputs[0].shape[0];
      for (let b = 0; b < batch; b++) {
        const got = list(session.predict(...step.inputs.map((t) => perSample(t)[b])));
        if (got.length !== step.outputs.length || !step.outputs.every((o, k) => close(got[k], perSample(o)[b], c.atol, c.rtol))) return false;
      }
    }
    return true;
  } catch {
    return false;
  }
}

/** Runs the module on zeros of its own declared input shapes; true, or what went wrong. */
function runsOnOwnShapes(mod) {
  try {
    const args = mod.inputs.map((io) => new Float32Array(io.shape.reduce((n, d) => n * (d ?? 3), 1)));
    const got = list(mod.predict(...args));
    const bad = mod.outputs.findIndex((o, k) => !(got[k] instanceof Float32Array) || got[k].length !== o.shape.reduce((n, d) => n * (d ?? 3), 1));
    return bad < 0 ? true : `output ${bad} has the wrong length`;
  } catch (err) {
    return `module throws on inputs of its own declared shapes: ${String(err).slice(0, 200)}`;
  }
}

const originalErrors = new Map();

/** The error line the unmutated fixture gives ("" when it generates). */
async function originalError(lib, source) {
  if (!originalErrors.has(source.id)) {
    const s = sourceInput(source);
    const options = { sourceName: FILE_LABEL, ...(s.configText !== undefined ? { configText: s.configText } : {}) };
    originalErrors.set(source.id, await lib.generate(s.bytes, "model.ts", options).then(() => "", (err) => lib.formatError(FILE_LABEL, err)));
  }
  return originalErrors.get(source.id);
}

const originals = new Map();

/** How the mutant's model differs from the fixture's (layers, configs, weights), or "" when it does not. */
async function modelDiffers(lib, source, input, options) {
  let original = originals.get(source.id);
  if (!original) {
    const s = sourceInput(source);
    original = fingerprint(await lib.loadModel(s.bytes, { sourceName: FILE_LABEL, ...(s.configText !== undefined ? { configText: s.configText } : {}) }));
    originals.set(source.id, original);
  }
  const mutant = fingerprint(await lib.loadModel(input.bytes, options));
  const keys = Object.keys(original).filter((k) => original[k] !== mutant[k]);
  return keys.join(", ");
}

function fingerprint(model) {
  const layers = [...new Set(model.calls.map((c) => c.layer))];
  return {
    io: JSON.stringify([model.inputs, model.outputs, model.calls.map((c) => [c.layer.name, c.inputs, c.outputs])]),
    configs: JSON.stringify(layers.map((l) => [l.name, l.className, l.config])),
    weights: JSON.stringify(layers.map((l) => l.weights.map((w) => [w.shape, Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength).toString("base64")]))),
  };
}

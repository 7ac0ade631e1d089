/**
 * The converter page: a dropped Keras file goes through the same generator as the CLI, in the page.
 * It shows the `inspect` view, offers the generated module (and its runtime) for download, and runs
 * the module's `predict` on numbers typed in. Nothing leaves the browser.
 */
import { formatError, generateFromModel, loadModel, type GeneratedFile, type GenerateOptions, type WeightEncoding } from "../generator/index.js";
import { formatInspect, inspectModel } from "../generator/inspect.js";
import { provideModule } from "./shims/node-module.js";

type Predict = (...xs: ArrayLike<number>[]) => Float32Array | Float32Array[];
interface LoadedModule {
  readonly inputs: readonly { name: string; shape: readonly (number | null)[] }[];
  readonly outputs: readonly { name: string; shape: readonly (number | null)[] }[];
  readonly predict: Predict;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const modelInput = $<HTMLInputElement>("model-file");
const configInput = $<HTMLInputElement>("config-file");
const status = $<HTMLParagraphElement>("status");
const urls: string[] = [];

let model: { name: string; bytes: Uint8Array } | undefined;
let config: { name: string; text: string } | undefined;
let loaded: LoadedModule | undefined;

function setStatus(text: string, kind: "" | "ok" | "error" = ""): void {
  status.textContent = text;
  status.className = kind;
}

/** The CLI's options, read from the form. */
function options(sourceName: string): GenerateOptions {
  const whole = (id: string) => {
    const v = $<HTMLInputElement>(id).value.trim();
    return v === "" ? undefined : Number(v);
  };
  const timesteps = whole("timesteps");
  const unrollLimit = whole("unroll-limit");
  return {
    sourceName,
    ...(config ? { configText: config.text } : {}),
    ...(timesteps !== undefined ? { timesteps } : {}),
    ...(unrollLimit !== undefined ? { unrollLimit } : {}),
    weightEncoding: $<HTMLSelectElement>("weights").value as WeightEncoding,
  };
}

let typescriptReady: Promise<void> | undefined;

/** The compiler that turns the module into JavaScript: a large download, fetched once, on first use. */
function loadTypeScript(): Promise<void> {
  // The generator takes the compiler API from ts-morph; the page gives it the plain TypeScript package.
  typescriptReady ??= import("typescript").then((ts) => provideModule("ts-morph", { ts: (ts as { default?: unknown }).default ?? ts }));
  return typescriptReady;
}

async function convert(): Promise<void> {
  if (!model) return;
  const { name, bytes } = model;
  const base = name.replace(/\.(keras|h5|hdf5)$/i, "").replace(/\.weights$/i, "") || "model";
  const language = $<HTMLSelectElement>("language").value as "ts" | "js";
  setStatus(`Converting ${name}…`);
  $("result").hidden = true;
  try {
    const opts = options(name);
    const model = await loadModel(bytes, opts); // read once: the download and the runnable copy share it
    const report = inspectModel(model);
    await loadTypeScript();
    const moduleName = `${base}.${language === "ts" ? "ts" : "mjs"}`;
    const files = generateFromModel(model, moduleName, { ...opts, language });
    const runnable = language === "js" ? files : generateFromModel(model, `${base}.mjs`, { ...opts, language: "js" });
    loaded = await importModule(runnable.find((f) => f.name.endsWith(".mjs") && !f.name.startsWith("keras2ts-runtime"))!, runnable.find((f) => f.name === "keras2ts-runtime.mjs"));
    showDownloads(files.filter((f) => !/\.d\.[mc]?ts$/.test(f.name)));
    $("inspect").textContent = formatInspect(report);
    showInputs(loaded);
    $("output").textContent = "";
    $("result").hidden = false;
    const lossy = files[0]?.note ? ` (${files[0].note})` : ""; // f16/int8: what they changed, as in the module header
    setStatus(`${name}: ${report.layers.length} layers, ${report.totalParams.toLocaleString("en")} parameters → ${moduleName}${lossy}`, "ok");
  } catch (err) {
    loaded = undefined;
    setStatus(formatError(name, err), "error");
  }
}

/** Imports the JavaScript module from blob URLs, its runtime import pointed at the runtime's blob. */
async function importModule(module: GeneratedFile, runtime: GeneratedFile | undefined): Promise<LoadedModule> {
  for (const url of urls.splice(0)) URL.revokeObjectURL(url);
  const blobUrl = (text: string) => {
    const url = URL.createObjectURL(new Blob([text], { type: "text/javascript" }));
    urls.push(url);
    return url;
  };
  const runtimeUrl = runtime ? blobUrl(runtime.text) : "";
  const code = module.text.replace(/from\s+"\.\/keras2ts-runtime\.[cm]?js"/g, `from "${runtimeUrl}"`);
  return (await import(/* @vite-ignore */ blobUrl(code))) as LoadedModule;
}

function showDownloads(files: readonly GeneratedFile[]): void {
  const link = (id: string, file: GeneratedFile | undefined) => {
    const a = $<HTMLAnchorElement>(id);
    a.hidden = !file;
    if (!file) return;
    const url = URL.createObjectURL(new Blob([file.text], { type: "text/plain" }));
    a.href = url;
    a.download = file.name;
    a.textContent = `Download ${file.name}`;
  };
  link("download-module", files[0]);
  link("download-runtime", files[1]);
  $("sizes").textContent = files.map((f) => `${f.name} ${(f.text.length / 1024).toFixed(1)} KB`).join(" · ");
}

function showInputs(mod: LoadedModule): void {
  const box = $("inputs");
  box.replaceChildren();
  mod.inputs.forEach((input, k) => {
    const size = input.shape.reduce<number>((n, d) => n * (d ?? 1), 1);
    const label = document.createElement("label");
    label.textContent = `${input.name} [${input.shape.map((d) => d ?? "steps").join(", ")}]`;
    const area = document.createElement("textarea");
    area.id = `input-${k}`;
    area.value = new Array<number>(size).fill(0).join(", ");
    label.append(document.createElement("br"), area);
    box.append(label);
  });
}

/** Numbers typed in any common way: commas, spaces, newlines, nested brackets. */
function parseNumbers(text: string): number[] {
  return text.split(/[\s,\[\]]+/).filter((t) => t !== "").map(Number);
}

function runPredict(): void {
  if (!loaded) return;
  const mod = loaded;
  try {
    const xs = mod.inputs.map((_, k) => parseNumbers($<HTMLTextAreaElement>(`input-${k}`).value));
    const result = mod.predict(...xs);
    const outs = Array.isArray(result) ? result : [result];
    $("output").textContent = outs
      .map((y, k) => `${mod.outputs[k]!.name} [${y.length}]: ${Array.from(y.slice(0, 512)).join(", ")}${y.length > 512 ? ", …" : ""}`)
      .join("\n");
  } catch (err) {
    $("output").textContent = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
}

async function takeModel(file: File): Promise<void> {
  model = { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
  await convert();
}

modelInput.addEventListener("change", () => {
  const file = modelInput.files?.[0];
  if (file) void takeModel(file);
});
configInput.addEventListener("change", async () => {
  const file = configInput.files?.[0];
  config = file ? { name: file.name, text: await file.text() } : undefined;
  $("config-name").textContent = config?.name ?? "";
  await convert();
});
for (const id of ["language", "weights", "timesteps", "unroll-limit"]) $(id).addEventListener("change", () => void convert());
$("predict").addEventListener("click", runPredict);

const drop = $("drop");
drop.addEventListener("dragover", (e) => {
  e.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  const file = e.dataTransfer?.files[0];
  if (file) void takeModel(file);
});

/** `inspect`: what is in a model file: layers, shapes, parameter counts, and what each weight slice means. */
import { callShapes, type Model, type Shape } from "./ir/types.js";
import { emitterFor } from "./emit/layers/registry.js";
import { terminalText } from "./errors.js";

export interface InspectReport {
  readonly model: string;
  readonly source: string;
  readonly kerasVersion: string;
  readonly notes: readonly string[];
  readonly inputs: readonly { name: string; shape: (number | null)[]; dtype: string }[];
  readonly outputs: readonly { name: string; shape: (number | null)[] }[];
  readonly layers: readonly {
    name: string;
    className: string;
    outputShapes: (number | null)[][];
    params: number;
    weights: { name: string; fileName: string; shape: number[]; slices: string[] }[];
  }[];
  readonly totalParams: number;
}

const pub = (s: Shape) => s.map((d) => (typeof d === "number" ? d : null));

export function inspectModel(model: Model): InspectReport {
  const info = { version: model.kerasVersion };
  const seen = new Set<unknown>();
  const layers = model.calls
    .filter((c) => !seen.has(c.layer) && seen.add(c.layer))
    .map((call) => {
      const specs = emitterFor(call.layer).weightSpecs(call.layer, call.inputs.map((v) => model.values[v]!.shape), { ...info, call: callShapes(call, model.values) });
      const weights = call.layer.weights.map((w, i) => ({
        name: specs[i]?.name ?? w.name,
        fileName: w.name,
        shape: [...w.shape],
        slices: [...(specs[i]?.slices ?? [])],
      }));
      return {
        name: call.layer.name,
        className: call.layer.className,
        outputShapes: call.outputs.map((v) => pub(model.values[v]!.shape)),
        params: call.layer.weights.reduce((n, w) => n + w.data.length, 0),
        weights,
      };
    });
  return {
    model: model.name,
    source: model.sourceName,
    kerasVersion: model.kerasVersion.raw,
    notes: model.notes,
    inputs: model.inputs.map((io) => ({ name: io.name, shape: pub(model.values[io.value]!.shape), dtype: model.values[io.value]!.dtype })),
    outputs: model.outputs.map((io) => ({ name: io.name, shape: pub(model.values[io.value]!.shape) })),
    layers,
    totalParams: layers.reduce((n, l) => n + l.params, 0),
  };
}

const shapeText = (s: (number | null)[]) => `(${s.map((d) => d ?? "None").join(", ")})`;

/** Names from the file shown on one line, without control, line-separator or bidi characters. */
const printable = terminalText;

export function formatInspect(r: InspectReport): string {
  const lines = [
    `Model "${printable(r.model)}" from ${printable(r.source)} (Keras ${printable(r.kerasVersion)})`,
    ...r.notes.map((n) => `  note: ${printable(n)}`),
    `Inputs:  ${r.inputs.map((i) => `${printable(i.name)} ${shapeText(i.shape)} ${i.dtype}`).join(", ")}`,
    `Outputs: ${r.outputs.map((o) => `${printable(o.name)} ${shapeText(o.shape)}`).join(", ")}`,
    "",
    "Layers:",
  ];
  for (const l of r.layers) {
    lines.push(`  ${printable(l.name)} (${printable(l.className)})  output ${l.outputShapes.map(shapeText).join(", ")}  params ${l.params}`);
    for (const w of l.weights) {
      lines.push(`    ${printable(w.name)} [${w.shape.join(", ")}]${w.fileName !== w.name ? `  (file: ${printable(w.fileName)})` : ""}`);
      for (const s of w.slices) lines.push(`      ${s}`);
    }
  }
  lines.push("", `Total params: ${r.totalParams}`);
  return lines.join("\n");
}

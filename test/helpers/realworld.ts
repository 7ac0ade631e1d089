/** The published model files in ../shared/realworld, how to load them, and sensible inputs for them. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { loadModel } from "../../generator/index.js";
import { activationName } from "../../generator/emit/activations.js";
import type { Model } from "../../generator/ir/types.js";
import { SHARED, type CaseFormat } from "./cases.js";

export const REALWORLD = join(SHARED, "realworld");

/** What a model's inputs hold: one-hot characters, token ids (for Embedding), or a numeric series. */
export type InputKind = "onehot" | "tokens" | "normal";

export interface RealworldFile {
  readonly dir: string;
  readonly model: string;
  readonly config?: string;
  readonly input: InputKind;
}

export const REALWORLD_FILES: readonly RealworldFile[] = [
  { dir: "bilstm_h5_named_keras", model: "bilstm_model.keras", input: "normal" },
  { dir: "charlm_fwd_bwd_lstm", model: "bilstm_model_64.h5", input: "onehot" },
  { dir: "chemts_gru_keras1", model: "model.h5", config: "model.json", input: "tokens" },
  { dir: "codeweek_textgen_gru", model: "text_generation.h5", input: "tokens" },
  { dir: "cse5393_imdb_gru", model: "gru.h5", input: "tokens" },
  { dir: "dotres_bilstm", model: "bilstm.h5", input: "normal" },
  {
    dir: "eco_char_lstm_keras1",
    model: "andreas_broeckmann-runtime_art_software_art_aesthetics_i10e10s2.h5",
    config: "andreas_broeckmann-runtime_art_software_art_aesthetics_i10e10s2.h5.json",
    input: "onehot",
  },
  { dir: "katakana_seq2seq", model: "model.h5", input: "tokens" },
  { dir: "lens_poem_simplernn", model: "char_rnn.h5", input: "onehot" },
  { dir: "lstm_multi_timeseries", model: "model.h5", input: "normal" },
  { dir: "melody_lstm_keras3", model: "model.keras", input: "onehot" },
  { dir: "ocean_convlstm", model: "convlstm_model.h5", input: "normal" },
  { dir: "pride_char_lstm", model: "weights.hdf5", input: "onehot" },
  { dir: "sandhi_bilstm_k3h5", model: "bilstm.h5", input: "tokens" },
  { dir: "stacked_lstm_keras3", model: "lstm_model.keras", input: "normal" },
];

export function realworldFormat(f: RealworldFile): CaseFormat {
  return { label: f.config ? "weights" : "h5", model: join(REALWORLD, f.dir, f.model), ...(f.config ? { config: join(REALWORLD, f.dir, f.config) } : {}) };
}

/** Files not supported yet, with the text their error must contain. Shrinks as support lands. */
export const REALWORLD_UNSUPPORTED: Record<string, string> = {
};

export async function loadRealworld(f: RealworldFile): Promise<Model> {
  const format = realworldFormat(f);
  return loadModel(new Uint8Array(readFileSync(format.model)), {
    sourceName: basename(format.model),
    ...(format.config ? { configText: readFileSync(format.config, "utf8") } : {}),
  });
}

/** Folders of ../shared/realworld missing from the list above (a new file must be added, not skipped). */
export function unlistedRealworldDirs(): string[] {
  return readdirSync(REALWORLD).filter((d) => existsSync(join(REALWORLD, d, "SOURCE.md")) && !REALWORLD_FILES.some((f) => f.dir === d));
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Steps used for a variable-length sequence dimension. */
export const VARIABLE_STEPS = 12;

/** The Embedding a model input feeds, if any: its vocabulary size and whether id 0 is padding. */
function embeddingOf(model: Model, value: number): { vocab: number; maskZero: boolean } | undefined {
  const call = model.calls.find((c) => c.inputs.includes(value) && c.layer.className === "Embedding");
  if (!call) return undefined;
  return { vocab: Number(call.layer.config["input_dim"]), maskZero: call.layer.config["mask_zero"] === true };
}

/** One sample per model input, flattened, of the given kind. */
export function sampleInputs(model: Model, kind: InputKind, random: () => number): Float64Array[] {
  return model.inputs.map((io) => {
    const shape = model.values[io.value]!.shape.map((d) => (typeof d === "number" ? d : VARIABLE_STEPS));
    const size = shape.reduce((a, b) => a * b, 1);
    const x = new Float64Array(size);
    const emb = embeddingOf(model, io.value);
    if (kind === "tokens" && emb) {
      // Ids in range; a mask_zero model gets trailing padding (0) after ~70% real tokens.
      const real = emb.maskZero ? Math.max(1, Math.round(size * 0.7)) : size;
      for (let i = 0; i < real; i++) x[i] = (emb.maskZero ? 1 : 0) + Math.floor(random() * (emb.maskZero ? emb.vocab - 1 : emb.vocab));
    } else if (kind === "onehot") {
      const width = shape[shape.length - 1]!;
      for (let row = 0; row < size / width; row++) x[row * width + Math.floor(random() * width)] = 1;
    } else {
      for (let i = 0; i < size; i += 2) {
        // Box-Muller: two standard normal values from two uniform ones.
        const r = Math.sqrt(-2 * Math.log(1 - random()));
        const t = 2 * Math.PI * random();
        x[i] = r * Math.cos(t);
        if (i + 1 < size) x[i + 1] = r * Math.sin(t);
      }
    }
    return x;
  });
}

/** Model outputs that are softmax rows over their last axis. */
export function softmaxOutputs(model: Model): boolean[] {
  return model.outputs.map((io) => {
    const call = model.calls.find((c) => c.outputs.includes(io.value));
    if (!call) return false;
    const layer = call.layer.inner["layer"] ?? call.layer;
    if (layer.className === "Softmax") return true;
    const spec = layer.config["activation"];
    return spec !== undefined && activationName(spec).name === "softmax";
  });
}

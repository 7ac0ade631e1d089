/** Config rules shared by the RNN descriptors: what an older Keras left implicit, made explicit. */
import type { Config } from "../../ir/types.js";
import type { NormalizeContext } from "./types.js";

/** `gated`: the cell has a recurrent_activation (LSTM, GRU; SimpleRNN has none). */
export function normalizeRnnConfig(c: Config, { version }: NormalizeContext, gated: boolean): void {
  c["__takes_sequence"] = true; // a Keras 1 first layer's input_dim is per step (see load/architecture.ts)
  if (gated && c["recurrent_activation"] === undefined) {
    // Keras 1/2 defaulted to hard_sigmoid; tf.keras 2 and Keras 3 to sigmoid (always written since).
    c["recurrent_activation"] = version.major < 3 ? "hard_sigmoid" : "sigmoid";
  }
}

/** GRU: a config without reset_after meant the writing version's default. */
export function normalizeGruConfig(c: Config, context: NormalizeContext): void {
  normalizeRnnConfig(c, context, true);
  if (c["reset_after"] === undefined) {
    const resetAfter = context.version.major >= 3;
    c["reset_after"] = resetAfter;
    context.notes.push(`GRU "${context.name}": no reset_after in the config; Keras ${context.version.raw} meant reset_after=${resetAfter}`);
  }
}

/**
 * Benchmark models no fixture provides, written as real Keras 3 `.keras` files with the test writers:
 * the small RNN (LSTM(8) on (5, 4) → Dense(3)) and a ~10M-parameter model for generation scaling.
 */
import { kerasZip } from "../../test/helpers/write-model.js";
import { random } from "../../test/helpers/rnn-models.js";

const tensor = (name: string, shape: number[], rnd: () => number) => ({
  name,
  shape,
  data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rnd() * 0.4),
});

/** Sequential: InputLayer (T, F) → LSTM(units) → Dense(out), seeded random weights. */
export function lstmDenseKeras(timesteps: number, features: number, units: number, out: number, seed: number): Promise<Uint8Array> {
  const rnd = random(seed);
  const config = {
    module: "keras",
    class_name: "Sequential",
    config: {
      name: "bench",
      layers: [
        { module: "keras.layers", class_name: "InputLayer", config: { batch_shape: [null, timesteps, features], dtype: "float32", name: "input_layer" } },
        { module: "keras.layers", class_name: "LSTM", config: { name: "lstm", units } },
        { module: "keras.layers", class_name: "Dense", config: { name: "dense", units: out, activation: "softmax" } },
      ],
    },
  };
  return kerasZip(config, [
    { path: "lstm", name: "lstm", vars: [] },
    { path: "lstm/cell", name: "lstm_cell", vars: [tensor("0", [features, 4 * units], rnd), tensor("1", [units, 4 * units], rnd), tensor("2", [4 * units], rnd)] },
    { path: "dense", name: "dense", vars: [tensor("0", [units, out], rnd), tensor("1", [out], rnd)] },
  ]);
}

/** The small RNN: LSTM(8) on (5, 4) → Dense(3). */
export const smallLstm = (): Promise<Uint8Array> => lstmDenseKeras(5, 4, 8, 3, 1);

/** About 10M parameters: LSTM(1024) on (2, 1400) → Dense(1000) (9.93M + 1.03M). */
export const tenMillion = (): Promise<Uint8Array> => lstmDenseKeras(2, 1400, 1024, 1000, 2);

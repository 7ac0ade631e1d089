/** tfjs (a faithful port of Keras 2 layers, pure JS CPU backend) as a second reference for single layers. */
import * as tf from "@tensorflow/tfjs";

let ready: Promise<void> | undefined;

/** Runs one tfjs layer on one sample after setting its weights; returns the flattened output. */
export async function tfjsLayer(layer: tf.layers.Layer, inputShape: number[], weights: { shape: number[]; data: number[] }[], x: number[]): Promise<number[]> {
  ready ??= tf.setBackend("cpu").then(() => undefined);
  await ready;
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape }));
  model.add(layer);
  layer.setWeights(weights.map((w) => tf.tensor(w.data, w.shape)));
  const y = model.predict(tf.tensor(x, [1, ...inputShape])) as tf.Tensor;
  const out = Array.from(await y.data());
  tf.dispose([y]);
  model.dispose();
  return out;
}

export { tf };

/**
 * `keras2ts/worker`: run a generated module off the main thread (a Web Worker, or a Node
 * `worker_threads` Worker) with transferable inputs and outputs. Two small halves:
 *
 *   // model-worker.js (inside the worker)
 *   import * as model from "./model.js";
 *   import { exposeModel } from "keras2ts/worker";
 *   exposeModel(model);                        // Web Worker: listens on `self`
 *   // exposeModel(model, parentPort!)        // worker_threads
 *
 *   // main thread
 *   import { modelClient } from "keras2ts/worker";
 *   const client = modelClient(new Worker(new URL("./model-worker.js", import.meta.url), { type: "module" }));
 *   const y = await client.predict(x);         // x's buffer is transferred: x is unusable afterwards
 *
 * Calls are answered in order; each result is the worker's own copy (transferred, not shared), so it
 * stays valid after later calls. Nothing here depends on Node or on the DOM: only `postMessage` and
 * a message listener.
 */

/** What a generated module exports that the worker needs. */
export interface ModelModule {
  createSession(): { predict(...xs: ArrayLike<number>[]): Float32Array | Float32Array[]; resetStates(): void };
}

/** A Web Worker, `self` inside one, a Node `Worker` or `parentPort`: anything that posts and receives messages. */
export interface MessagePortLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener?(type: "message", listener: (event: { data: unknown }) => void): void;
  on?(type: "message", listener: (data: unknown) => void): void;
}

type Transferable = ArrayBuffer;

type Input = Float32Array | Float64Array | Int32Array | Uint8Array | Uint16Array | Int16Array | Uint32Array | Int8Array;
type Request = { id: number; kind: "predict"; inputs: Input[] } | { id: number; kind: "reset" };
type Response = { id: number; outputs?: Float32Array[]; error?: string };

function listen(port: MessagePortLike, handler: (data: unknown) => void): void {
  // Node's ports hand listeners the data itself; the DOM's hand an event carrying it.
  if (typeof port.on === "function") port.on("message", handler);
  else if (typeof port.addEventListener === "function") port.addEventListener("message", (e) => handler(e.data));
  else throw new TypeError("keras2ts/worker: the port has neither on() nor addEventListener()");
}

/** Inside the worker: answers `predict` and `resetStates` requests with one session of the model. */
export function exposeModel(model: ModelModule, port: MessagePortLike = globalThis as unknown as MessagePortLike): void {
  const session = model.createSession();
  listen(port, (data) => {
    const request = data as Request;
    let response: Response;
    try {
      if (request.kind === "reset") {
        session.resetStates();
        response = { id: request.id, outputs: [] };
      } else {
        const result = session.predict(...request.inputs);
        // predict reuses its result arrays: copies go back, and their buffers are transferred.
        response = { id: request.id, outputs: (Array.isArray(result) ? result : [result]).map((a) => a.slice()) };
      }
    } catch (err) {
      response = { id: request.id, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    }
    port.postMessage(response, (response.outputs ?? []).map((a) => a.buffer as ArrayBuffer));
  });
}

export interface ModelClient {
  /**
   * Runs the model in the worker. Typed-array arguments are transferred (their whole buffers move to
   * the worker and become empty here); plain arrays are copied into new Float64Arrays first.
   * Resolves with one array, or an array of them for multi-output models.
   */
  predict(...xs: ArrayLike<number>[]): Promise<Float32Array | Float32Array[]>;
  /** Zeroes the worker session's recurrent state (stateful models). */
  resetStates(): Promise<void>;
}

/** On the calling thread: a promise-based client of a worker that called `exposeModel`. */
export function modelClient(worker: MessagePortLike): ModelClient {
  let nextId = 0;
  const pending = new Map<number, { resolve: (r: Float32Array[]) => void; reject: (e: Error) => void }>();
  listen(worker, (data) => {
    const response = data as Response;
    const waiter = pending.get(response.id);
    if (!waiter) return;
    pending.delete(response.id);
    if (response.error !== undefined) waiter.reject(new Error(response.error));
    else waiter.resolve(response.outputs ?? []);
  });
  const send = (request: Request, transfer: Transferable[]) =>
    new Promise<Float32Array[]>((resolve, reject) => {
      pending.set(request.id, { resolve, reject });
      worker.postMessage(request, transfer);
    });
  return {
    async predict(...xs) {
      const inputs = xs.map((x): Input => (ArrayBuffer.isView(x) && !(x instanceof DataView) ? (x as Input) : Float64Array.from(x)));
      const outputs = await send({ id: nextId++, kind: "predict", inputs }, [...new Set(inputs.map((a) => a.buffer as ArrayBuffer))]);
      // One output for single-output models, as predict returns it; an array for multi-output ones.
      return outputs.length === 1 ? outputs[0]! : outputs;
    },
    async resetStates() {
      await send({ id: nextId++, kind: "reset" }, []);
    },
  };
}

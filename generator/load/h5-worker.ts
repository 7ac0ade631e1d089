/**
 * The HDF5 worker thread: reads one file's contents with h5wasm and posts them back. The main
 * thread (h5-host.ts) can stop it at any time, which the HDF5 library itself cannot be.
 */
import { parentPort } from "node:worker_threads";

// h5wasm (Emscripten) prints "Aborted(...)" and "Cannot enlarge memory" with console.error/log:
// silenced before it loads, so the user sees only keras2ts' own one-line error.
console.error = console.log = console.warn = console.info = () => {};

const port = parentPort!;
const { readH5Contents, transferList } = await import("./h5-contents.js");
const { prepareHdf5, hdf5Broken } = await import("./hdf5.js");
const { KerasError } = await import("../errors.js");
await prepareHdf5();
port.postMessage({ type: "ready" });
port.on("message", (request) => {
  readH5Contents(request).then(
    (contents) => port.postMessage({ type: "result", contents }, transferList(contents)),
    (err: unknown) => {
      const keras = err instanceof KerasError;
      const message = err instanceof Error ? err.message : String(err);
      port.postMessage({ type: "error", keras, reusable: keras && !hdf5Broken(), message, ...(keras && err.layer ? { layer: { ...err.layer } } : {}) });
    },
  );
});

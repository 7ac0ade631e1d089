/**
 * Runs the HDF5 library where it can be stopped. h5wasm is the HDF5 C library compiled to
 * WebAssembly: on a corrupt file it can loop forever, abort, or print to stderr. It runs in a worker
 * thread (h5-worker.ts) on an in-memory copy of the data (no temporary file, no host file system),
 * with a time budget: past it, the worker is terminated and the read is one clean error.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { KerasError } from "../errors.js";
import type { H5Contents, H5Request } from "./h5-contents.js";

/** Time the HDF5 read may take: a base, plus one second per 8 MiB of HDF5 data (legitimate reads take far less). */
export function defaultReadSeconds(bytes: number): number {
  return 4 + Math.ceil(bytes / (8 * 1024 * 1024));
}

/** Starting the worker and loading h5wasm is keras2ts' own work, not the file's: a separate, generous limit. */
const STARTUP_MS = 60_000;

/** The worker's JavaScript heap (configs, names); weight buffers and WebAssembly memory (max 2 GiB) are outside it. */
const WORKER_HEAP_MB = 1024;

export interface ReadBudget {
  /** Seconds the HDF5 library may run on this file (--max-read-seconds). */
  readonly seconds?: number;
}

export function readHdf5Contents(request: H5Request, budget: ReadBudget = {}, transfer = false): Promise<H5Contents> {
  const seconds = budget.seconds ?? defaultReadSeconds(request.bytes.length);
  const worker = new Worker(workerUrl(), { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB }, stdout: true, stderr: true });
  worker.stdout.resume(); // whatever the library prints is dropped, never shown
  worker.stderr.resume();
  return new Promise<H5Contents>((resolve, reject) => {
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      f();
    };
    const fail = (message: string) => finish(() => reject(new KerasError(message)));
    let timer = setTimeout(() => fail("the HDF5 reader did not start"), STARTUP_MS);
    worker.on("message", (m: WorkerMessage) => {
      if (m.type === "ready") {
        clearTimeout(timer);
        timer = setTimeout(
          () => fail(`reading the HDF5 data took over ${seconds} s (a corrupt file can make the HDF5 library loop; raise the limit with --max-read-seconds)`),
          seconds * 1000,
        );
        worker.postMessage(request, transfer ? [request.bytes.buffer as ArrayBuffer] : []);
      } else if (m.type === "result") {
        finish(() => resolve(m.contents));
      } else {
        finish(() => reject(m.keras ? new KerasError(m.message, m.layer) : new Error(m.message)));
      }
    });
    worker.on("error", (err: Error & { code?: string }) =>
      fail(err.code === "ERR_WORKER_OUT_OF_MEMORY" ? `reading the HDF5 data needs more than ${WORKER_HEAP_MB} MB of memory (corrupt or hostile file)` : `the HDF5 reader failed (${err.message.split("\n")[0]!.slice(0, 120)})`),
    );
    worker.on("exit", (code) => fail(`the HDF5 reader stopped (exit code ${code})`));
  });
}

type WorkerMessage =
  | { type: "ready" }
  | { type: "result"; contents: H5Contents }
  | { type: "error"; keras: boolean; message: string; layer?: { name: string; className: string } };

/** The compiled worker beside this file; from the TypeScript sources (tests), the built copy in dist/. */
function workerUrl(): URL {
  const beside = new URL("./h5-worker.js", import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  const built = new URL("../../dist/generator/load/h5-worker.js", import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  throw new Error("dist/generator/load/h5-worker.js is missing: run npm run build");
}

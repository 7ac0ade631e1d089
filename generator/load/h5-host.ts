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

/** Time the HDF5 read may take: 3 s plus one second per (started) 8 MiB of HDF5 data (legitimate reads take far less). */
export function defaultReadSeconds(bytes: number): number {
  return 3 + Math.ceil(bytes / (8 * 1024 * 1024));
}

/** Starting the worker and loading h5wasm is keras2ts' own work, not the file's: a separate, generous limit. */
const STARTUP_MS = 60_000;

/** The worker's JavaScript heap (configs, names); weight buffers and WebAssembly memory (max 2 GiB) are outside it. */
const WORKER_HEAP_MB = 1024;

export interface ReadBudget {
  /** Seconds the HDF5 library may run on this file (--max-read-seconds). */
  readonly seconds?: number;
}

interface Reader {
  readonly worker: Worker;
  /** Resolves once h5wasm is loaded in the worker. */
  readonly ready: Promise<void>;
}

/** A worker kept after a successful read: library callers reading many files pay h5wasm's start-up once. */
let idle: Reader | undefined;

/** Files larger than this leave a large WebAssembly heap behind: their worker is not kept. */
const REUSE_MAX_BYTES = 64 * 1024 * 1024;

export async function readHdf5Contents(request: H5Request, budget: ReadBudget = {}, transfer = false): Promise<H5Contents> {
  const seconds = budget.seconds ?? defaultReadSeconds(request.bytes.length);
  const reader = idle ?? startReader();
  idle = undefined;
  reader.worker.ref();
  let reusable = false;
  try {
    await reader.ready;
    const contents = await run(reader.worker, request, seconds, transfer);
    reusable = request.bytes.length <= REUSE_MAX_BYTES;
    return contents;
  } catch (err) {
    // A clean refusal (a limit, a corrupt file the library reported) leaves the worker usable;
    // an abort, a trap, a time-out or a crash does not.
    reusable = err instanceof ReaderRefusal && request.bytes.length <= REUSE_MAX_BYTES;
    throw err instanceof ReaderRefusal ? err.error : err;
  } finally {
    if (reusable && idle === undefined) {
      reader.worker.unref(); // an idle worker never keeps the process alive
      idle = reader;
    } else {
      void reader.worker.terminate(); // after any failure the library's state is not trusted
    }
  }
}

function startReader(): Reader {
  // The worker silences the library's console output itself (h5-worker.ts): nothing it prints is shown.
  const worker = new Worker(workerUrl(), { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
  const reader: Reader = {
    worker,
    ready: new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new KerasError("the HDF5 reader did not start")), STARTUP_MS);
      worker.once("message", () => (clearTimeout(timer), resolve()));
      worker.once("error", (err) => (clearTimeout(timer), reject(workerError(err))));
    }),
  };
  reader.ready.catch(() => {}); // reported by whoever awaits it
  worker.on("error", () => {}); // errors during a read are reported by run()
  worker.once("exit", () => {
    if (idle === reader) idle = undefined;
  });
  return reader;
}

/** One request on a ready worker, within the time budget. */
function run(worker: Worker, request: H5Request, seconds: number, transfer: boolean): Promise<H5Contents> {
  return new Promise<H5Contents>((resolve, reject) => {
    const done = (f: () => void) => {
      clearTimeout(timer);
      worker.off("message", onMessage).off("error", onError).off("exit", onExit);
      f();
    };
    const onMessage = (m: WorkerMessage) => done(() => (m.type === "result" ? resolve(m.contents) : reject(refusal(m))));
    const onError = (err: Error) => done(() => reject(workerError(err)));
    const onExit = (code: number) => done(() => reject(new KerasError(`the HDF5 reader stopped (exit code ${code})`)));
    const timer = setTimeout(
      () => done(() => reject(new KerasError(`reading the HDF5 data took over ${seconds} s (a corrupt file can make the HDF5 library loop; raise the limit with --max-read-seconds)`))),
      seconds * 1000,
    );
    worker.on("message", onMessage).on("error", onError).on("exit", onExit);
    worker.postMessage(request, transfer ? [request.bytes.buffer as ArrayBuffer] : []);
  });
}

/** An error the worker reported, and whether the worker may read another file. */
class ReaderRefusal {
  constructor(readonly error: Error) {}
}

function refusal(m: WorkerMessage): Error | ReaderRefusal {
  if (m.type !== "error") return new Error("unexpected message from the HDF5 reader");
  const error = m.keras ? new KerasError(m.message, m.layer) : new Error(m.message);
  return m.reusable ? new ReaderRefusal(error) : error;
}

/** Starts loading h5wasm in a worker now, while the caller does other work (inflating, parsing JSON). */
export function warmHdf5Reader(): void {
  idle ??= startReader();
  idle.worker.unref();
}

function workerError(err: Error & { code?: string }): KerasError {
  return new KerasError(
    err.code === "ERR_WORKER_OUT_OF_MEMORY"
      ? `reading the HDF5 data needs more than ${WORKER_HEAP_MB} MB of memory (corrupt or hostile file)`
      : `the HDF5 reader failed (${err.message.split("\n")[0]!.slice(0, 120)})`,
  );
}

type WorkerMessage =
  | { type: "ready" }
  | { type: "result"; contents: H5Contents }
  | { type: "error"; keras: boolean; reusable: boolean; message: string; layer?: { name: string; className: string } };

/** The compiled worker beside this file; from the TypeScript sources (tests), the built copy in dist/. */
function workerUrl(): URL {
  const beside = new URL("./h5-worker.js", import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  const built = new URL("../../dist/generator/load/h5-worker.js", import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  throw new Error("dist/generator/load/h5-worker.js is missing: run npm run build");
}

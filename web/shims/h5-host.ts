/**
 * Browser stand-in for generator/load/h5-host.ts: Node runs the HDF5 library in a worker thread it can
 * stop; the page reads the file in place (h5wasm's in-memory build, the same code the worker runs).
 * A corrupt file that makes HDF5 loop can only hang this tab, whose user can close it.
 */
import { readH5Contents, type H5Contents, type H5Request } from "../../generator/load/h5-contents.js";

export interface ReadBudget {
  readonly seconds?: number;
}

export function warmHdf5Reader(): void {}

export function readHdf5Contents(request: H5Request, _budget: ReadBudget = {}, _transfer = false): Promise<H5Contents> {
  return readH5Contents(request);
}

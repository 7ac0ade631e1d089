/**
 * The central directory of a zip file: names, methods, sizes and checksums of its entries, every
 * offset bounds-checked. Nothing is inflated here and no entry name is ever used as a path.
 */
import { KerasError } from "../errors.js";

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly encrypted: boolean;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX32 = 0xffffffff;

const corrupt = (what: string) => new KerasError(`not a readable .keras zip (${what})`);

class Reader {
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  check(at: number, length: number, what: string): void {
    if (!(at >= 0 && length >= 0 && at + length <= this.bytes.length)) throw corrupt(`${what} lies outside the file`);
  }
  u16(at: number): number {
    this.check(at, 2, "a header");
    return this.view.getUint16(at, true);
  }
  u32(at: number): number {
    this.check(at, 4, "a header");
    return this.view.getUint32(at, true);
  }
  u64(at: number): number {
    const value = this.u32(at) + this.u32(at + 4) * 2 ** 32;
    if (!Number.isSafeInteger(value)) throw corrupt("a 64-bit size is out of range");
    return value;
  }
}

/** All entries of the central directory, in order. */
export function readCentralDirectory(bytes: Uint8Array): ZipEntry[] {
  const r = new Reader(bytes);
  let { count, offset } = endOfDirectory(r);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (r.u32(offset) !== CENTRAL) throw corrupt("broken central directory");
    const nameLength = r.u16(offset + 28);
    const extraLength = r.u16(offset + 30);
    r.check(offset + 46, nameLength + extraLength, "an entry name");
    const entry = {
      name: new TextDecoder().decode(bytes.subarray(offset + 46, offset + 46 + nameLength)),
      method: r.u16(offset + 10),
      encrypted: (r.u16(offset + 8) & 1) === 1,
      crc: r.u32(offset + 16),
      ...zip64Sizes(r, offset, offset + 46 + nameLength, extraLength),
    };
    entries.push(entry);
    offset += 46 + nameLength + extraLength + r.u16(offset + 32);
  }
  return entries;
}

function endOfDirectory(r: Reader): { count: number; offset: number } {
  const n = r.bytes.length;
  for (let at = n - 22; at >= Math.max(0, n - 22 - 0xffff); at--) {
    if (r.u32(at) !== EOCD) continue;
    let count = r.u16(at + 10);
    let offset = r.u32(at + 16);
    if ((count === 0xffff || offset === MAX32) && at >= 20 && r.u32(at - 20) === EOCD64_LOCATOR) {
      const end64 = r.u64(at - 12);
      if (r.u32(end64) !== EOCD64) throw corrupt("broken zip64 end record");
      count = r.u64(end64 + 32);
      offset = r.u64(end64 + 48);
    }
    // Each central record takes at least 46 bytes: a larger count is a lie, refused before looping.
    r.check(offset, count * 46, "the central directory");
    return { count, offset };
  }
  throw corrupt("no end of central directory record");
}

/** Sizes and offset, taken from the zip64 extra field where the 32-bit fields say 0xFFFFFFFF. */
function zip64Sizes(r: Reader, at: number, extra: number, extraLength: number): Pick<ZipEntry, "compressedSize" | "size" | "localOffset"> {
  let size = r.u32(at + 24);
  let compressedSize = r.u32(at + 20);
  let localOffset = r.u32(at + 42);
  if (size !== MAX32 && compressedSize !== MAX32 && localOffset !== MAX32) return { size, compressedSize, localOffset };
  for (let p = extra; p + 4 <= extra + extraLength; p += 4 + r.u16(p + 2)) {
    if (r.u16(p) !== 1) continue;
    let q = p + 4;
    const next = () => {
      const v = r.u64(q);
      q += 8;
      return v;
    };
    if (size === MAX32) size = next();
    if (compressedSize === MAX32) compressedSize = next();
    if (localOffset === MAX32) localOffset = next();
    return { size, compressedSize, localOffset };
  }
  throw corrupt("zip64 sizes without a zip64 extra field");
}

/** The stored bytes of an entry, after checking its local header agrees with the central directory. */
export function entryData(bytes: Uint8Array, entry: ZipEntry): Uint8Array {
  const r = new Reader(bytes);
  const at = entry.localOffset;
  if (r.u32(at) !== LOCAL) throw corrupt(`no local header for ${entry.name}`);
  const nameLength = r.u16(at + 26);
  r.check(at + 30, nameLength, "an entry name");
  if (new TextDecoder().decode(bytes.subarray(at + 30, at + 30 + nameLength)) !== entry.name) {
    throw corrupt(`the local header of ${entry.name} names another file`);
  }
  const start = at + 30 + nameLength + r.u16(at + 28);
  r.check(start, entry.compressedSize, `the data of ${entry.name}`);
  return bytes.subarray(start, start + entry.compressedSize);
}

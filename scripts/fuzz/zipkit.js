// Reading fixture zips and writing zips with full control over every header field (to lie in them).
import { deflateSync, unzipSync } from "fflate";
import { crc32 } from "../../dist/generator/load/crc32.js";

/** Entries of a trusted fixture zip, in file order: [{name, data}]. */
export function readZip(bytes) {
  return Object.entries(unzipSync(bytes)).map(([name, data]) => ({ name, data }));
}

export { crc32 };

/**
 * A zip of `entries` ({name, data, deflate?, declaredSize?, crc?, compressed?}): stored by default like
 * Keras writes them; `declaredSize`, `crc` and `compressed` override what the headers claim or hold.
 */
export function writeZip(entries) {
  const enc = new TextEncoder();
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const e of entries) {
    const name = enc.encode(e.name);
    const body = e.compressed ?? (e.deflate ? deflateSync(e.data) : e.data);
    const method = e.deflate || e.compressed ? 8 : 0;
    const crc = e.crc ?? crc32(e.data);
    const size = e.declaredSize ?? e.data.length;
    const local = header(0x04034b50, 30, name, (v) => {
      v.setUint16(4, 20, true);
      v.setUint16(8, method, true);
      v.setUint32(14, crc, true);
      v.setUint32(18, body.length, true);
      v.setUint32(22, size, true);
      v.setUint16(26, name.length, true);
    });
    const central = header(0x02014b50, 46, name, (v) => {
      v.setUint16(4, 20, true);
      v.setUint16(6, 20, true);
      v.setUint16(10, method, true);
      v.setUint32(16, crc, true);
      v.setUint32(20, body.length, true);
      v.setUint32(24, size, true);
      v.setUint16(28, name.length, true);
      v.setUint32(42, offset, true);
    });
    locals.push(local, body);
    centrals.push(central);
    offset += local.length + body.length;
  }
  const cdSize = centrals.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const v = new DataView(end.buffer);
  v.setUint32(0, 0x06054b50, true);
  v.setUint16(8, entries.length, true);
  v.setUint16(10, entries.length, true);
  v.setUint32(12, cdSize, true);
  v.setUint32(16, offset, true);
  return concat([...locals, ...centrals, end]);
}

function header(signature, fixed, name, fill) {
  const out = new Uint8Array(fixed + name.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, signature, true);
  fill(v);
  out.set(name, fixed);
  return out;
}

export function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Plain reference implementations of Keras' recurrent layers for one sample, in float64, written
 * from Keras' equations (keras-notes.md) independently of the generator: cells, the masked
 * timestep loop (numpy backend semantics), and the Bidirectional merge.
 */

export type Vec = number[];
export type Fn = (x: number) => number;

const sigmoid: Fn = (x) => 1 / (1 + Math.exp(-x));

/** Activations by name; hard_sigmoid follows the Keras major version of the file. */
export function activationFn(name: string, kerasMajor: number): Fn {
  const table: Record<string, Fn> = {
    tanh: Math.tanh,
    sigmoid,
    relu: (x) => Math.max(0, x),
    linear: (x) => x,
    elu: (x) => (x > 0 ? x : Math.expm1(x)),
    softsign: (x) => x / (1 + Math.abs(x)),
    hard_sigmoid: kerasMajor >= 3 ? (x) => Math.min(1, Math.max(0, x / 6 + 0.5)) : (x) => Math.min(1, Math.max(0, 0.2 * x + 0.5)),
  };
  const f = table[name];
  if (!f) throw new Error(`no reference for activation ${name}`);
  return f;
}

/** Σ_i x[i] · W[i·ld + col + j] for j < m: columns [col, col + m) of an (n, ld) row-major matrix. */
function matvec(x: Vec, W: ArrayLike<number>, ld: number, col: number, m: number): Vec {
  const out = new Array<number>(m).fill(0);
  x.forEach((xi, i) => {
    for (let j = 0; j < m; j++) out[j]! += xi * W[i * ld + col + j]!;
  });
  return out;
}

const slice = (b: ArrayLike<number> | null, from: number, n: number): Vec =>
  b ? Array.from({ length: n }, (_, j) => b[from + j]!) : new Array<number>(n).fill(0);
const plus = (...vs: Vec[]): Vec => vs[0]!.map((_, j) => vs.reduce((s, v) => s + v[j]!, 0));

/** One recurrent cell: its state vectors (h first) and one step. */
export interface CellRef {
  readonly units: number;
  readonly stateCount: number;
  step(x: Vec, states: Vec[]): Vec[];
}

export interface CellWeights {
  readonly W: ArrayLike<number>;
  readonly U: ArrayLike<number>;
  readonly b: ArrayLike<number> | null;
}

export function lstmRef(u: number, { W, U, b }: CellWeights, act: Fn, rec: Fn): CellRef {
  return {
    units: u,
    stateCount: 2,
    step(x, [h, c]) {
      const gate = (k: number) => plus(matvec(x, W, 4 * u, k * u, u), matvec(h!, U, 4 * u, k * u, u), slice(b, k * u, u));
      const [i, f, g, o] = [gate(0).map(rec), gate(1).map(rec), gate(2).map(act), gate(3).map(rec)];
      const c2 = c!.map((cj, j) => f[j]! * cj + i[j]! * g[j]!);
      return [c2.map((cj, j) => o[j]! * act(cj)), c2];
    },
  };
}

/** GRU, gate blocks z, r, h; `resetAfter` picks the bias layout (2, 3u) vs (3u) and the candidate form. */
export function gruRef(u: number, { W, U, b }: CellWeights, resetAfter: boolean, act: Fn, rec: Fn): CellRef {
  const inBias = (k: number) => slice(b, k * u, u);
  const recBias = (k: number) => (resetAfter ? slice(b, 3 * u + k * u, u) : new Array<number>(u).fill(0));
  return {
    units: u,
    stateCount: 1,
    step(x, [h]) {
      const xs = (k: number) => plus(matvec(x, W, 3 * u, k * u, u), inBias(k));
      const hs = (k: number) => plus(matvec(h!, U, 3 * u, k * u, u), recBias(k));
      const z = plus(xs(0), hs(0)).map(rec);
      const r = plus(xs(1), hs(1)).map(rec);
      const candidate = resetAfter
        ? plus(xs(2), hs(2).map((v, j) => r[j]! * v))
        : plus(xs(2), matvec(h!.map((v, j) => r[j]! * v), U, 3 * u, 2 * u, u));
      const hh = candidate.map(act);
      return [h!.map((hj, j) => z[j]! * hj + (1 - z[j]!) * hh[j]!)];
    },
  };
}

export function simpleRnnRef(u: number, { W, U, b }: CellWeights, act: Fn): CellRef {
  return {
    units: u,
    stateCount: 1,
    step: (x, [h]) => [plus(matvec(x, W, u, 0, u), matvec(h!, U, u, 0, u), slice(b, 0, u)).map(act)],
  };
}

export interface RunOptions {
  readonly backwards?: boolean;
  /** Per timestep (time order): true = real step. */
  readonly mask?: readonly boolean[];
  /** Masked steps output zeros (zero_output_for_mask) instead of repeating h. */
  readonly zeroOutput?: boolean;
  readonly initial?: Vec[];
}

export interface RunResult {
  /** Outputs in processing order (what return_sequences gives). */
  readonly sequence: Vec[];
  /** The last processed step's output. */
  readonly last: Vec;
  readonly states: Vec[];
}

/** Keras' timestep loop: masked steps keep the state and output h (or zeros). */
export function runRef(cell: CellRef, xs: Vec[], o: RunOptions = {}): RunResult {
  let states = o.initial ?? Array.from({ length: cell.stateCount }, () => new Array<number>(cell.units).fill(0));
  const sequence: Vec[] = [];
  for (let s = 0; s < xs.length; s++) {
    const t = o.backwards ? xs.length - 1 - s : s;
    const real = o.mask ? o.mask[t]! : true;
    if (real) states = cell.step(xs[t]!, states);
    sequence.push(real || !o.zeroOutput ? [...states[0]!] : new Array<number>(cell.units).fill(0));
  }
  return { sequence, last: sequence[sequence.length - 1]!, states };
}

export type MergeMode = "concat" | "sum" | "mul" | "ave" | null;

/** Bidirectional: the backward sequence flipped into time order, merged step by step. Returns the outputs in order. */
export function bidirectionalRef(fw: RunResult, bw: RunResult, sequences: boolean, mode: MergeMode, returnState: boolean): Vec[] {
  const merge = (a: Vec, b: Vec): Vec[] => {
    switch (mode) {
      case "concat":
        return [[...a, ...b]];
      case "sum":
        return [a.map((v, j) => v + b[j]!)];
      case "mul":
        return [a.map((v, j) => v * b[j]!)];
      case "ave":
        return [a.map((v, j) => (v + b[j]!) / 2)];
      default:
        return [a, b];
    }
  };
  let outs: Vec[];
  if (sequences) {
    const back = [...bw.sequence].reverse();
    const steps = fw.sequence.map((a, t) => merge(a, back[t]!));
    outs = steps[0]!.map((_, k) => steps.flatMap((st) => st[k]!));
  } else {
    outs = merge(fw.last, bw.last);
  }
  return returnState ? [...outs, ...fw.states, ...bw.states] : outs;
}

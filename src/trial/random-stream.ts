/**
 * The random stream every allocation is drawn from: a documented, deterministic function of a
 * secret seed, so that anyone given the seed (revealed at unblinding) re-derives every draw, and
 * nobody without it can predict one. Math.random is never used.
 *
 * Definition (changing it would make every past trial fail verification):
 * - the seed is 32 bytes, written as 64 hex digits; its commitment, published before the first
 *   enrolment, is SHA-256 of those 32 bytes (not of the hex text);
 * - draw i (i = 0, 1, ...) of the stream named S is
 *     block = HMAC-SHA256(key = seed bytes, message = UTF-8(S) || 0x00 || i as 8-byte big-endian)
 *     value = (first 8 bytes of block as a big-endian unsigned integer >> 11) / 2^53
 *   a uniform number in [0, 1) with 53 random bits (all a double holds);
 * - an integer in [0, n) takes the 53-bit integer of the next draw while it is at or above the
 *   largest multiple of n not over 2^53 (rejection, so every integer is exactly as likely), and
 *   answers it modulo n. Each rejected draw uses up its index.
 * Separate names give independent streams from one seed (one per stratum, for example).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { badRequest } from '../shared/errors.ts';
import { sha256Hex } from '../shared/canonical-json.ts';

const SEED_BYTES = 32;
const TWO_53 = 2 ** 53;

/** A fresh seed from the operating system's cryptographic generator, as 64 hex digits. */
export const generateSeed = (): string => randomBytes(SEED_BYTES).toString('hex');

/** The published commitment to a seed: SHA-256 of its 32 bytes. */
export const seedCommitment = (seed: string): string => sha256Hex(seedKey(seed));

/** A seed for a sub-task (e.g. one simulation run), derived from a seed and a name as HMAC-SHA256(seed, name). */
export const deriveSeed = (seed: string, name: string): string => createHmac('sha256', seedKey(seed)).update(name, 'utf8').digest('hex');

function seedKey(seed: string): Buffer {
  if (!/^[0-9a-f]{64}$/.test(seed)) throw badRequest('seed', 'a seed is 64 lower-case hex digits (32 bytes)');
  return Buffer.from(seed, 'hex');
}

/** The 53-bit integer of draw `index` of stream `name`. */
function draw53(key: Buffer, name: string, index: number): number {
  const message = Buffer.alloc(Buffer.byteLength(name, 'utf8') + 9);
  const end = message.write(name, 0, 'utf8');
  message.writeUInt8(0, end);
  message.writeBigUInt64BE(BigInt(index), end + 1);
  return Number(createHmac('sha256', key).update(message).digest().readBigUInt64BE(0) >> 11n);
}

/** Draw `index` of stream `name` from `seed`, uniform in [0, 1). */
export const uniformDraw = (seed: string, name: string, index: number): number => draw53(seedKey(seed), name, index) / TWO_53;

/** One draw as a decision record keeps it: the index in its stream and the value. */
export interface Draw {
  index: number;
  value: number;
}

/** Reads a stream in order from a starting index; `position` is the index of the next draw. */
export class RandomStream {
  private readonly key: Buffer;
  private next: number;

  constructor(
    seed: string,
    readonly name: string,
    start = 0,
  ) {
    this.key = seedKey(seed);
    this.next = start;
  }

  get position(): number {
    return this.next;
  }

  uniform(): Draw {
    const index = this.next++;
    return { index, value: draw53(this.key, this.name, index) / TWO_53 };
  }

  /** An integer in [0, n), every one equally likely (rejection sampling, as documented above). */
  integer(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_53) throw new RangeError(`integer draw: n = ${n} is not a whole number from 1 to 2^53`);
    const limit = TWO_53 - (TWO_53 % n);
    for (;;) {
      const value = draw53(this.key, this.name, this.next++);
      if (value < limit) return value % n;
    }
  }
}

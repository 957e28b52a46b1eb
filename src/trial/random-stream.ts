/**
 * The random stream every allocation is drawn from: a documented, deterministic function of a
 * secret seed, so that anyone given the seed (revealed at unblinding) re-derives every draw, and
 * nobody without it can predict one. Math.random is never used.
 *
 * Definition (changing it would make every past trial fail verification):
 * - the seed is 32 bytes, written as 64 hex digits; its commitment, published before the first
 *   enrolment, is SHA-256 of those 32 bytes (not of the hex text);
 * - the stream named S is the ChaCha20 keystream (RFC 8439: key = the seed, 96-bit nonce = the
 *   first 12 bytes of SHA-256(UTF-8(S)), block counter from 0);
 * - draw i (i = 0, 1, ...) is keystream bytes 8i to 8i + 7 read as a big-endian unsigned
 *   integer, shifted right by 11 and divided by 2^53: uniform in [0, 1) with 53 random bits;
 * - an integer in [0, n) takes the 53-bit integer of the next draw while it is at or above the
 *   largest multiple of n not over 2^53 (rejection, so every integer is exactly as likely), and
 *   answers it modulo n. Each rejected draw uses up its index.
 * Separate names give independent streams from one seed (one per stratum, for example).
 * A keystream rather than a hash per draw: replaying 10,000 enrolments costs about 1 ms of draws
 * instead of 50 ms of HMACs, and every allocation replays the enrolments before it.
 */
import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import type { Cipher } from 'node:crypto';
import { badRequest } from '../shared/errors.ts';
import { sha256Hex } from '../shared/canonical-json.ts';

const SEED_BYTES = 32;
const TWO_53 = 2 ** 53;
const DRAW_BYTES = 8;
const CHACHA_BLOCK_BYTES = 64;
/** Keystream made at a time: 512 draws. */
const CHUNK_BYTES = 4096;
const ZEROS = Buffer.alloc(CHUNK_BYTES);

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

/** Draw `index` of stream `name` from `seed`, uniform in [0, 1). */
export const uniformDraw = (seed: string, name: string, index: number): number => new RandomStream(seed, name, index).uniform().value;

/** One draw as a decision record keeps it: the index in its stream and the value. */
export interface Draw {
  index: number;
  value: number;
}

/** Reads a stream in order from a starting index; `position` is the index of the next draw. */
export class RandomStream {
  private readonly cipher: Cipher;
  private keystream: Buffer;
  private offset: number;
  private next: number;

  constructor(
    seed: string,
    readonly name: string,
    start = 0,
  ) {
    if (!Number.isInteger(start) || start < 0) throw new RangeError(`random stream: start ${start} is not a whole number >= 0`);
    const block = Math.floor((start * DRAW_BYTES) / CHACHA_BLOCK_BYTES);
    const iv = Buffer.alloc(16);
    iv.writeUInt32LE(block, 0);
    createHash('sha256').update(name, 'utf8').digest().copy(iv, 4, 0, 12);
    this.cipher = createCipheriv('chacha20', seedKey(seed), iv);
    this.keystream = this.cipher.update(ZEROS);
    this.offset = start * DRAW_BYTES - block * CHACHA_BLOCK_BYTES;
    this.next = start;
  }

  get position(): number {
    return this.next;
  }

  uniform(): Draw {
    const index = this.next;
    return { index, value: this.draw53() / TWO_53 };
  }

  /** An integer in [0, n), every one equally likely (rejection sampling, as documented above). */
  integer(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_53) throw new RangeError(`integer draw: n = ${n} is not a whole number from 1 to 2^53`);
    const limit = TWO_53 - (TWO_53 % n);
    for (;;) {
      const value = this.draw53();
      if (value < limit) return value % n;
    }
  }

  private draw53(): number {
    // Draws are 8-byte aligned and chunks a multiple of 8 bytes, so a draw never straddles two chunks.
    if (this.offset === this.keystream.length) {
      this.keystream = this.cipher.update(ZEROS);
      this.offset = 0;
    }
    const value = Number(this.keystream.readBigUInt64BE(this.offset) >> 11n);
    this.offset += DRAW_BYTES;
    this.next += 1;
    return value;
  }
}

/**
 * Hashing for the trial model. canonicalJson belongs to the audit chain; this file is the trial's
 * only import of it, so a move of the audit folder touches one line.
 */
import { createHash } from 'node:crypto';

export { canonicalJson } from '../audit/model.ts';

/** SHA-256 of a string's UTF-8 bytes (or of raw bytes), as 64 lower-case hex digits. */
export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/**
 * Signed anchors and checkpoints of the audit chain (docs/adr/0007-audit-anchors.md). The hashes
 * alone need no secret, so whoever can write the database can cut the chain short or rewrite it
 * with every later hash recomputed; a signature with a key kept outside the database cannot be
 * recomputed. Ed25519 from node:crypto; the key is a PEM (PKCS#8) file named by MUSTER_AUDIT_KEY_FILE.
 */
import { readFileSync } from 'node:fs';
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export interface AuditKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** A point of the chain, signed: the event `seq` has hash `hash`, as of `at`. */
export interface Anchor {
  seq: number;
  hash: string;
  at: string;
  /** Ed25519 over `anchorMessage`, base64. */
  signature: string;
}

export const AUDIT_KEY_VARIABLE = 'MUSTER_AUDIT_KEY_FILE';

const keys = new Map<string, AuditKey>();

/** The key named by MUSTER_AUDIT_KEY_FILE, or null when it is not set; a file that is not an Ed25519 key is an error. */
export function auditKeyFromEnvironment(env: NodeJS.ProcessEnv = process.env): AuditKey | null {
  const file = env[AUDIT_KEY_VARIABLE];
  if (!file) return null;
  let key = keys.get(file);
  if (!key) {
    const privateKey = createPrivateKey(readFileSync(file));
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${AUDIT_KEY_VARIABLE}: ${file} is a ${privateKey.asymmetricKeyType} key, not Ed25519`);
    key = { privateKey, publicKey: createPublicKey(privateKey) };
    keys.set(file, key);
  }
  return key;
}

const anchorMessage = (a: Omit<Anchor, 'signature'>) => Buffer.from(`muster audit anchor v1\n${a.seq}\n${a.hash}\n${a.at}`);

export function signAnchor(key: AuditKey, point: Omit<Anchor, 'signature'>): Anchor {
  return { seq: point.seq, hash: point.hash, at: point.at, signature: sign(null, anchorMessage(point), key.privateKey).toString('base64') };
}

export function anchorSignatureValid(key: AuditKey, anchor: Anchor): boolean {
  try {
    return verify(null, anchorMessage(anchor), key.publicKey, Buffer.from(anchor.signature, 'base64'));
  } catch {
    return false;
  }
}

/** An anchor read from a file: its fields checked, or an error naming what is wrong. */
export function parseAnchor(text: string): Anchor {
  const value = JSON.parse(text) as Partial<Anchor>;
  if (!Number.isInteger(value.seq) || typeof value.hash !== 'string' || typeof value.at !== 'string' || typeof value.signature !== 'string') {
    throw new Error('an anchor is {"seq", "hash", "at", "signature"} as `muster audit anchor` prints it');
  }
  return value as Anchor;
}

/** Every how many events the server signs a checkpoint (MUSTER_AUDIT_CHECKPOINT_EVERY, default 100). */
export function checkpointEvery(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.MUSTER_AUDIT_CHECKPOINT_EVERY ?? 100);
  return Number.isInteger(n) && n > 0 ? n : 100;
}

/**
 * Session links: unguessable tokens (256 random bits) that carry a role in one session. Only a
 * SHA-256 hash is stored, so a leaked meta.json gives no working link; a token is shown once.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { TokenRecord } from '../storage/meta-store.ts';

export type { TokenRecord };

/** What the admin sees of a token: never its secret or hash. */
export type TokenInfo = Omit<TokenRecord, 'hash'>;

const TOKEN_PREFIX = 'mcp_';

/** A fresh token and its stored hash. */
export function newToken(): { token: string; hash: string } {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A short random id for token records (not secret). */
export function newTokenId(): string {
  return randomBytes(6).toString('hex');
}

export function tokenInfo({ hash: _hash, ...info }: TokenRecord): TokenInfo {
  return info;
}

/**
 * Session links over the metadata: creating and revoking them (change functions for MetaWrites),
 * listing them without secrets, and finding the live record of a presented token by its hash.
 */
import type { Session } from '../../shared/domain.ts';
import { AppError } from '../../shared/errors.ts';
import type { TokenRole } from '../../shared/roles.ts';
import type { MetaData } from '../storage/meta-store.ts';
import { hashToken, newToken, newTokenId, tokenInfo, type TokenInfo, type TokenRecord } from './tokens.ts';

/** Adds a link for `session` to `data`; the token is returned here only. */
export function addToken(data: MetaData, session: Session, role: TokenRole, label: string, now: string): { info: TokenInfo; token: string } {
  const { token, hash } = newToken();
  const record: TokenRecord = { id: newTokenId(), eventId: session.eventId, sessionId: session.id, role, label, hash, createdAt: now };
  (data.tokens ??= []).push(record);
  return { info: tokenInfo(record), token };
}

/** Marks the session's link revoked (once: a second revoke keeps the first time); throws NOT_FOUND. */
export function revokeToken(data: MetaData, sessionId: string, tokenId: string, now: string): TokenInfo {
  const record = (data.tokens ?? []).find((t) => t.sessionId === sessionId && t.id === tokenId);
  if (!record) throw new AppError('NOT_FOUND', `Session "${sessionId}" has no link "${tokenId}".`);
  record.revokedAt ??= now;
  return tokenInfo(record);
}

/** The session's links, newest first, without secrets. */
export function linksOf(data: MetaData, sessionId: string): TokenInfo[] {
  return (data.tokens ?? []).filter((t) => t.sessionId === sessionId).map(tokenInfo).reverse();
}

/** Live (not revoked) token records by hash; re-indexed whenever the metadata is replaced. */
export class LiveTokens {
  #byHash = new Map<string, TokenRecord>();

  index(data: MetaData): void {
    this.#byHash = new Map((data.tokens ?? []).filter((t) => !t.revokedAt).map((t) => [t.hash, t]));
  }

  /** The live record of `token` (a copy), or undefined (unknown or revoked). */
  find(token: string): TokenRecord | undefined {
    const record = this.#byHash.get(hashToken(token));
    return record && { ...record };
  }
}

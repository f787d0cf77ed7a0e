/** Session links (tokens carrying a role) and the role a request has. */
import { Type, type Static } from '@sinclair/typebox';
import { TOKEN_ROLES, type Role, type TokenRole } from '../roles.ts';
import { Id, Params } from './common.ts';

export const RoleSchema = Type.Unsafe<Role>({ type: 'string', enum: ['admin', 'lead', 'participant', 'viewer'] });
const TokenRoleSchema = Type.Unsafe<TokenRole>({ type: 'string', enum: [...TOKEN_ROLES] });

export const AccessResponse = Type.Object({ role: RoleSchema }, { examples: [{ role: 'participant' }] });
export type AccessResponse = Static<typeof AccessResponse>;

/** What a manager sees of a link: never its secret or hash. */
export const TokenInfo = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  sessionId: Type.String(),
  role: TokenRoleSchema,
  label: Type.String(),
  createdAt: Type.String(),
  revokedAt: Type.Optional(Type.String()),
});
export type TokenInfo = Static<typeof TokenInfo>;

const tokenExample = { id: '0123456789ab', eventId: 'lpc-2019', sessionId: 'kernel-mc', role: 'viewer', label: 'stream', createdAt: '2019-09-10T09:00:00.000Z' };

export const TokenInfoExample = Type.Composite([TokenInfo], { examples: [{ ...tokenExample, revokedAt: '2019-09-11T09:00:00.000Z' }] });
export const TokensResponse = Type.Object({ tokens: Type.Array(TokenInfo) }, { examples: [{ tokens: [tokenExample] }] });

export const NewTokenBody = Type.Object(
  { role: TokenRoleSchema, label: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
  { additionalProperties: false, examples: [{ role: 'viewer', label: 'stream' }] },
);

/** The token is shown here once; `link` is the page URL that carries it. */
export const NewTokenResponse = Type.Composite([TokenInfo, Type.Object({ token: Type.String(), link: Type.String() })], {
  examples: [{ ...tokenExample, token: 'mcp_5m2kq…', link: '/s/kernel-mc/read?token=mcp_5m2kq…' }],
});
export type NewTokenResponse = Static<typeof NewTokenResponse>;

export const TokenParams = Params({ sessionId: Id, tokenId: Type.String({ pattern: '^[a-f0-9]{12}$' }) });

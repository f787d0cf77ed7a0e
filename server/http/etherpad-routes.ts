/**
 * Etherpad's HTTP API and pad URLs (issue #16), so scripts written for Etherpad run against mcpad
 * with only the base URL and key changed (docs/etherpad.md):
 *   GET /api                                  {"currentVersion":"1.3.0"}
 *   GET|POST /api/<1|1.2.x|1.3.0>/<function>  Etherpad's envelope {code, message, data}
 *   GET /p/<pad>                              redirect to the session page (#topic for a topic pad)
 *   GET /p/<pad>/export/txt|html|etherpad     the pad's export, roles as for mcpad's exports
 *
 * Status mapping as Etherpad's: code 0 ok and code 1 (bad parameters) with 200, 2 internal with 500,
 * 3 unknown function with 404 (checked before the key), 4 missing or wrong key with 401. The key is
 * `apikey` or `api_key` (query or form field) or a raw `Authorization` header equal to
 * ETHERPAD_API_KEY; with none configured every call is answered code 4.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ERROR_RESPONSES,
  ETHERPAD_CURRENT_VERSION,
  ETHERPAD_VERSION_PATTERN,
  EtherpadEnvelope,
  EtherpadFields,
  EtherpadVersionResponse,
  ExportDownload,
  PadAliasBody,
  PadAliasesResponse,
  PadAliasParams,
  PadExportParams,
  PadParams,
} from '../../shared/api.ts';
import { AppError } from '../../shared/errors.ts';
import { EtherpadParamError, type EtherpadApi, type Fields } from '../etherpad/etherpad-api.ts';
import type { ExportService } from '../export/export-service.ts';
import type { AccessPolicy } from '../meta/access-policy.ts';
import { padIdOf, parsePadId, type PadRef } from '../etherpad/pad-ids.ts';
import { isReadOnlyId } from '../etherpad/read-only-ids.ts';
import type { MetaService } from '../meta/meta-service.ts';
import { requireAdmin } from './admin-auth.ts';
import { sendExport } from './export-routes.ts';
import { tokenOf } from './request-token.ts';

export interface EtherpadRoutesOptions {
  etherpad: EtherpadApi;
  exports: ExportService;
  access: AccessPolicy;
  meta: MetaService;
  /** ETHERPAD_API_KEY; null: the API is off (code 4 for everyone). */
  apiKey: string | null;
}

const VERSION = new RegExp(ETHERPAD_VERSION_PATTERN);
const tags = ['etherpad'];
const envelopeResponses = { 200: EtherpadEnvelope, 401: EtherpadEnvelope, 404: EtherpadEnvelope, 500: EtherpadEnvelope, '4xx': ERROR_RESPONSES['4xx'] };

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Query fields, then body fields over them (Etherpad: POST fields win). First of repeated fields. */
function fieldsOf(request: FastifyRequest): Fields {
  const fields: Record<string, string> = {};
  for (const source of [request.query, request.body]) {
    if (!source || typeof source !== 'object') continue;
    for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
      const first = Array.isArray(value) ? value[0] : value;
      if (typeof first === 'string' || typeof first === 'number' || typeof first === 'boolean') fields[name] = String(first);
    }
  }
  return fields;
}

function envelope(reply: FastifyReply, status: number, code: 0 | 1 | 2 | 3 | 4, message: string, data: unknown = null): FastifyReply {
  return reply.status(status).type('application/json; charset=utf-8').send({ code, message, data });
}

export async function etherpadRoutes(fastify: FastifyInstance, options: EtherpadRoutesOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { etherpad, apiKey } = options;
  const keyDigest = apiKey === null ? null : digest(apiKey);
  const keyMatches = (presented: string | undefined): boolean => keyDigest !== null && presented !== undefined && timingSafeEqual(digest(presented), keyDigest);

  // Etherpad clients POST form fields; this parser is scoped to this plugin's routes.
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    const fields: Record<string, string> = {};
    for (const [name, value] of new URLSearchParams(body as string)) if (!(name in fields)) fields[name] = value;
    done(null, fields);
  });

  app.get('/api', { schema: { tags, summary: 'Etherpad API version discovery', security: [], response: { 200: EtherpadVersionResponse } } }, async () => ({
    currentVersion: ETHERPAD_CURRENT_VERSION,
  }));

  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const { version, fn } = request.params as { version: string; fn: string };
    if (!VERSION.test(version)) throw new AppError('NOT_FOUND', `No Etherpad API version "${version}" (1, 1.2.x and 1.3.0 are answered).`);
    const run = etherpad.function(fn);
    if (!run) return envelope(reply, 404, 3, 'no such function');
    const fields = fieldsOf(request);
    const presented = fields['apikey'] ?? fields['api_key'] ?? request.headers.authorization;
    if (!keyMatches(presented)) return envelope(reply, 401, 4, 'no or wrong API Key');
    try {
      return envelope(reply, 200, 0, 'ok', await run(fields));
    } catch (error) {
      if (error instanceof EtherpadParamError) return envelope(reply, 200, 1, error.message);
      request.log.error({ err: error, fn }, 'Etherpad API call failed');
      return envelope(reply, 500, 2, error instanceof Error ? error.message : 'internal error');
    }
  };
  const schema = (method: string) => ({
    tags,
    summary: `An Etherpad API function (${method}; see docs/etherpad.md)`,
    security: [],
    params: Type.Object({ version: Type.String(), fn: Type.String({ maxLength: 64 }) }),
    querystring: EtherpadFields,
    response: envelopeResponses,
  });
  // Untyped instance: the handler answers through reply.send in Etherpad's envelope.
  fastify.get('/api/:version/:fn', { schema: schema('GET') }, handler);
  fastify.post('/api/:version/:fn', { schema: { ...schema('POST'), body: EtherpadFields } }, handler);

  padRoutes(app, options);
  aliasRoutes(app, options);
}

/** The alias table (admin): legacy Etherpad pad names → mcpad pad ids. */
function aliasRoutes(app: FastifyInstance, { etherpad, access, meta }: EtherpadRoutesOptions): void {
  const admin = { preHandler: requireAdmin(access) };
  const aliasTags = ['etherpad'];
  app.get(
    '/api/etherpad/aliases',
    { ...admin, schema: { tags: aliasTags, summary: 'Legacy Etherpad pad names and the pads they map to (admin)', response: { 200: PadAliasesResponse, ...ERROR_RESPONSES } } },
    async () => ({ aliases: meta.listPadAliases() }),
  );
  app.put(
    '/api/etherpad/aliases/:alias',
    { ...admin, schema: { tags: aliasTags, summary: 'Map a legacy pad name to <sessionId> or <sessionId>.<topicId> (admin)', params: PadAliasParams, body: PadAliasBody, response: { 200: PadAliasesResponse, ...ERROR_RESPONSES } } },
    async (request) => {
      const { alias } = request.params as { alias: string };
      const { padId } = request.body as { padId: string };
      if (!parsePadId(padId)) throw new AppError('VALIDATION_FAILED', `"${padId}" is not a pad id: <sessionId> or <sessionId>.<topicId>.`);
      if (parsePadId(alias) && etherpad.resolve(alias) && meta.padAlias(alias) === undefined) {
        throw new AppError('VALIDATION_FAILED', `"${alias}" is already a pad of mcpad; an alias cannot hide it.`);
      }
      await meta.setPadAlias(alias, padId);
      return { aliases: meta.listPadAliases() };
    },
  );
  app.delete(
    '/api/etherpad/aliases/:alias',
    { ...admin, schema: { tags: aliasTags, summary: 'Remove a legacy pad name (admin)', params: PadAliasParams, response: { 200: PadAliasesResponse, ...ERROR_RESPONSES } } },
    async (request) => {
      await meta.setPadAlias((request.params as { alias: string }).alias, null);
      return { aliases: meta.listPadAliases() };
    },
  );
}

/** `/p/<pad>` and its exports. A read-only id (`r.…`) is a viewer link: it reads without a token. */
function padRoutes(app: FastifyInstance, { etherpad, exports, access }: EtherpadRoutesOptions): void {
  const padOf = (request: FastifyRequest, pad: string): { ref: PadRef; padId: string } => {
    if (isReadOnlyId(pad)) {
      const ref = etherpad.resolveReadOnly(pad);
      if (!ref) throw new AppError('NOT_FOUND', `No pad "${pad}" (an unknown read-only id, or its link was revoked).`);
      return { ref, padId: padIdOf(ref) };
    }
    const ref = etherpad.resolve(pad);
    if (!ref) throw new AppError('NOT_FOUND', `No pad "${pad}".`);
    access.require(access.inSession(ref.sessionId, tokenOf(request)), 'read');
    return { ref, padId: pad };
  };

  app.get(
    '/p/:pad',
    { schema: { tags, summary: "An Etherpad pad URL: redirects to the session's page (a read-only id: to its HTML export)", params: PadParams, response: { 302: Type.Null(), ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const { pad } = request.params as { pad: string };
      if (isReadOnlyId(pad)) {
        if (!etherpad.resolveReadOnly(pad)) throw new AppError('NOT_FOUND', `No pad "${pad}" (an unknown read-only id, or its link was revoked).`);
        return reply.redirect(`/p/${pad}/export/html`, 302);
      }
      const ref = etherpad.resolve(pad);
      if (!ref) throw new AppError('NOT_FOUND', `No pad "${pad}".`);
      return reply.redirect(`/s/${encodeURIComponent(ref.sessionId)}${ref.topicId ? `#${encodeURIComponent(ref.topicId)}` : ''}`, 302);
    },
  );

  app.get(
    '/p/:pad/export/:type',
    { schema: { tags, summary: "An Etherpad export URL: the pad's txt, html or .etherpad export (read)", params: PadExportParams, response: { 200: ExportDownload, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const { pad, type } = request.params as { pad: string; type: 'txt' | 'html' | 'etherpad' };
      const { ref, padId } = padOf(request, pad);
      if (type === 'etherpad') {
        const { text } = await callOrNotFound(() => etherpad.getText({ padID: padId }));
        const file = await etherpad.etherpadFile(padId, text);
        return reply
          .header('content-type', 'application/octet-stream')
          .header('content-disposition', `attachment; filename="${pad}.etherpad"`)
          .header('cache-control', 'no-store')
          .send(file);
      }
      if (ref.topicId === null) return sendExport(reply, await exports.exportSession(ref.sessionId, type));
      const body = type === 'txt' ? (await callOrNotFound(() => etherpad.getText({ padID: padId }))).text : (await callOrNotFound(() => etherpad.getHTML({ padID: padId }))).html;
      // A legacy name keeps its own file name, as Etherpad named the download after the pad.
      return sendExport(reply, { body, contentType: type === 'txt' ? 'text/plain; charset=utf-8' : 'text/html; charset=utf-8', fileName: `${pad}.${type}` });
    },
  );
}

async function callOrNotFound<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof EtherpadParamError) throw new AppError('NOT_FOUND', error.message);
    throw error;
  }
}

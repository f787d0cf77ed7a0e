/**
 * GET /api/search (issue #17): every event and session the caller may read, as the notes are read
 * (a link reads its own session only). Rate-limited as an expensive read.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ERROR_RESPONSES, SearchQuery, SearchResponse } from '../../shared/api.ts';
import { AppError } from '../../shared/errors.ts';
import type { SearchService } from '../search/search-service.ts';
import { tokenOf } from './request-token.ts';

export interface SearchRoutesOptions {
  search: SearchService;
  maxQueryChars: number;
  maxLimit: number;
}

export async function searchRoutes(fastify: FastifyInstance, { search, maxQueryChars, maxLimit }: SearchRoutesOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/api/search',
    {
      schema: {
        tags: ['search'],
        summary: 'Search notes, action items, decisions and sessions of every event the caller may read',
        querystring: SearchQuery,
        response: { 200: SearchResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { q, limit = 20, ...filters } = request.query;
      if (q.length > maxQueryChars) throw new AppError('VALIDATION_FAILED', `The query is longer than ${maxQueryChars} characters.`);
      if (limit > maxLimit) throw new AppError('VALIDATION_FAILED', `limit is at most ${maxLimit}.`);
      return search.search({ q, limit, ...filters }, tokenOf(request));
    },
  );
}

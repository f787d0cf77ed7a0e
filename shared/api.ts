/**
 * The HTTP API contract, one entry point: the request and response schemas every route in
 * server/http declares (and the OpenAPI document at `GET /api/openapi.json` is built from), and
 * the TypeScript types derived from them, which the client imports. Grouped as docs/api.md is.
 */
export * from './api/common.ts';
export * from './api/events.ts';
export * from './api/followups.ts';
export * from './api/history.ts';
export * from './api/record.ts';
export * from './api/tokens.ts';
export * from './api/imports.ts';
export * from './api/exports.ts';
export * from './api/ops.ts';
export * from './api/etherpad.ts';
export * from './api/carry-over.ts';
export * from './api/decisions.ts';
export * from './api/search.ts';

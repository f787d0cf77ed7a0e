/** Post-event summary downloads: one format per request, as an attachment. */
import { Type } from '@sinclair/typebox';
import { EXPORT_FORMATS, type ExportFormat } from '../export/formats.ts';
import { MediaBody } from './common.ts';

export const ExportQuery = Type.Object(
  { format: Type.Optional(Type.Unsafe<ExportFormat>({ type: 'string', enum: [...EXPORT_FORMATS], default: 'md' })) },
  { additionalProperties: false },
);

export const ExportDownload = MediaBody(
  ['text/markdown', 'text/html', 'application/json', 'text/plain'],
  'The summary in the asked format (JSON: the mcpad export format, see docs/export-format.md), as an attachment.',
);

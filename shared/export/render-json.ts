/**
 * The summary as versioned JSON (`{"format": "mcpad-export", "version": 1, ...}`), the backup and
 * restore format: importing it recreates the sessions with their notes and action items. The
 * schema is documented in the README ("Export"); a new field is a minor change, a renamed or
 * removed one a new version.
 */
import type { ExportSession, SummaryFollowUp, PersonFollowUps, SummaryModel } from './model.ts';

export const EXPORT_FORMAT_NAME = 'mcpad-export';
export const EXPORT_SCHEMA_VERSION = 1;

export interface ExportDocumentV1 {
  format: typeof EXPORT_FORMAT_NAME;
  version: typeof EXPORT_SCHEMA_VERSION;
  generatedAt: string;
  scope: 'session' | 'event';
  event: { id: string; title: string; description: string };
  sessions: ExportSession[];
  followUps: Array<PersonFollowUps>;
  unassigned: SummaryFollowUp[];
  contributors: string[];
}

/** The versioned export document of a model (what `renderJson` serialises). */
export function toExportDocument(model: SummaryModel): ExportDocumentV1 {
  return {
    format: EXPORT_FORMAT_NAME,
    version: EXPORT_SCHEMA_VERSION,
    generatedAt: model.generatedAt,
    scope: model.scope,
    event: model.event,
    sessions: model.sessions,
    followUps: model.followUps,
    unassigned: model.unassigned,
    contributors: model.contributors,
  };
}

/** The export document as pretty-printed JSON (ends with a newline). */
export function renderJson(model: SummaryModel): string {
  return `${JSON.stringify(toExportDocument(model), null, 2)}\n`;
}

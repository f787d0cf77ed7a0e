/** Export formatting shared by the server, the CLI and the client: model → md, txt, json.
 *  (HTML needs sanitize-html, which is not isomorphic: see server/export/render-html.ts.) */
export * from './formats.ts';
export * from './model.ts';
export * from './read-doc.ts';
export { renderJson, toExportDocument, EXPORT_FORMAT_NAME, EXPORT_SCHEMA_VERSION, type ExportDocumentV1 } from './render-json.ts';
export { renderMarkdown } from './render-markdown.ts';
export { renderText, wrapNotes, TEXT_WIDTH } from './render-text.ts';
export { formatSchedule, formatDue } from './schedule.ts';

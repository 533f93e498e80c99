/**
 * The formats a document is rendered in. A leaf file on purpose: the routes, the service and the
 * module's entry all read it, and module entries import each other in a cycle, so a constant kept
 * in the service could be read before the service module has run.
 */
export const DOCUMENT_FORMATS = ['docx', 'pdf'] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];

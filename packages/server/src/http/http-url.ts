import { FIELDS } from '@releasegate/messages';
import { z } from 'zod';

/** The field message of a refused link; the web shows it in Chinese next to the field. */
export const HTTP_URL_MESSAGE = FIELDS.http_url;

/**
 * A link that people store and others open with a click (evidence, a change in its own system,
 * a DSL version kept elsewhere). Only http and https: a `javascript:` link would run script in
 * the reader's session, and `data:`, `file:` or `vbscript:` have no business in a record either.
 * Refused at the edge with the field named (400 invalid_input), so nothing else stores one.
 */
export const httpUrl = () => z.url({ protocol: /^https?$/, error: HTTP_URL_MESSAGE }).max(2000);

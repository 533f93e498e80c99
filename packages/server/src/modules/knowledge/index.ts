/** The knowledge module's public entry: the reads others may make of articles. */
export { findArticle } from './knowledge.repository';

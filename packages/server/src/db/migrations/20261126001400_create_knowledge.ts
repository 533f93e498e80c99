import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>
// because it must not depend on the schema types of later versions.
// The knowledge base (PO-4): articles linked to releases and CIs, every edit kept, and a search
// index of CJK bigrams and words (docs/decisions/0008): an FTS5 table on SQLite, a tsvector with a
// GIN index on PostgreSQL. The application writes the terms; the databases only index them.
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('knowledge_articles')
    // The integer key of the search index (FTS5 rowid); the id is what the API speaks.
    .addColumn('seq', postgres ? 'bigserial' : 'integer', (c) => c.primaryKey())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('author_id', 'text', (c) => c.notNull())
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text')
    .addColumn('archived_at', 'text')
    .execute();
  await db.schema
    .createIndex('knowledge_articles_updated_idx')
    .on('knowledge_articles')
    .columns(['updated_at', 'id'])
    .execute();
  await db.schema
    .createIndex('knowledge_articles_state_idx')
    .on('knowledge_articles')
    .columns(['state', 'kind'])
    .execute();

  await db.schema
    .createTable('knowledge_number_seq')
    .addColumn('year', 'integer', (c) => c.primaryKey())
    .addColumn('last', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('knowledge_tags')
    .addColumn('article_id', 'text', (c) => c.notNull().references('knowledge_articles.id'))
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('knowledge_tags_pk', ['article_id', 'tag'])
    .execute();
  await db.schema.createIndex('knowledge_tags_tag_idx').on('knowledge_tags').column('tag').execute();

  await db.schema
    .createTable('knowledge_releases')
    .addColumn('article_id', 'text', (c) => c.notNull().references('knowledge_articles.id'))
    .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
    .addPrimaryKeyConstraint('knowledge_releases_pk', ['article_id', 'release_id'])
    .execute();
  await db.schema
    .createIndex('knowledge_releases_release_idx')
    .on('knowledge_releases')
    .column('release_id')
    .execute();

  await db.schema
    .createTable('knowledge_cis')
    .addColumn('article_id', 'text', (c) => c.notNull().references('knowledge_articles.id'))
    .addColumn('ci_id', 'text', (c) => c.notNull().references('cis.id'))
    .addPrimaryKeyConstraint('knowledge_cis_pk', ['article_id', 'ci_id'])
    .execute();
  await db.schema.createIndex('knowledge_cis_ci_idx').on('knowledge_cis').column('ci_id').execute();

  await db.schema
    .createTable('knowledge_history')
    .addColumn('seq', postgres ? 'bigserial' : 'integer', (c) => c.primaryKey())
    .addColumn('article_id', 'text', (c) => c.notNull().references('knowledge_articles.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('before_json', 'text')
    .addColumn('after_json', 'text')
    .execute();
  await db.schema
    .createIndex('knowledge_history_article_idx')
    .on('knowledge_history')
    .columns(['article_id', 'seq'])
    .execute();

  if (postgres) {
    await db.schema
      .createTable('knowledge_search')
      .addColumn('article_seq', 'bigint', (c) => c.primaryKey().references('knowledge_articles.seq'))
      .addColumn('title_terms', 'text', (c) => c.notNull())
      .addColumn('body_terms', 'text', (c) => c.notNull())
      .addColumn('document', sql`tsvector`, (c) =>
        c
          .generatedAlwaysAs(
            sql`setweight(to_tsvector('simple', title_terms), 'A') || setweight(to_tsvector('simple', body_terms), 'D')`,
          )
          .stored(),
      )
      .execute();
    await sql`create index knowledge_search_document_idx on knowledge_search using gin (document)`.execute(
      db,
    );
  } else {
    // rowid = knowledge_articles.seq; remove_diacritics 0 keeps terms as PostgreSQL's 'simple' does.
    await sql`create virtual table knowledge_search using fts5(title_terms, body_terms, tokenize = 'unicode61 remove_diacritics 0')`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('knowledge_search').execute();
  await db.schema.dropTable('knowledge_history').execute();
  await db.schema.dropTable('knowledge_cis').execute();
  await db.schema.dropTable('knowledge_releases').execute();
  await db.schema.dropTable('knowledge_tags').execute();
  await db.schema.dropTable('knowledge_number_seq').execute();
  await db.schema.dropTable('knowledge_articles').execute();
}

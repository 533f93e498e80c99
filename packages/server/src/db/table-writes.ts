import type {
  KyselyPlugin,
  OperationNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

/** A statement's write: its table, and for an update the columns it sets. */
export interface TableWrite {
  table: string;
  kind: 'insert' | 'update' | 'delete';
  columns?: string[];
}
type Watcher = (write: TableWrite) => void;

/** The name of a table node, or of the table behind an alias (`users as u`). */
function tableName(node: OperationNode | undefined): string | undefined {
  if (!node) return undefined;
  if (node.kind === 'AliasNode') return tableName((node as unknown as { node: OperationNode }).node);
  if (node.kind === 'TableNode')
    return (node as unknown as { table: { identifier: { name: string } } }).table.identifier.name;
  return undefined;
}

function columnName(node: OperationNode): string {
  return (node as unknown as { column: { name: string } }).column?.name ?? '?';
}

function writesOf(node: RootOperationNode): TableWrite[] {
  const named = (table: string | undefined, write: Omit<TableWrite, 'table'>) =>
    table ? [{ table, ...write }] : [];
  if (node.kind === 'InsertQueryNode') return named(tableName(node.into), { kind: 'insert' });
  if (node.kind === 'UpdateQueryNode')
    return named(tableName(node.table), {
      kind: 'update',
      columns: (node.updates ?? []).map((u) => columnName(u.column)),
    });
  if (node.kind === 'DeleteQueryNode')
    return node.from.froms.flatMap((from) => named(tableName(from), { kind: 'delete' }));
  // MERGE may insert, update or delete: told as an update of every column.
  if (node.kind === 'MergeQueryNode') return named(tableName(node.into), { kind: 'update' });
  return [];
}

/**
 * Tells watchers which tables this process's statements write, as each statement is compiled
 * (just before it runs). Used on PostgreSQL (decision 0028): a process hears its own writes at
 * once, while other processes' arrive by NOTIFY after their commit.
 */
export class TableWrites implements KyselyPlugin {
  private readonly watchers = new Set<Watcher>();

  watch(watcher: Watcher): () => void {
    this.watchers.add(watcher);
    return () => void this.watchers.delete(watcher);
  }

  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    if (this.watchers.size > 0)
      for (const write of writesOf(node)) for (const watcher of this.watchers) watcher(write);
    return node;
  }

  transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(result);
  }
}

import type {
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  OperationNode,
  QueryCompiler,
  QueryResult,
  RootOperationNode,
  TransactionSettings,
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

type Tell = (writes: TableWrite[]) => void;

/** A connection that tells each write as it starts, and again once it is committed. */
class WatchedConnection implements DatabaseConnection {
  /** The writes of the open transaction, told again at its commit; null outside a transaction. */
  transactionWrites: TableWrite[] | null = null;
  constructor(
    readonly inner: DatabaseConnection,
    private readonly tell: Tell,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const writes = writesOf(query.query);
    this.tell(writes);
    const result = await this.inner.executeQuery<R>(query);
    if (this.transactionWrites) this.transactionWrites.push(...writes);
    else this.tell(writes);
    return result;
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

/** The dialect's driver, its connections watched; transactions are begun and ended on the real ones. */
class WatchedDriver implements Driver {
  private readonly connections = new WeakMap<DatabaseConnection, WatchedConnection>();
  constructor(
    private readonly inner: Driver,
    private readonly tell: Tell,
  ) {}
  init(): Promise<void> {
    return this.inner.init();
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await this.inner.acquireConnection();
    let watched = this.connections.get(inner);
    if (!watched) this.connections.set(inner, (watched = new WatchedConnection(inner, this.tell)));
    return watched;
  }
  async beginTransaction(connection: WatchedConnection, settings: TransactionSettings): Promise<void> {
    await this.inner.beginTransaction(connection.inner, settings);
    connection.transactionWrites = [];
  }
  async commitTransaction(connection: WatchedConnection): Promise<void> {
    await this.inner.commitTransaction(connection.inner);
    const writes = connection.transactionWrites ?? [];
    connection.transactionWrites = null;
    this.tell(writes);
  }
  rollbackTransaction(connection: WatchedConnection): Promise<void> {
    connection.transactionWrites = null;
    return this.inner.rollbackTransaction(connection.inner);
  }
  savepoint(
    connection: WatchedConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return this.inner.savepoint!(connection.inner, name, compile);
  }
  rollbackToSavepoint(
    connection: WatchedConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return this.inner.rollbackToSavepoint!(connection.inner, name, compile);
  }
  releaseSavepoint(
    connection: WatchedConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return this.inner.releaseSavepoint!(connection.inner, name, compile);
  }
  releaseConnection(connection: WatchedConnection): Promise<void> {
    return this.inner.releaseConnection(connection.inner);
  }
  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/**
 * Tells watchers which tables this process's statements write: as each statement starts, and
 * again once it is committed (when it ends, outside a transaction; at COMMIT, inside one; never
 * after a rollback). Used on PostgreSQL (decision 0028): a process hears its own writes at once,
 * while other processes' arrive by NOTIFY after their commit. Told twice because a read this
 * process starts between a write and its commit still sees the row as it was.
 */
export class TableWrites {
  private readonly watchers = new Set<Watcher>();

  watch(watcher: Watcher): () => void {
    this.watchers.add(watcher);
    return () => void this.watchers.delete(watcher);
  }

  /** The dialect whose statements are told. */
  dialect(inner: Dialect): Dialect {
    const tell: Tell = (writes) => {
      for (const write of writes) for (const watcher of this.watchers) watcher(write);
    };
    return {
      createAdapter: () => inner.createAdapter(),
      createDriver: () => new WatchedDriver(inner.createDriver(), tell),
      createQueryCompiler: () => inner.createQueryCompiler(),
      createIntrospector: (db) => inner.createIntrospector(db),
    };
  }
}

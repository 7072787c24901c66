// plus/postgres: the engine's store on PostgreSQL, for several application instances on one
// database. A separate entry point so that a host on SQLite never loads the `pg` driver; `pg` is
// an optional peer dependency, needed only for the connection-string form.
export { openPostgresStore, PostgresStoreError } from './engine/store/postgres.ts'
export type {
  PgClientLike,
  PgPoolLike,
  PgQueryConfigLike,
  PgQueryResultLike,
  PostgresConnectionOptions,
  PostgresStoreOptions,
} from './engine/store/postgres.ts'
export { MIGRATION_LOCK, POSTGRES_GRANTS, POSTGRES_MIGRATIONS } from './engine/store/postgres-migrations.ts'

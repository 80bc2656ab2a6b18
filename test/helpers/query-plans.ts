import {
  CompiledQuery,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import type { Db, Dialect } from '../../src/store/database.js';

/** One query a store function ran, as the database received it. */
export interface CapturedQuery {
  sql: string;
  parameters: readonly unknown[];
}

/**
 * Runs `run` against `db` and returns every query it sent, captured as the store builds it
 * rather than written again beside the test, so a plan checked cannot drift from what runs.
 * The store's direct reads (src/store/direct-reads.ts) go through Kysely on the plugged
 * instance, so they are captured too.
 */
export async function captureQueries(db: Db, run: (db: Db) => Promise<unknown>): Promise<CapturedQuery[]> {
  const capture = new CaptureQueries();
  await run(db.withPlugin(capture));
  const executor = db.getExecutor();
  return capture.nodes.map(({ node, queryId }) => {
    const { sql, parameters } = executor.compileQuery(node, queryId);
    return { sql, parameters };
  });
}

/** Remembers every query passed through it, unchanged. */
class CaptureQueries implements KyselyPlugin {
  nodes: PluginTransformQueryArgs[] = [];
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.nodes.push(args);
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** SQLite's EXPLAIN QUERY PLAN, one line per step. */
export async function sqlitePlan(db: Db, query: CapturedQuery): Promise<string[]> {
  const { rows } = await db.executeQuery<{ detail: string }>(
    CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]),
  );
  return rows.map((r) => r.detail);
}

/**
 * PostgreSQL's plan of the query as it runs, with what each step read (EXPLAIN ANALYZE, JSON).
 * `generic` asks for the plan a named statement settles on after a few runs (Belfry names every
 * parameterised query, src/store/prepared-pool.ts), which knows no parameter's value; otherwise
 * the plan made for these values.
 */
export async function postgresPlan(
  db: Db,
  query: CapturedQuery,
  options: { generic: boolean; text?: boolean },
): Promise<unknown> {
  const explain = options.text
    ? 'explain (analyze, costs off, summary off)'
    : 'explain (analyze, format json)';
  if (!options.generic) {
    const { rows } = await db.executeQuery<Record<string, unknown>>(
      CompiledQuery.raw(`${explain} ${query.sql}`, [...query.parameters]),
    );
    return options.text ? rows.map((r) => r['QUERY PLAN']) : rows[0]!['QUERY PLAN'];
  }
  // One connection for the setting, the statement and its plan; deallocated again after.
  return db.connection().execute(async (connection) => {
    await connection.executeQuery(CompiledQuery.raw('set plan_cache_mode = force_generic_plan'));
    await connection.executeQuery(CompiledQuery.raw(`prepare plan_check as ${query.sql}`));
    try {
      const values = query.parameters.map((p) => literal(p)).join(', ');
      const { rows } = await connection.executeQuery<Record<string, unknown>>(
        CompiledQuery.raw(`${explain} execute plan_check${values ? `(${values})` : ''}`),
      );
      return options.text ? rows.map((r) => r['QUERY PLAN']) : rows[0]!['QUERY PLAN'];
    } finally {
      await connection.executeQuery(CompiledQuery.raw('deallocate plan_check'));
      await connection.executeQuery(CompiledQuery.raw('reset plan_cache_mode'));
    }
  });
}

/** A parameter written as SQL: EXECUTE takes its values in the text. Test values only. */
function literal(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  if (Array.isArray(value)) return `array[${value.map(literal).join(', ')}]`; // `column = any($1)`
  throw new Error(`no literal for ${typeof value} parameters`);
}

/** What one plan does, reduced to what a hot query's check needs. */
export interface PlanSummary {
  /** the step kinds, e.g. `Index Scan on users using users_account_member` */
  steps: string[];
  /** rows the scans read: returned or removed by a filter, over every loop */
  rowsRead: number;
  sorts: number;
  fullScans: number;
}

/** Reduces a PostgreSQL JSON plan to its steps, sorts, full scans and rows read. */
export function summarizePostgresPlan(plan: unknown): PlanSummary {
  const summary: PlanSummary = { steps: [], rowsRead: 0, sorts: 0, fullScans: 0 };
  const visit = (node: PgPlanNode) => {
    const type = node['Node Type'];
    summary.steps.push(
      [
        type,
        node['Relation Name'] && `on ${node['Relation Name']}`,
        node['Index Name'] && `using ${node['Index Name']}`,
      ]
        .filter(Boolean)
        .join(' '),
    );
    if (type === 'Sort' || type === 'Incremental Sort') summary.sorts++;
    if (type === 'Seq Scan' || type === 'Bitmap Heap Scan') summary.fullScans += type === 'Seq Scan' ? 1 : 0;
    if (node['Relation Name'] !== undefined)
      summary.rowsRead +=
        (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1) +
        (node['Rows Removed by Filter'] ?? 0) +
        (node['Rows Removed by Index Recheck'] ?? 0);
    for (const child of node.Plans ?? []) visit(child);
  };
  visit((plan as Array<{ Plan: PgPlanNode }>)[0]!.Plan);
  return summary;
}

interface PgPlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PgPlanNode[];
}

/** The plan lines the benchmark prints: SQLite's steps, PostgreSQL's text EXPLAIN ANALYZE. */
export async function explainLines(db: Db, dialect: Dialect, query: CapturedQuery): Promise<string[]> {
  if (dialect === 'sqlite') return sqlitePlan(db, query);
  return (await postgresPlan(db, query, { generic: false, text: true })) as string[];
}

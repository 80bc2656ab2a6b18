import type { Measurement } from './load.js';
import type { FloorComparison, TargetResult } from './report.js';

/** Issue 16's targets for the admin API's request path. */
export const REQUEST_PATH_TARGETS = { getUserOfFloor: 0.9, postgresCpuOfSqlite: 1.3 } as const;

/**
 * GetUser's throughput as a share of its floor's (bench/floor.ts), the median over the rounds in
 * which they took turns; the same share from CPU per request beside it, which drifts less.
 */
export function checkAgainstFloor(dialect: string, floor: FloorComparison): TargetResult {
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const byRate = median(floor.rounds.map((r) => r.belfry.requestsPerSecond / r.floor.requestsPerSecond));
  const byCpu = median(floor.rounds.map((r) => r.floor.cpuMicrosPerRequest / r.belfry.cpuMicrosPerRequest));
  const floorCpu = median(floor.rounds.map((r) => r.floor.cpuMicrosPerRequest));
  return {
    target: `GetUser throughput >= ${REQUEST_PATH_TARGETS.getUserOfFloor} x its floor (${dialect})`,
    value: `median of ${floor.rounds.length} rounds ${byRate.toFixed(2)} x (by CPU per request ${byCpu.toFixed(2)} x; the floor's CPU/req ${floorCpu.toFixed(0)} µs)`,
    verdict: byRate >= REQUEST_PATH_TARGETS.getUserOfFloor ? 'PASS' : 'MISS',
  };
}

/** What a dialect's run left for the comparison across stores. */
export interface DialectScenarios {
  dialect: string;
  scenarios: Array<{ name: string; belfry: Measurement }>;
}

/**
 * PostgreSQL's CPU per request (the Node process's own) against SQLite's, for every scenario both
 * runs measured (only with `--dialect both`). The two runs are minutes apart, so the machine's
 * drift is in the ratio: compare it with the bare route's, printed beside it.
 */
export function checkAcrossDialects(reports: DialectScenarios[]): TargetResult[] {
  const sqlite = reports.find((r) => r.dialect === 'sqlite');
  const postgres = reports.find((r) => r.dialect === 'postgres');
  if (!sqlite || !postgres) return [];
  const limit = REQUEST_PATH_TARGETS.postgresCpuOfSqlite;
  return postgres.scenarios.flatMap((onPostgres): TargetResult[] => {
    const onSqlite = sqlite.scenarios.find((s) => s.name === onPostgres.name);
    if (!onSqlite) return [];
    const ratio = onPostgres.belfry.cpuMicrosPerRequest / onSqlite.belfry.cpuMicrosPerRequest;
    const micros = (m: Measurement) => `${m.cpuMicrosPerRequest.toFixed(0)} µs`;
    return [
      {
        target: `${onPostgres.name} CPU/request on PostgreSQL <= ${limit} x SQLite's`,
        value: `${ratio.toFixed(2)} x (${micros(onPostgres.belfry)} against ${micros(onSqlite.belfry)})`,
        verdict: ratio <= limit ? 'PASS' : 'MISS',
      },
    ];
  });
}

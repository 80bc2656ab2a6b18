import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Credentials, TestServer } from './server.js';

/** The AWS CLI v2 from Debian's awscli package (the pyenv shim on PATH may be v1). */
export const AWS_CLI = process.env.AWS_CLI ?? '/usr/bin/aws';

/** Why the CLI cannot run here (fails the run under CI), or undefined. */
export function awsCliUnavailable(): string | undefined {
  if (existsSync(AWS_CLI)) return undefined;
  const reason = `${AWS_CLI} not found (install Debian's awscli)`;
  if (process.env.CI) throw new Error(`${reason}; CI requires the AWS CLI v2`);
  return reason;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON, or undefined when empty */
  json: any;
}

/** Runs `aws chime <args>` against the endpoint with the given key. */
export function awsChime(
  endpoint: string,
  credentials: Credentials,
  args: string[],
  region = 'us-east-1',
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      AWS_CLI,
      ['chime', ...args, '--endpoint-url', endpoint, '--region', region, '--output', 'json'],
      {
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: process.env.HOME ?? '/tmp',
          AWS_ACCESS_KEY_ID: credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
          AWS_PAGER: '',
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_MAX_ATTEMPTS: '1',
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        let json: unknown;
        try {
          json = stdout.trim() ? JSON.parse(stdout) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ code, stdout, stderr, json });
      },
    );
  });
}

/** `aws chime <args>` against a suite's server, with the operator's key unless given another. */
export type Cli = (args: string[], credentials?: Credentials, region?: string) => Promise<CliResult>;

export function cliFor(server: () => TestServer): Cli {
  return (args, credentials, region) =>
    awsChime(server().url, credentials ?? server().operator, args, region);
}

/** Asserts a zero exit and returns the printed JSON (undefined for commands that print nothing). */
export function ok(result: CliResult): any {
  assert.equal(result.code, 0, `exit ${result.code}: ${result.stderr}`);
  return result.json;
}

/** Asserts the CLI's service-error exit (254) and message for an error code. */
export function fails(result: CliResult, code: string): void {
  assert.equal(
    result.code,
    254,
    `expected ${code}, got exit ${result.code}: ${result.stdout}${result.stderr}`,
  );
  assert.match(result.stderr, new RegExp(`An error occurred \\(${code}\\)`));
}

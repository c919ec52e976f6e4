import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** A throwaway PostgreSQL cluster on a loopback port this run owns, as .ci/run makes one. */
export interface Cluster {
  url(database?: string): string;
  createDatabase(name: string): Promise<string>;
  serverVersion(): Promise<string>;
  /** The server's postmaster: it and the processes it started are the cluster's CPU. */
  postmasterPid(): number;
  /** Where the server writes its log, plans logged by auto_explain included. */
  logFile: string;
  stop(): void;
}

export function startCluster(port: number): Cluster {
  const version = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))[0];
  if (!version) throw new Error('PostgreSQL is not installed: apt-get install postgresql');
  const bin = `/usr/lib/postgresql/${version}/bin`;
  const dir = mkdtempSync(join(tmpdir(), 'foyer-bench-pg-'));
  const root = process.getuid?.() === 0;
  if (root) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), 0);
  const run = (cmd: string, args: string[]) =>
    execFileSync(root ? 'runuser' : cmd, root ? ['-u', 'postgres', '--', cmd, ...args] : args, { stdio: 'pipe' });
  run(`${bin}/initdb`, ['-D', `${dir}/data`, '-A', 'trust', '-U', 'postgres']);
  run(`${bin}/pg_ctl`, [
    '-D', `${dir}/data`, '-l', `${dir}/log`, '-w', '-o',
    `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c max_connections=300 -c shared_buffers=512MB -c fsync=off`,
    'start',
  ]);
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    url,
    logFile: `${dir}/log`,
    postmasterPid: () => Number(readFileSync(`${dir}/data/postmaster.pid`, 'utf8').split('\n')[0]),
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      await client.query(`drop database if exists ${name}`);
      await client.query(`create database ${name}`);
      await client.end();
      return url(name);
    },
    async serverVersion() {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        return (await client.query<{ server_version: string }>('show server_version')).rows[0]!.server_version;
      } finally {
        await client.end();
      }
    },
    stop() {
      try {
        run(`${bin}/pg_ctl`, ['-D', `${dir}/data`, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

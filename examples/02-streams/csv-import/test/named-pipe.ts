import { execFileSync } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type pg from 'pg';
import { afterEach } from 'vitest';
import { useTempDir } from '../../test/temp-files.js';
import { writePeopleCsv } from '../people-csv.js';

export interface NamedPipe {
  path: string;
  /** The CSV's lines: the header, then one line per row. */
  lines: string[];
  writer: WriteStream;
}

/**
 * Named pipes as the import's file, so a test decides when each part of the CSV arrives. A pipe's
 * writer opens once the import opens it for reading; a pipe left open by a failed test is destroyed.
 */
export function useNamedPipes(label: string): (rows: number) => Promise<NamedPipe> {
  const temp = useTempDir(label);
  const pipes: WriteStream[] = [];
  afterEach(() => {
    for (const writer of pipes.splice(0)) writer.destroy(); // a failed test must not leave its import waiting
  });
  return async (rows) => {
    const source = temp.file();
    await writePeopleCsv(source, rows);
    const path = temp.file();
    execFileSync('mkfifo', [path]);
    const lines = (await readFile(source, 'utf8')).split(/(?<=\n)/);
    const writer = createWriteStream(path);
    // An import that fails stops reading: the writer's EPIPE is that failure's echo, not the test's.
    writer.on('error', () => {});
    pipes.push(writer);
    return { path, lines, writer };
  };
}

/** The COPY into `table` now running, from Postgres' own progress view: its backend and rows read. */
export async function copyInProgress(pool: pg.Pool, table: string): Promise<{ pid: number; rows: number } | undefined> {
  const { rows } = await pool.query<{ pid: number; rows: string }>(
    'SELECT pid, tuples_processed AS rows FROM pg_stat_progress_copy WHERE relid = $1::regclass',
    [table],
  );
  return rows[0] && { pid: rows[0].pid, rows: Number(rows[0].rows) };
}

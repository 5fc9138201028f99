import { createScratchDatabase, type ScratchDatabase } from '@cookbook/shared';

/** What a recipe demo gets from `main`: fresh databases, the broker URL, a printer, and smoke mode. */
export interface DemoContext {
  /** A new empty database, dropped when the tour ends. */
  scratchDatabase(label: string): Promise<string>;
  amqpUrl: string;
  smoke: boolean;
  log(line: string): void;
}

/** Scratch databases for one tour or bench, every one dropped at its end. */
export function scratchDatabases(adminUrl: string) {
  const created: ScratchDatabase[] = [];
  return {
    async create(label: string): Promise<string> {
      const database = await createScratchDatabase(adminUrl, `demo_${label}`);
      created.push(database);
      return database.url;
    },
    async dropAll(): Promise<void> {
      for (const database of created.splice(0)) await database.drop();
    },
  };
}

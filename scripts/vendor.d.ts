declare module 'dynalite' {
  import type { Server } from 'node:http';
  type Options = { path?: string; createTableMs?: number; deleteTableMs?: number; updateTableMs?: number };
  export default function dynalite(options?: Options): Server;
}

/** dynalite's item size, by DynamoDB's rules (the benchmark sizes the due index's writes with it). */
declare module 'dynalite/db/index.js' {
  const db: { itemSize(item: Record<string, unknown>): number };
  export default db;
}

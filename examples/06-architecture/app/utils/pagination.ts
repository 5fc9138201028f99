/** Keyset pagination: "rows after this id", stable while rows are inserted, unlike OFFSET. */
export interface PageRequest {
  limit: number;
  after?: number;
}

export interface Page<T> {
  items: T[];
  /** Pass as `after` to get the next page; null on the last page. */
  nextCursor: number | null;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Builds a page from `limit + 1` fetched rows: the extra row only says whether more exist. */
export function toPage<T extends { id: number }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? last.id : null };
}

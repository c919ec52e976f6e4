import { z } from 'zod';
import { FoyerError } from './errors.js';

/** `?limit=&cursor=` as API.md promises: default 50, at most 500. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
};

export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** Cursors are opaque to clients: the position of the last item, as base64url JSON. */
export const encodeCursor = (position: unknown[]): string => Buffer.from(JSON.stringify(position)).toString('base64url');

export function decodeCursor<T extends z.ZodType>(cursor: string | undefined, shape: T): z.infer<T> | undefined {
  if (cursor === undefined) return undefined;
  try {
    return shape.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new FoyerError(400, 'invalid_cursor', 'The cursor is not valid. Start again from the first page.', {
      details: { fields: { cursor: 'is not a cursor this list handed out' } },
    });
  }
}

/** Fetch one more row than asked: its presence says whether a next page exists, without counting. */
export function paginate<T>(rows: T[], limit: number, positionOf: (row: T) => unknown[]) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(positionOf(last)) : null };
}

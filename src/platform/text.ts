// A high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Text PostgreSQL cannot store (a NUL) or that is not Unicode at all (an unpaired surrogate, which JSON's `\ud800`
 * escape can produce): such a value reaching a query or a hash is a 500, so input carrying one is refused.
 */
export const isUnsafeText = (value: string) => value.includes('\0') || UNPAIRED_SURROGATE.test(value);

// Query and path parsers build their objects on prototypes of their own, so "parsed data" is told from a streamed
// upload or a buffer by what it is not.
const isParsedObject = (value: object): value is Record<string, unknown> =>
  !ArrayBuffer.isView(value) && typeof (value as { pipe?: unknown }).pipe !== 'function';

/**
 * The path (`a.b.0`) of the first string or key inside parsed input that is unsafe text, or null when there is none.
 * Walks what JSON and query parsing produce (objects, arrays, strings) without recursion, so neither a deeply nested
 * body nor a streamed one (an upload) can trip it.
 */
export function unsafeTextPath(input: unknown): string | null {
  const pending: { value: unknown; path: string }[] = [{ value: input, path: '' }];
  const at = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, path } = next;
    if (typeof value === 'string') {
      if (isUnsafeText(value)) return path;
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => pending.push({ value: item, path: at(path, i) }));
    } else if (value !== null && typeof value === 'object' && isParsedObject(value)) {
      for (const [key, item] of Object.entries(value)) {
        if (isUnsafeText(key)) return path || '(key)';
        pending.push({ value: item, path: at(path, key) });
      }
    }
  }
  return null;
}

/** Splits `id.secret`, the shape of every bearer token Foyer issues after its prefix. */
export function splitToken(token: string, prefix = ''): { id: string; secret: string } | null {
  if (!token.startsWith(prefix)) return null;
  const [id, secret, extra] = token.slice(prefix.length).split('.');
  if (!id || !secret || extra !== undefined || id.length > 64 || secret.length > 128) return null;
  return { id, secret };
}

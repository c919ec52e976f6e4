/** The name a deleted account keeps, so audit events that mention it still read as a person. */
export const DELETED_USER_NAME = 'Deleted user';

/**
 * Revoked and deleted accounts give up their email and username, so the person can join again as a new account.
 * The `.invalid` top-level domain is reserved: these addresses can never receive mail or clash with a real one.
 */
export const tombstoneOf = (kind: 'revoked' | 'deleted', userId: string) => ({
  email: `${kind}+${userId}@invalid`,
  username: `${kind}-${userId}`,
});

import type { AuditContext } from '../audit/index.js';
import type { Database } from '../platform/db.js';

/**
 * Told, inside the transaction that saves it, whenever an account gets a passkey or a password. Joining features
 * finish a half-made account here, so the rule "finished once it has a credential" holds whichever way the
 * credential arrives, and a refusal (the link's last use went to someone else) rolls the credential back with it.
 */
export interface CredentialChange {
  userId: string;
  kind: 'passkey' | 'password';
  context: AuditContext;
}

export type CredentialListener = (tx: Database, change: CredentialChange) => Promise<void>;

const credentialListeners = new Map<string, CredentialListener>();

export function onCredentialSaved(name: string, listener: CredentialListener): void {
  credentialListeners.set(name, listener);
}

export async function credentialSaved(tx: Database, change: CredentialChange): Promise<void> {
  for (const listener of credentialListeners.values()) await listener(tx, change);
}

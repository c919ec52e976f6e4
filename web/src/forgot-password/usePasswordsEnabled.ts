import { useSignInOptions } from '../sign-in/useSignInOptions';

/**
 * Whether this instance allows passwords (Settings → Authentication). Null while unknown: password forms stay until
 * the server says otherwise, so a slow answer hides nothing, and the password routes refuse on their own anyway.
 */
export function usePasswordsEnabled(): boolean | null {
  return useSignInOptions()?.passwordsEnabled ?? null;
}

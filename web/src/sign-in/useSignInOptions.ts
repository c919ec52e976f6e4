import { useEffect, useState } from 'react';
import { call, client, type Schemas } from '../api';

/** What GET /api/v1/auth/sign-in-options answers; each way in adds its own field. */
export type SignInOptions = Schemas['SignInOptions'];

// One request per page load, however many parts of the sign-in page ask.
let request: Promise<SignInOptions> | null = null;

/** The instance's sign-in options, or null while they load (or when the server cannot be reached). */
export function useSignInOptions(): SignInOptions | null {
  const [options, setOptions] = useState<SignInOptions | null>(null);
  useEffect(() => {
    let current = true;
    request ??= call(client.GET('/api/v1/auth/sign-in-options'));
    request
      .then((reply) => current && setOptions(reply))
      .catch(() => {
        request = null;
      });
    return () => {
      current = false;
    };
  }, []);
  return options;
}

import { useQuery } from '@tanstack/react-query';
import { call, client, type Schemas } from '../api';

/** What GET /api/v1/auth/sign-in-options answers; each way in adds its own field. */
export type SignInOptions = Schemas['SignInOptions'];

/** One cache entry however many parts of a page ask; saving the settings invalidates it. */
export const SIGN_IN_OPTIONS = ['sign-in-options'];

export const fetchSignInOptions = () => call(client.GET('/api/v1/auth/sign-in-options'));

/** The instance's sign-in options, or null while they load (or when the server cannot be reached). */
export function useSignInOptions(): SignInOptions | null {
  return useQuery({ queryKey: SIGN_IN_OPTIONS, queryFn: fetchSignInOptions }).data ?? null;
}

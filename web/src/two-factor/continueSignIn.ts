import type { NavigateFunction } from 'react-router-dom';
import type { Me } from '../api';
import type { SignInReply } from './mfaApi';
import { continueToApp, takeAppReturn } from '../apps/appReturn';

/**
 * Every sign-in form ends here: with a session it goes home; when a second factor is due (or must be set up first)
 * it goes to the challenge page, which reads the pending sign-in from the server.
 */
export function continueSignIn(reply: SignInReply, setUser: (user: Me) => void, navigate: NavigateFunction, to = '/'): void {
  if ('user' in reply) {
    setUser(reply.user);
    goOnAfterSignIn(navigate, to);
    return;
  }
  navigate('/login/mfa', { replace: true, state: { to } });
}

/** Signed in: back to the app sign-in this tab came from, if any, else where the sign-in was headed. */
export function goOnAfterSignIn(navigate: NavigateFunction, to: string): void {
  const app = takeAppReturn();
  if (app) return continueToApp(app);
  navigate(to, { replace: true });
}

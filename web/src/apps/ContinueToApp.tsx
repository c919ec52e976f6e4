import { useEffect } from 'react';
import { FullPageLoader } from '../ui/FullPageLoader';
import { continueToApp, takeAppReturn } from './appReturn';

/** Already signed in to Foyer: go straight back to the app's sign-in. */
export function ContinueToApp({ next }: { next: string }) {
  useEffect(() => {
    takeAppReturn();
    continueToApp(next);
  }, [next]);
  return <FullPageLoader />;
}

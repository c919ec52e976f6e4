import { Anchor, Text } from '@mantine/core';
import { Link } from 'react-router-dom';
import { useSignInOptions } from '../sign-in/useSignInOptions';

/** "Request access" under the sign-in form, only while the instance takes requests. */
export function RequestAccessLink() {
  // Only a link: without the options the sign-in page simply does not offer it.
  const open = useSignInOptions()?.accessRequestsEnabled === true;

  if (!open) return null;
  return (
    <Text size="sm" ta="center">
      No account yet?{' '}
      <Anchor component={Link} to="/signup">
        Request access
      </Anchor>
    </Text>
  );
}

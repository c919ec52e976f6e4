import { Anchor, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { call, client } from '../api';

/** "Request access" under the sign-in form, only while the instance takes requests. */
export function RequestAccessLink() {
  const [open, setOpen] = useState(false);

  useEffect(() => {
    let current = true;
    call(client.GET('/api/v1/auth/sign-in-options'))
      .then((options) => current && setOpen(options.accessRequestsEnabled === true))
      // Only a link: without the options the sign-in page simply does not offer it.
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, []);

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

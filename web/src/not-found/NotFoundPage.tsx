import { Anchor, Text } from '@mantine/core';
import { Link } from 'react-router-dom';
import { PageHeader } from '../ui/PageHeader';

// Shown for any path the console does not know, so a mistyped or stale bookmark is never mistaken for another page.
export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" description="There is no page at this address." />
      <Text>
        <Anchor component={Link} to="/">
          Go to your home page
        </Anchor>
      </Text>
    </>
  );
}

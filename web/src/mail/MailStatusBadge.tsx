import { Badge, Tooltip } from '@mantine/core';
import { MAIL_STATUS_LOOK, type MailStatus } from './types';

export function MailStatusBadge({ status }: { status: MailStatus }) {
  const { label, color, meaning } = MAIL_STATUS_LOOK[status];
  return (
    <Tooltip label={meaning} withArrow>
      <Badge color={color} variant="light" tt="none" style={{ flexShrink: 0, overflow: 'visible' }} miw="fit-content">
        {label}
      </Badge>
    </Tooltip>
  );
}

import { call, client } from '../api';
import type { MailStatus } from './types';

const PAGE_SIZE = 50;

/** One page of the outbox, newest first. */
export const listOutbox = (status: MailStatus | null, cursor?: string) =>
  call(client.GET('/api/v1/admin/mail/outbox', { params: { query: { limit: PAGE_SIZE, cursor, status: status ?? undefined } } }));

import { and, inArray, lt } from 'drizzle-orm';
import { registerRetention, retentionCutoff } from '../platform/retention.js';
import { mailOutbox } from './schema.js';

/** Mail that will not be delivered again; queued and sending messages are never pruned. */
const FINISHED_MAIL = ['sent', 'failed', 'blocked', 'captured'] as const;

// Finished mail goes `mailDays` after it was queued.
registerRetention({
  name: 'mail',
  async prune(db, retention, now) {
    const deleted = await db
      .delete(mailOutbox)
      .where(and(inArray(mailOutbox.status, [...FINISHED_MAIL]), lt(mailOutbox.createdAt, retentionCutoff(now, retention.mailDays))))
      .returning({ id: mailOutbox.id });
    return deleted.length;
  },
});

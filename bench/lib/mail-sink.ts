import { SMTPServer } from 'smtp-server';
import { freePort } from './processes.js';

export interface MailSink {
  url: string;
  stop(): Promise<void>;
}

/**
 * An SMTP server on loopback that accepts and discards every message. Foyer in production refuses to hand out
 * links it cannot mail, so the benchmark gives it somewhere to send them.
 */
export async function startMailSink(): Promise<MailSink> {
  const port = await freePort();
  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    onData(stream, _session, callback) {
      stream.on('end', () => callback());
      stream.resume();
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `smtp://127.0.0.1:${port}`, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

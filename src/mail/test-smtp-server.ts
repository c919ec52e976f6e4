import { createServer } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server for tests: it stores and parses what it receives, and can be stopped and started again. */
export interface TestSmtpServer {
  port: number;
  received: ParsedMail[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

interface Options {
  /** Recipients answered with a permanent 550 rejection. */
  rejectRecipient?: (address: string) => boolean;
  /** Demand these credentials (AUTH PLAIN/LOGIN over plain text, which is fine on loopback). */
  credentials?: { user: string; pass: string };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Created stopped: call `start()`. The port stays the same across restarts. */
export async function createTestSmtpServer(options: Options = {}): Promise<TestSmtpServer> {
  const port = await freePort();
  const received: ParsedMail[] = [];
  let server: SMTPServer | undefined;

  const build = () =>
    new SMTPServer({
      logger: false,
      disableReverseLookup: true,
      disabledCommands: options.credentials ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      authOptional: !options.credentials,
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        const ok = auth.username === options.credentials?.user && auth.password === options.credentials?.pass;
        if (ok) return callback(null, { user: auth.username });
        return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      },
      onRcptTo(address, _session, callback) {
        if (options.rejectRecipient?.(address.address)) {
          return callback(Object.assign(new Error('5.1.1 No such mailbox here'), { responseCode: 550 }));
        }
        callback();
      },
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((mail) => {
            received.push(mail);
            callback();
          })
          .catch(callback);
      },
    });

  return {
    port,
    received,
    start: () =>
      new Promise((resolve, reject) => {
        server = build();
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve());
      }),
    stop: () =>
      new Promise((resolve) => {
        if (!server) return resolve();
        server.close(() => resolve());
        server = undefined;
      }),
  };
}

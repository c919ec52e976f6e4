import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { webhookSmsSender } from './sms.js';

const message = { to: '+441234567890', text: '123456 is your code', secret: '123456' };

describe('The SMS webhook', () => {
  it('tells the operator why a text was not sent, and the client only that it was not', async () => {
    const server = createServer((_req, res) => res.writeHead(503).end('gateway down'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    const logged: { details: object; message: string }[] = [];
    const log = { warn: (details: object, text: string) => logged.push({ details, message: text }) };
    try {
      await expect(webhookSmsSender(`http://127.0.0.1:${port}/send?key=gateway-credential`, log).send(message)).rejects.toMatchObject({ code: 'sms_not_sent' });
    } finally {
      server.close();
    }
    await expect(webhookSmsSender(`http://127.0.0.1:${port}/send`, log).send(message)).rejects.toMatchObject({ code: 'sms_not_sent' });
    expect(logged.map((l) => l.message)).toEqual(['the SMS gateway refused the message', 'the SMS gateway could not be reached']);
    expect(logged[0]!.details).toEqual({ status: 503, gateway: `127.0.0.1:${port}` });
    expect(JSON.stringify(logged[0])).not.toContain('gateway-credential');
  });
});

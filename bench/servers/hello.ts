import Fastify from 'fastify';

/** The ceiling for one Node process on this machine: Fastify answering a constant. */
const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });

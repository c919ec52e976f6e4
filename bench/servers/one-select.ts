import Fastify from 'fastify';
import pg from 'pg';

/**
 * The ceiling for a route that must read the database: Fastify answering one row read by primary key with a prepared
 * statement, on the same PostgreSQL as Foyer. A session check is at least this (figure 3 compares against it).
 */
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
await pool.query('create table if not exists one_select (id uuid primary key, name text not null, email text not null)');
const { rows } = await pool.query<{ id: string }>(
  `insert into one_select values (gen_random_uuid(), 'Bench', 'bench@example.com') returning id`,
);
const id = rows[0]!.id;

const app = Fastify({ logger: false });
app.get('/', async () => {
  const result = await pool.query({ name: 'one_select', text: 'select id, name, email from one_select where id = $1', values: [id] });
  return { user: result.rows[0] };
});
app.get('/ready', async () => ({ ready: true }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });

/**
 * What a benchmark run measures and how long it spends on it, from the environment:
 * - BENCH_QUICK=1 shrinks every figure to seconds (load runs of 1 s, thousands of users instead of a million) to
 *   check that the harness works; its numbers mean nothing.
 * - BENCH_SECONDS sets the length of each load run (default 10, quick 1).
 * - BENCH_ONLY=5,6 measures only the figures listed.
 * - BENCH_PROFILE=1 starts every Foyer with --cpu-prof, writing profiles to bench/results/profiles.
 * - BENCH_FROM_SOURCE=1 runs Foyer from src/ through tsx instead of the build in dist/ (start-up is then slower):
 *   for working on the harness without rebuilding.
 * - BENCH_PG_PORT is the loopback port of the throwaway PostgreSQL cluster (default 55450).
 */
const env = process.env;
export const QUICK = env.BENCH_QUICK === '1';
export const SECONDS = Number(env.BENCH_SECONDS ?? (QUICK ? 1 : 10));
/** Every load run is preceded by this much unmeasured load, so JIT compilation and cold caches are not measured. */
export const WARMUP_SECONDS = QUICK ? 0.5 : 2;
export const PROFILE = env.BENCH_PROFILE === '1';
export const FROM_SOURCE = env.BENCH_FROM_SOURCE === '1';
export const PG_PORT = Number(env.BENCH_PG_PORT ?? 55450);

const only = env.BENCH_ONLY?.split(',').map((f) => f.trim()).filter(Boolean);
/** Whether figure `n` of the benchmark issue is part of this run. */
export const measures = (figure: number) => !only || only.includes(String(figure));

/** Figure 5: the user counts the admin list is measured at, each seeded on top of the previous one (BENCH_USERS=10000,100000). */
export const USER_LIST_SIZES = env.BENCH_USERS
  ? env.BENCH_USERS.split(',').map(Number)
  : QUICK
    ? [1_000, 5_000]
    : [10_000, 100_000, 1_000_000];
/** Figure 6: rows in the imported CSV file. */
export const CSV_ROWS = Number(env.BENCH_ROWS ?? (QUICK ? 2_000 : 100_000));
/** Figure 7: concurrent redemptions of one single-use sign-up link. */
export const RACERS = QUICK ? 20 : 100;

import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Browser flows and server tests share the run's two workers, one of each at a time where possible.
 *
 * Vitest puts a project limited to one worker (`fileParallelism: false`) in a group of its own that runs after all
 * the others, which left one core idle for the whole e2e half of the run (about 8 of CI's 16 minutes). The e2e
 * files are fine beside a server test file, so both projects share one group, and this order alternates them: a
 * worker that frees up takes the next file of the other kind. Within each kind the base order stands (failed
 * first, then longest), with the longest browser flow first because nothing else can shorten the tail it makes.
 */
export default class AlternatingSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const browser = sorted.filter((file) => file.project.name.startsWith('e2e'));
    const server = sorted.filter((file) => !file.project.name.startsWith('e2e'));
    browser.sort((a, b) => Number(b.moduleId.endsWith('accessibility.test.ts')) - Number(a.moduleId.endsWith('accessibility.test.ts')));
    const order: TestSpecification[] = [];
    for (let i = 0; i < Math.max(browser.length, server.length); i++) {
      if (browser[i]) order.push(browser[i]!);
      if (server[i]) order.push(server[i]!);
    }
    return order;
  }
}

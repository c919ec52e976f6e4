import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTION_WORDS, auditSentence, describeDetails, sentenceText } from '../../web/src/audit/sentence.js';

/** Every action key written in a recordAudit call (the words right after it name the action, whatever the branch). */
function recordedActions(): Set<string> {
  const found = new Set<string>();
  const files = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  for (const file of files) {
    const source = readFileSync(join('src', file), 'utf8');
    for (const call of source.matchAll(/recordAudit\([^]{0,400}?action: ([^\n]+)/g)) {
      for (const key of call[1]!.matchAll(/'([a-z_]+\.[a-z_.]+)'/g)) found.add(key[1]!);
    }
  }
  return found;
}

describe('audit sentences', () => {
  it('have words for every action the server records', () => {
    const actions = recordedActions();
    expect(actions.size).toBeGreaterThan(100);
    expect([...actions].filter((a) => !(a in ACTION_WORDS))).toEqual([]);
  });

  it('name the parties, say "their" for oneself, and fall back to what the event kept', () => {
    const ada = { type: 'user', id: 'a', name: 'Ada' };
    expect(sentenceText({ action: 'user.disabled', actor: ada, target: { type: 'user', id: 'g', name: 'Grace Hopper' }, details: {} })).toBe(
      'Ada disabled Grace Hopper',
    );
    expect(sentenceText({ action: 'auth.password.changed', actor: ada, target: ada, details: {} })).toBe('Ada changed their password');
    expect(sentenceText({ action: 'group.deleted', actor: { type: 'system', id: null, name: null }, target: { type: 'group', id: 'x', name: null }, details: { name: 'Ops' } })).toBe(
      'Foyer deleted the group Ops',
    );
    const token = { type: 'api_token', id: 't', name: 'Ada', tokenName: 'ci' };
    expect(sentenceText({ action: 'user.enabled', actor: token, target: { type: 'user', id: 'z', name: null }, details: {} })).toBe(
      'Ada (API token “ci”) enabled a deleted user',
    );
    expect(auditSentence({ action: 'future.thing', actor: ada, target: null, details: {} })).toEqual([
      { kind: 'party', role: 'actor', text: 'Ada' },
      { kind: 'text', text: ' recorded “future.thing”' },
    ]);
  });

  it('describe the details in words, without raw ids', () => {
    const details = {
      profile: 'member',
      roleIds: [],
      groupIds: ['ee57ff49-51d9-4fa7-8395-f790d36fdee8'],
      withPassword: true,
      status: { from: 'active', to: 'disabled' },
      sessionsEnded: 2,
    };
    expect(describeDetails(details)).toBe('profile: member; with password: yes; status: active → disabled; sessions ended: 2');
  });
});

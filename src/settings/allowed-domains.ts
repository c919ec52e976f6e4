import { z } from 'zod';
import type { Database } from '../platform/db.js';
import { readSettings, writeSettings } from './service.js';
import { defineSettingsSection } from './sections.js';
import { allowedDomainsInput } from './fields.js';

/**
 * The email domains this instance deals with (seed 002). Access requests from other domains are refused, and mail
 * to other domains is never sent. An empty list means no restriction. Only exact domains match: listing
 * `example.com` does not admit `mail.example.com`, which may belong to someone else.
 */
const SETTINGS_KEY = 'allowed_domains';

const stored = z.object({ domains: z.array(z.string()).default([]) });

export const readAllowedDomains = async (db: Database): Promise<string[]> => (await readSettings(db, SETTINGS_KEY, stored)).domains;

export const domainOf = (email: string): string => email.slice(email.lastIndexOf('@') + 1).trim().toLowerCase();

export async function isEmailDomainAllowed(db: Database, email: string): Promise<boolean> {
  const domains = await readAllowedDomains(db);
  return domains.length === 0 || domains.includes(domainOf(email));
}

export const allowedDomainsSection = defineSettingsSection({
  field: 'allowedDomains',
  permission: 'settings.manage',
  view: z.array(z.string()).describe('Email domains mail may go to and access requests may come from; empty means any.'),
  patch: allowedDomainsInput,
  read: (db) => readAllowedDomains(db),
  async write(tx, context, value) {
    await writeSettings(tx, context, SETTINGS_KEY, stored, { domains: value });
  },
});

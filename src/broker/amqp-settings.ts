// The AMQP settings that arrive as text (flags, WHARF_* variables): users and vhosts.
import { WharfError } from '../util/wharf-error.js';
import type { UserConfig } from './amqp/users.js';

const TAGS = new Set(['administrator', 'management', 'monitoring', 'policymaker']);

/** `name:password[:tag[+tag…]]` entries separated by commas; a password may not contain ':' or ','. */
export function parseAmqpUsers(text: string): UserConfig[] {
  const out: UserConfig[] = [];
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const parts = entry.split(':');
    const [name, password, tagText] = parts;
    if (parts.length < 2 || parts.length > 3 || name === undefined || name === '' || password === undefined) {
      throw new WharfError('WHARF_ERR_CONFIG_INVALID', `amqpUsers entry '${entry.replace(/:.*/, ':…')}' must be name:password or name:password:tag`);
    }
    const tags = tagText === undefined || tagText === '' ? [] : tagText.split('+');
    for (const t of tags) {
      if (!TAGS.has(t)) throw new WharfError('WHARF_ERR_CONFIG_INVALID', `amqpUsers: unknown tag '${t}' for user '${name}'; use ${[...TAGS].join(', ')}`);
    }
    out.push({ name, password, tags });
  }
  return out;
}

export function parseAmqpVhosts(text: string): string[] {
  const out = text.split(',').map((v) => v.trim()).filter((v) => v !== '');
  return out.includes('/') ? out : ['/', ...out];
}

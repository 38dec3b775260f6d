// Talks to the management API with HTTP Basic credentials kept in sessionStorage (gone when the
// tab closes). A 401 forgets them and sends the console back to its login form.
import type { Page } from './types';

const AUTH_KEY = 'wharf.console.auth';
const USER_KEY = 'wharf.console.user';

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

let unauthorized: () => void = () => undefined;

export function onUnauthorized(handler: () => void): void {
  unauthorized = handler;
}

function basic(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}

export function storedUser(): string | null {
  return sessionStorage.getItem(AUTH_KEY) === null ? null : sessionStorage.getItem(USER_KEY);
}

export function forget(): void {
  sessionStorage.removeItem(AUTH_KEY);
  sessionStorage.removeItem(USER_KEY);
}

/** Checks the credentials against /api/whoami and keeps them when they work. */
export async function login(user: string, password: string): Promise<unknown> {
  const auth = basic(user, password);
  const res = await fetch('/api/whoami', { headers: { authorization: auth, 'x-requested-with': 'XMLHttpRequest' } });
  if (!res.ok) throw new ApiError(res.status, res.status === 401 ? 'Wrong user name or password (guest works only from localhost).' : await errorText(res));
  sessionStorage.setItem(AUTH_KEY, auth);
  sessionStorage.setItem(USER_KEY, user);
  return res.json();
}

async function errorText(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: unknown; reason?: unknown };
    const reason = typeof body.reason === 'string' ? body.reason : '';
    const error = typeof body.error === 'string' ? body.error : '';
    if (reason !== '' || error !== '') return [error, reason].filter((s) => s !== '').join(': ');
  } catch {
    // not JSON: show the text as it is
  }
  return text === '' ? `${res.status} ${res.statusText}` : text;
}

export async function api<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const auth = sessionStorage.getItem(AUTH_KEY);
  if (auth === null) {
    unauthorized();
    throw new ApiError(401, 'not logged in');
  }
  const init: RequestInit = { method, headers: { authorization: auth, 'x-requested-with': 'XMLHttpRequest', ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const res = await fetch(`/api${path}`, init);
  if (res.status === 401) {
    forget();
    unauthorized();
    throw new ApiError(401, 'the session has ended: log in again');
  }
  if (!res.ok) throw new ApiError(res.status, await errorText(res));
  const text = await res.text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

export const get = <T>(path: string): Promise<T> => api<T>('GET', path);

/** One path segment, percent-encoded as the API wants (the vhost "/" is %2F). */
export const seg = (s: string): string => encodeURIComponent(s);

/** The exchange's name in a path: the default exchange "" is amq.default, as in RabbitMQ. */
export const exchangeSeg = (name: string): string => seg(name === '' ? 'amq.default' : name);

export interface PageQuery {
  page: number;
  pageSize: number;
  name: string;
}

/**
 * A page of a list endpoint, paged by the server (RabbitMQ's page/page_size/name parameters). A
 * server that answers a plain array (no pagination there) is paged here, so the console works
 * either way.
 */
export async function getPage<T extends { name?: string; group_id?: string }>(path: string, q: PageQuery): Promise<Page<T>> {
  const params = new URLSearchParams({ page: String(q.page), page_size: String(q.pageSize), name: q.name, use_regex: 'false', sort: 'name' });
  const sep = path.includes('?') ? '&' : '?';
  let answer: Page<T> | T[];
  try {
    answer = await get<Page<T> | T[]>(`${path}${sep}${params.toString()}`);
  } catch (err) {
    // The list shrank under the page being shown: start again from the first page.
    if (!(err instanceof ApiError && err.status === 400 && q.page > 1 && /page out of range/.test(err.message))) throw err;
    return getPage<T>(path, { ...q, page: 1 });
  }
  return Array.isArray(answer) ? pageHere(answer, q) : answer;
}

function pageHere<T extends { name?: string; group_id?: string }>(all: T[], q: PageQuery): Page<T> {
  const needle = q.name.toLowerCase();
  const key = (r: T): string => r.name ?? r.group_id ?? '';
  const filtered = all.filter((r) => key(r).toLowerCase().includes(needle)).sort((a, b) => key(a).localeCompare(key(b)));
  const pageCount = Math.ceil(filtered.length / q.pageSize);
  const page = Math.min(q.page, Math.max(1, pageCount));
  const items = filtered.slice((page - 1) * q.pageSize, page * q.pageSize);
  return { items, page, page_size: q.pageSize, page_count: pageCount, item_count: items.length, filtered_count: filtered.length, total_count: all.length };
}

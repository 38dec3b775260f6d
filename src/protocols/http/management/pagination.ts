// RabbitMQ's list query parameters for every list endpoint: `page`, `page_size` (at most 500),
// `name` (a case-insensitive substring, or a regular expression with use_regex=true), `sort` (a
// field, dotted for nested ones such as message_stats.publish) with sort_reverse, and `columns`
// (the fields to keep, dotted too). Without `page` the answer is a plain array, as in RabbitMQ.
import { badRequest } from './mgmt-error.js';

export const PAGE_SIZE_DEFAULT = 100;
export const PAGE_SIZE_MAX = 500;
const REGEX_SOURCE_MAX = 200;

export type Item = Record<string, unknown>;

export interface ListQuery {
  /** 1-based; undefined: no pagination. */
  readonly page: number | undefined;
  readonly pageSize: number;
  readonly filter: RegExp | undefined;
  readonly sort: string | undefined;
  readonly sortReverse: boolean;
  /** undefined: every field. */
  readonly columns: readonly string[] | undefined;
}

export interface Page {
  items: unknown[];
  page: number;
  page_size: number;
  page_count: number;
  item_count: number;
  filtered_count: number;
  total_count: number;
}

export function parseListQuery(q: URLSearchParams): ListQuery {
  const page = positiveInt(q.get('page'), 'page', Number.MAX_SAFE_INTEGER);
  const pageSize = positiveInt(q.get('page_size'), 'page_size', PAGE_SIZE_MAX) ?? PAGE_SIZE_DEFAULT;
  const name = q.get('name');
  const useRegex = q.get('use_regex') === 'true';
  let filter: RegExp | undefined;
  if (name !== null && name !== '') {
    if (useRegex && name.length > REGEX_SOURCE_MAX) throw badRequest(`name= regular expressions are limited to ${REGEX_SOURCE_MAX} characters`);
    try {
      filter = new RegExp(useRegex ? name : escapeRegExp(name), 'i');
    } catch (err) {
      throw badRequest(`name= is not a valid regular expression: ${(err as Error).message}`);
    }
  }
  const sort = q.get('sort');
  const columnsText = q.get('columns');
  const columns = columnsText === null || columnsText === '' ? undefined : columnsText.split(',').map((c) => c.trim()).filter((c) => c !== '');
  return { page, pageSize, filter, sort: sort === null || sort === '' ? undefined : sort, sortReverse: q.get('sort_reverse') === 'true', columns };
}

/** Filters, sorts, pages and projects `items` as `query` asks. */
export function applyList(items: readonly Item[], query: ListQuery): unknown[] | Page {
  const filtered = query.filter === undefined ? [...items] : items.filter((item) => query.filter?.test(String(item.name ?? '')) === true);
  const sort = query.sort ?? (query.page !== undefined ? 'name' : undefined);
  if (sort !== undefined) sortBy(filtered, sort, query.sortReverse);
  else if (query.sortReverse) filtered.reverse();
  if (query.page === undefined) return filtered.map((item) => project(item, query.columns));
  const pageCount = Math.ceil(filtered.length / query.pageSize);
  if (query.page > Math.max(1, pageCount)) throw badRequest(`page out of range: page ${query.page} of ${pageCount} (page_size ${query.pageSize})`);
  const start = (query.page - 1) * query.pageSize;
  const pageItems = filtered.slice(start, start + query.pageSize).map((item) => project(item, query.columns));
  return {
    items: pageItems,
    page: query.page,
    page_size: query.pageSize,
    page_count: pageCount,
    item_count: pageItems.length,
    filtered_count: filtered.length,
    total_count: items.length,
  };
}

/** Only the `columns` of `item` (dotted paths keep their nesting); the item itself without columns. */
export function project(item: Item, columns: readonly string[] | undefined): Item {
  if (columns === undefined) return item;
  const out: Item = {};
  for (const column of columns) {
    const path = column.split('.');
    const value = getPath(item, path);
    if (value === undefined) continue;
    let target = out;
    for (let i = 0; i < path.length - 1; i++) {
      const key = path[i] as string;
      const next = target[key];
      if (typeof next === 'object' && next !== null) target = next as Item;
      else {
        const created: Item = {};
        target[key] = created;
        target = created;
      }
    }
    target[path[path.length - 1] as string] = value;
  }
  return out;
}

function getPath(item: Item, path: readonly string[]): unknown {
  let v: unknown = item;
  for (const key of path) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, key)) return undefined;
    v = (v as Item)[key];
  }
  return v;
}

function sortBy(items: Item[], field: string, reverse: boolean): void {
  const path = field.split('.');
  const keyed = items.map((item) => ({ item, key: getPath(item, path) }));
  keyed.sort((a, b) => compare(a.key, b.key) || compare(a.item.vhost, b.item.vhost) || compare(a.item.name, b.item.name));
  if (reverse) keyed.reverse();
  for (let i = 0; i < keyed.length; i++) items[i] = (keyed[i] as { item: Item }).item;
}

/** Numbers before strings before anything else; missing values last. */
function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return rank(a) - rank(b);
}

function rank(v: unknown): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (v === undefined || v === null) return 3;
  return 2;
}

function positiveInt(text: string | null, name: string, max: number): number | undefined {
  if (text === null || text === '') return undefined;
  const n = /^[0-9]{1,16}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max) throw badRequest(`${name}= must be an integer from 1 to ${max}, not "${text}"`);
  return n;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

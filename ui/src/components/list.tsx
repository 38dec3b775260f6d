// A server-paginated, searchable list: the search box asks the server (debounced), never for the
// whole list, so a broker with 10,000 queues stays fast.
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getPage } from '../api';
import { useDebounced, usePoll } from '../hooks';
import type { Page } from '../types';
import { ErrorBox, Loading, Pager, Table, type Column } from './ui';

export const PAGE_SIZE = 50;

export function PagedList<T extends { name?: string; group_id?: string }>(props: {
  path: string;
  what: string;
  columns: Column<T>[];
  rowKey: (row: T) => string;
  refresh?: number;
  toolbar?: ComponentChildren;
  testId?: string;
}): JSX.Element {
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const name = useDebounced(search, 300);
  const { data, error } = usePoll<Page<T>>(() => getPage<T>(props.path, { page, pageSize: PAGE_SIZE, name }), [props.path, page, name, props.refresh ?? 0]);
  // A page that no longer exists (the list shrank) goes back to the last one there is.
  useEffect(() => {
    if (data !== undefined && page > 1 && page > data.page_count) setPage(Math.max(1, data.page_count));
  }, [data, page]);
  const onSearch = (v: string): void => {
    setSearch(v);
    setPage(1);
  };
  return (
    <div class="card" data-testid={props.testId}>
      <div class="toolbar">
        <input type="search" class="search" name="search" placeholder={`Search ${props.what} by name`} value={search} onInput={(e) => onSearch((e.target as HTMLInputElement).value)} />
        {data !== undefined && <Pager page={data.page} pageCount={data.page_count} filtered={data.filtered_count} total={data.total_count} onPage={setPage} />}
        {props.toolbar}
      </div>
      <ErrorBox error={error} />
      {data === undefined ? (error === undefined && <Loading what={props.what} />) : <Table rows={data.items} columns={props.columns} rowKey={props.rowKey} empty={name === '' ? `No ${props.what}.` : `No ${props.what} match "${name}".`} />}
    </div>
  );
}

// Small building blocks shared by the pages: links, tables, pagers, notices and action buttons.
import type { ComponentChildren, JSX } from 'preact';
import { useState } from 'preact/hooks';
import { navigate } from '../router';

export function Link(props: { href: string; children: ComponentChildren; class?: string; title?: string }): JSX.Element {
  const onClick = (e: MouseEvent): void => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(props.href);
  };
  return <a href={props.href} class={props.class} title={props.title} onClick={onClick}>{props.children}</a>;
}

export function ErrorBox(props: { error: string | undefined }): JSX.Element | null {
  return props.error === undefined ? null : <div class="error" role="alert">{props.error}</div>;
}

export function Loading(props: { what: string }): JSX.Element {
  return <div class="muted">Loading {props.what}…</div>;
}

export interface Column<T> {
  title: string;
  cell: (row: T) => ComponentChildren;
  num?: boolean;
}

export function Table<T>(props: { rows: T[]; columns: Column<T>[]; rowKey: (row: T) => string; empty?: string; testId?: string }): JSX.Element {
  return (
    <table class="grid" data-testid={props.testId}>
      <thead>
        <tr>{props.columns.map((c) => <th key={c.title} class={c.num === true ? 'num' : undefined}>{c.title}</th>)}</tr>
      </thead>
      <tbody>
        {props.rows.length === 0
          ? <tr><td colSpan={props.columns.length} class="muted">{props.empty ?? 'Nothing here yet.'}</td></tr>
          : props.rows.map((r) => (
            <tr key={props.rowKey(r)}>{props.columns.map((c) => <td key={c.title} class={c.num === true ? 'num' : undefined}>{c.cell(r)}</td>)}</tr>
          ))}
      </tbody>
    </table>
  );
}

export function Pager(props: { page: number; pageCount: number; filtered: number; total: number; onPage: (p: number) => void }): JSX.Element {
  const { page, pageCount } = props;
  return (
    <div class="pager" data-testid="pager">
      <button type="button" disabled={page <= 1} onClick={() => props.onPage(1)}>«</button>
      <button type="button" disabled={page <= 1} onClick={() => props.onPage(page - 1)}>‹ Prev</button>
      <span class="page-info">Page {page} of {Math.max(1, pageCount)} · {props.filtered === props.total ? `${props.total.toLocaleString('en-US')} in all` : `${props.filtered.toLocaleString('en-US')} of ${props.total.toLocaleString('en-US')} match`}</span>
      <button type="button" disabled={page >= pageCount} onClick={() => props.onPage(page + 1)}>Next ›</button>
      <button type="button" disabled={page >= pageCount} onClick={() => props.onPage(pageCount)}>»</button>
    </div>
  );
}

/** A button that runs an API action, disables itself meanwhile and shows the error it met. */
export function Action(props: { label: string; run: () => Promise<unknown>; confirm?: string; danger?: boolean; disabled?: boolean; title?: string; onDone?: () => void }): JSX.Element {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const click = async (): Promise<void> => {
    if (props.confirm !== undefined && !window.confirm(props.confirm)) return;
    setBusy(true);
    setError(undefined);
    try {
      await props.run();
      props.onDone?.();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="action">
      <button type="button" class={props.danger === true ? 'danger' : undefined} title={props.title} disabled={busy || props.disabled === true} onClick={() => void click()}>{props.label}</button>
      {error !== undefined && <span class="error inline" role="alert">{error}</span>}
    </span>
  );
}

/**
 * A form whose submit runs an API action; shows its error or a success line. The fields are the
 * caller's (controlled inputs), so the form only owns the busy/error/result state.
 */
export function ActionForm(props: { title: string; submit: string; run: () => Promise<string | undefined>; children: ComponentChildren; testId?: string; disabled?: boolean }): JSX.Element {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  const onSubmit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      setDone(await props.run());
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card form" data-testid={props.testId} onSubmit={(e) => void onSubmit(e)}>
      <h3>{props.title}</h3>
      <div class="fields">{props.children}</div>
      <div class="form-end">
        <button type="submit" class="primary" disabled={busy || props.disabled === true}>{props.submit}</button>
        {error !== undefined && <span class="error inline" role="alert">{error}</span>}
        {done !== undefined && error === undefined && <span class="ok" role="status">{done}</span>}
      </div>
    </form>
  );
}

export function Field(props: { label: string; children: ComponentChildren; wide?: boolean }): JSX.Element {
  return <label class={props.wide === true ? 'field wide' : 'field'}><span>{props.label}</span>{props.children}</label>;
}

export function Stat(props: { label: string; value: ComponentChildren; href?: string }): JSX.Element {
  const body = <><div class="stat-value">{props.value}</div><div class="stat-label">{props.label}</div></>;
  return props.href === undefined ? <div class="stat">{body}</div> : <Link class="stat" href={props.href}>{body}</Link>;
}

export function KeyValues(props: { rows: [string, ComponentChildren][] }): JSX.Element {
  return (
    <table class="kv">
      <tbody>{props.rows.map(([k, v]) => <tr key={k}><th>{k}</th><td>{v}</td></tr>)}</tbody>
    </table>
  );
}

export function PageHead(props: { title: ComponentChildren; sub?: ComponentChildren; children?: ComponentChildren }): JSX.Element {
  return (
    <div class="page-head">
      <div><h1>{props.title}</h1>{props.sub !== undefined && <div class="muted">{props.sub}</div>}</div>
      <div class="page-actions">{props.children}</div>
    </div>
  );
}

/** An input bound to a string state. */
export function Text(props: { value: string; set: (v: string) => void; placeholder?: string; name?: string; type?: 'text' | 'number'; required?: boolean; min?: number }): JSX.Element {
  const onInput = (e: Event): void => props.set((e.target as HTMLInputElement).value);
  if (props.type === 'number') return <input name={props.name} type="number" value={props.value} placeholder={props.placeholder} required={props.required} min={props.min} onInput={onInput} />;
  return <input name={props.name} type="text" value={props.value} placeholder={props.placeholder} required={props.required} onInput={onInput} />;
}

export function TextArea(props: { value: string; set: (v: string) => void; placeholder?: string; name?: string; rows?: number }): JSX.Element {
  return <textarea name={props.name} rows={props.rows ?? 3} value={props.value} placeholder={props.placeholder} onInput={(e) => props.set((e.target as HTMLTextAreaElement).value)} />;
}

export function Select(props: { value: string; set: (v: string) => void; options: (string | [string, string])[]; name?: string }): JSX.Element {
  return (
    <select name={props.name} value={props.value} onChange={(e) => props.set((e.target as HTMLSelectElement).value)}>
      {props.options.map((o) => (typeof o === 'string' ? <option key={o} value={o}>{o}</option> : <option key={o[0]} value={o[0]}>{o[1]}</option>))}
    </select>
  );
}

export function Check(props: { checked: boolean; set: (v: boolean) => void; label: string; name?: string }): JSX.Element {
  return <label class="check"><input type="checkbox" name={props.name} checked={props.checked} onChange={(e) => props.set((e.target as HTMLInputElement).checked)} /> {props.label}</label>;
}

import { formatCount } from '../format';

/** Previous / next over an offset-paged list. */
export function Pager(props: { offset: number; limit: number; total: number; onPage: (offset: number) => void }) {
  const { offset, limit, total } = props;
  if (total <= limit && offset === 0) {
    return null;
  }
  const page = Math.floor(offset / limit) + 1;
  const pages = Math.max(1, Math.ceil(total / limit));
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled={offset === 0} onClick={() => props.onPage(Math.max(0, offset - limit))}>
        ← Previous
      </button>
      <span>
        Page {formatCount(page)} of {formatCount(pages)}
      </span>
      <button type="button" disabled={offset + limit >= total} onClick={() => props.onPage(offset + limit)}>
        Next →
      </button>
    </nav>
  );
}

export type Direction = 'asc' | 'desc';

/** A column header that sorts the list: a button inside the <th>, with aria-sort on the header. */
export function SortHeader<K extends string>(props: {
  label: string;
  column: K;
  sort: K;
  dir: Direction;
  onSort: (column: K, dir: Direction) => void;
}) {
  const active = props.sort === props.column;
  const next: Direction = active && props.dir === 'asc' ? 'desc' : 'asc';
  return (
    <th scope="col" aria-sort={active ? (props.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" class="sort" onClick={() => props.onSort(props.column, next)}>
        {props.label}
        <span class="sort-mark" aria-hidden="true">
          {active ? (props.dir === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
}

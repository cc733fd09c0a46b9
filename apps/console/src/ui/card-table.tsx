import type { ComponentChildren } from 'preact';
import { PlaceholderRows } from './placeholder';

export interface Column<T> {
  /** The header, and the caption the card layout shows beside the cell on narrow screens (`data-label`). */
  label: string;
  cell: (row: T) => ComponentChildren;
  /** `num` right-aligns a figure (its header too), `wrap` lets long text break; `gauges` cells label themselves. */
  class?: 'num' | 'wrap' | 'gauges';
  title?: (row: T) => string | undefined;
}

/** What a table shows, declared once beside its page; the rows come with each render. */
export interface CardTableSpec<T> {
  heading: string;
  columns: Column<T>[];
  rowKey: (row: T, index: number) => string;
  /** How many empty rows keep the table's height while its data loads. */
  placeholders: number;
}

/** A `table.cards` under its heading: one row a record, the first column the row's header. */
export function CardTable<T>(props: CardTableSpec<T> & { rows: T[] | undefined; loading: boolean }) {
  const { columns } = props;
  return (
    <>
      <h2>{props.heading}</h2>
      <table class="cards">
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.label} scope="col" class={column.class === 'num' ? 'num' : undefined}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows?.map((row, index) => (
            <tr key={props.rowKey(row, index)}>
              {columns.map((column, at) => {
                const Cell = at === 0 ? 'th' : 'td';
                return (
                  <Cell
                    key={column.label}
                    scope={at === 0 ? 'row' : undefined}
                    data-label={column.class === 'gauges' ? undefined : column.label}
                    class={column.class}
                    title={column.title?.(row)}
                  >
                    {column.cell(row)}
                  </Cell>
                );
              })}
            </tr>
          ))}
          {props.loading && <PlaceholderRows rows={props.placeholders} columns={columns.length} />}
        </tbody>
      </table>
    </>
  );
}

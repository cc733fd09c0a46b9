/** Rows of the height of real ones, so a table keeps its size while its data loads. */
export function PlaceholderRows({ rows, columns }: { rows: number; columns: number }) {
  return (
    <>
      {Array.from({ length: rows }, (_, row) => (
        <tr key={row} class="placeholder" aria-hidden="true">
          {Array.from({ length: columns }, (_, column) => (
            <td key={column}>&nbsp;</td>
          ))}
        </tr>
      ))}
    </>
  );
}

import { type Html, html } from './html';

type Cell = Html | string | number | null | undefined;

export interface TableSpec {
  id: string;
  caption?: string;
  head: readonly string[];
  rows: ReadonlyArray<{ cells: readonly Cell[]; data?: string }>;
  /** Said in a row of its own when there are no rows. */
  empty?: string;
  className?: string;
}

/** A plain data table: a chart's figures beside it, or a list; `data` marks a row for tests and links. */
export function table(spec: TableSpec): Html {
  return html`<table id="${spec.id}" class="${spec.className ?? ''}">
    ${
      spec.caption
        ? html`<caption>
            ${spec.caption}
          </caption>`
        : ''
    }
    <thead>
      <tr>
        ${spec.head.map((h) => html`<th scope="col">${h}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${
        spec.rows.length === 0 && spec.empty
          ? html`<tr>
              <td colspan="${spec.head.length}" class="muted">${spec.empty}</td>
            </tr>`
          : spec.rows.map(
              (r) =>
                html`<tr data-row="${r.data ?? ''}">
                  ${r.cells.map((c) => html`<td>${c ?? '—'}</td>`)}
                </tr>`,
            )
      }
    </tbody>
  </table>`;
}

import { download } from '../api/client';
import { useAction } from '../hooks';
import { ProblemBanner } from './Problem';

/**
 * CSV and XLSX downloads of what the API exports at `path` (`?format=csv|xlsx`), with the screen's
 * filters as `params` (empty ones left out); a refusal shows under the buttons.
 */
export function ExportButtons({
  path,
  params = {},
  name,
  csv,
  xlsx,
  label,
}: {
  path: string;
  params?: Record<string, string | number | undefined>;
  /** The file's name without its extension, should the server not give one. */
  name: string;
  /** The buttons' texts. */
  csv: string;
  xlsx: string;
  /** Names the pair as a group (what is exported). */
  label?: string;
}) {
  const exporting = useAction(async (format: 'csv' | 'xlsx') => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params))
      if (value !== undefined && value !== '') query.set(key, String(value));
    query.set('format', format);
    await download(`${path}?${query.toString()}`, `${name}.${format}`);
  });
  return (
    <div className="export-buttons">
      <div className="actions" role={label ? 'group' : undefined} aria-label={label}>
        <button type="button" disabled={exporting.busy} onClick={() => void exporting.run('csv')}>
          {csv}
        </button>
        <button type="button" disabled={exporting.busy} onClick={() => void exporting.run('xlsx')}>
          {xlsx}
        </button>
      </div>
      <ProblemBanner error={exporting.error} />
    </div>
  );
}

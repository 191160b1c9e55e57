import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Previous / next over a paginated list, named by `label`. With a single page and nothing else to
 * say (no `summary`, such as the total), there is nothing to show.
 */
export function Pager({
  label,
  page,
  limit,
  total,
  onPage,
  summary,
}: {
  label: string;
  page: number;
  limit: number;
  total: number;
  onPage: (page: number) => void;
  /** Shown after "Page n of m" (the list's total, for instance). */
  summary?: ReactNode;
}) {
  const { t } = useTranslation('common');
  const pages = Math.max(1, Math.ceil(total / limit));
  if (pages <= 1 && page <= 1 && summary === undefined) return null;
  return (
    <nav className="actions" aria-label={label}>
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t('previous')}
      </button>
      <span aria-live="polite">
        {t('pageOf', { page, pages })}
        {summary !== undefined ? <> · {summary}</> : null}
      </span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t('next')}
      </button>
    </nav>
  );
}

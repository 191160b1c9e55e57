import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client';

/**
 * The server's refusal as a banner: its message, and the field messages no field on the screen
 * shows (`shown` lists the fields the form displays next to their controls).
 */
export function ProblemBanner({ error, shown = [] }: { error?: ApiError; shown?: string[] }) {
  const { t } = useTranslation();
  if (!error) return null;
  const others = (error.problem.errors ?? []).filter(
    (e) => !shown.some((f) => e.field === f || e.field.startsWith(`${f}.`) || e.field.startsWith(`${f}[`)),
  );
  return (
    <div className="problem" role="alert">
      <strong>
        {error.status === 0 ? t('problem.network') : (error.problem.detail ?? error.problem.title)}
      </strong>
      {others.length > 0 ? (
        <ul>
          {others.map((e) => (
            <li key={e.field + e.message}>
              <code>{e.field}</code>: {e.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <p className="loading" role="status">
      {t('loading')}
    </p>
  );
}

/** Loading, the error, or the content once the data is there. */
export function Loaded<T>({
  resource,
  children,
}: {
  resource: { data: T | undefined; error?: ApiError; loading: boolean };
  children: (data: T) => React.ReactNode;
}) {
  if (resource.error && resource.data === undefined) return <ProblemBanner error={resource.error} />;
  if (resource.data === undefined) return <Loading />;
  return <>{children(resource.data)}</>;
}

import { useTranslation } from 'react-i18next';
import { useSession } from '../auth/session';
import { browserZone, formatCountdown, formatDateTime, formatMoney } from '../format';
import { useNow } from '../hooks';

/** The reader's time zone: their profile's, or the browser's before they have one. */
export function useZone(): string {
  const { user } = useSession();
  return user?.timeZone ?? browserZone();
}

/** An instant in the reader's zone (and, for meetings and cut-offs, in the meeting's zone too). */
export function DateTime({ value, meetingZone }: { value: string | null | undefined; meetingZone?: string }) {
  const { i18n, t } = useTranslation();
  const zone = useZone();
  if (!value) return <>—</>;
  const mine = formatDateTime(value, i18n.language, zone);
  return (
    <time dateTime={value}>
      {mine}
      {meetingZone && meetingZone !== zone ? (
        <span className="muted">
          {' '}
          (
          {t('time.meetingZone', {
            time: formatDateTime(value, i18n.language, meetingZone),
            zone: meetingZone,
          })}
          )
        </span>
      ) : null}
    </time>
  );
}

export function Countdown({ to }: { to: string }) {
  const { i18n } = useTranslation();
  const now = useNow();
  const past = new Date(to).getTime() <= now.getTime();
  return (
    <span className={past ? 'countdown past' : 'countdown'}>{formatCountdown(to, now, i18n.language)}</span>
  );
}

export function Money({ value }: { value: number | string | null | undefined }) {
  const { i18n } = useTranslation();
  return <span className="money">{formatMoney(value, i18n.language)}</span>;
}

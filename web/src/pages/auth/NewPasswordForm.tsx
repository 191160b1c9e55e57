import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../api/client';
import { Field } from '../../components/Field';
import { ProblemBanner } from '../../components/Problem';

/** Choose a password and type it twice: accepting an invitation, and a password reset. */
export function NewPasswordForm({
  intro,
  submitLabel,
  error,
  busy,
  disabled,
  onSubmit,
  children,
  field = 'password',
  resetAfterSubmit = false,
}: {
  intro?: string;
  submitLabel: string;
  error?: ApiError;
  busy: boolean;
  disabled?: boolean;
  onSubmit: (password: string) => void;
  children?: ReactNode;
  /** The name the server gives the new password in its field messages. */
  field?: string;
  /** Empty the two fields once submitted (a form that stays on the page). */
  resetAfterSubmit?: boolean;
}) {
  const { t } = useTranslation('auth');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMismatch(password !== repeat);
    if (password !== repeat) return;
    onSubmit(password);
    if (resetAfterSubmit) {
      setPassword('');
      setRepeat('');
    }
  };
  return (
    <form className="narrow" onSubmit={submit} noValidate>
      {intro ? <p>{intro}</p> : null}
      <ProblemBanner error={error} shown={[field, 'currentPassword']} />
      {children}
      <Field
        label={t('invitation.password')}
        hint={t('invitation.passwordHint')}
        error={error?.field(field)}
        required
      >
        <input
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </Field>
      <Field label={t('invitation.repeat')} error={mismatch ? t('invitation.mismatch') : undefined} required>
        <input
          type="password"
          autoComplete="new-password"
          value={repeat}
          onChange={(e) => setRepeat(e.target.value)}
        />
      </Field>
      <button type="submit" className="primary" disabled={busy || disabled}>
        {submitLabel}
      </button>
    </form>
  );
}

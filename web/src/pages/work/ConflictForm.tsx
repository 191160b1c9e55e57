import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { Field } from '../../components/Field';
import { ProblemBanner } from '../../components/Problem';
import { useAction } from '../../hooks';
import { useIsolate, type Assignment } from './shared';

/**
 * The confirmation step of declaring a conflict of interest: the reviewer says why, is told what it
 * does (the assignment ends, the secretariat hears), and confirms; or cancels.
 */
export function ConflictForm({
  assignment,
  onDeclared,
  onCancel,
}: {
  assignment: Assignment;
  onDeclared: (updated: Assignment) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation(['work', 'common']);
  const isolate = useIsolate();
  const [reason, setReason] = useState('');
  const field = useRef<HTMLTextAreaElement>(null);
  useEffect(() => field.current?.focus(), []);
  const declare = useAction(async () => {
    const updated = await unwrap(
      api.POST('/api/v1/review-assignments/{id}/conflict', {
        params: { path: { id: assignment.id } },
        body: { reason: reason.trim() },
      }),
    );
    onDeclared(updated);
    return updated;
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void declare.run();
  };
  return (
    <form
      className="work-conflict"
      onSubmit={submit}
      noValidate
      aria-label={t('conflict.formLabel', { title: isolate(assignment.noteTitle) })}
    >
      <p className="warning">{t('conflict.explain')}</p>
      <ProblemBanner error={declare.error} shown={['reason']} />
      <Field
        label={t('conflict.reason')}
        hint={t('conflict.reasonHint')}
        error={declare.error?.field('reason')}
        required
      >
        <textarea ref={field} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} />
      </Field>
      <div className="actions">
        <button type="submit" className="danger" disabled={declare.busy}>
          {t('conflict.confirm')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common:cancel')}
        </button>
      </div>
    </form>
  );
}

import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap, uploadAttachment } from '../../api/client';
import { Badge, ENDORSEMENT_TONE, NoteStatusBadge } from '../../components/Badge';
import { Field } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { Page, Section } from '../../components/Page';
import { Loaded, ProblemBanner } from '../../components/Problem';
import { DateTime } from '../../components/Time';
import { useCountryNames } from '../../countries';
import { useAction } from '../../hooks';
import { NoteHeader, useNote, useNoteId, type Note } from './shared';

function EndorsementForm({ note, onDone }: { note: Note; onDone: () => void }) {
  const { t } = useTranslation(['secretariat', 'common']);
  const name = useCountryNames();
  const pending = note.endorsements.filter((e) => e.state !== 'endorsed').map((e) => e.countryCode);
  const choices = pending.length > 0 ? pending : note.countryCodes;
  const [chosen, setCountry] = useState(choices[0] ?? '');
  // After a reload the country just endorsed leaves the list: fall back to the first still pending.
  const country = choices.includes(chosen) ? chosen : (choices[0] ?? '');
  const [file, setFile] = useState<File | null>(null);
  const [reason, setReason] = useState('');
  const [saved, setSaved] = useState<string>();
  const [noFile, setNoFile] = useState(false);

  const save = useAction(async () => {
    let letterAttachmentId = '';
    if (file) {
      const attachment = await uploadAttachment(note.id, 'endorsement_letter', file);
      letterAttachmentId = attachment.id;
    }
    await unwrap(
      api.POST('/api/v1/concept-notes/{id}/offline-endorsements', {
        params: { path: { id: note.id } },
        body: { countryCode: country, letterAttachmentId, reason },
      }),
    );
    setSaved(country);
    setReason('');
    setFile(null);
    onDone();
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(undefined);
    setNoFile(!file);
    if (!file) return;
    void save.run();
  };
  const error = save.error;
  return (
    <form className="narrow" onSubmit={submit} noValidate>
      {saved ? <Notice>{t('offline.saved', { country: name(saved) })}</Notice> : null}
      <ProblemBanner error={error} shown={['countryCode', 'letterAttachmentId', 'file', 'reason']} />
      <Field label={t('offline.country')} error={error?.field('countryCode')} required>
        <select value={country} onChange={(e) => setCountry(e.target.value)}>
          {choices.map((code) => (
            <option key={code} value={code}>
              {name(code)} ({code})
            </option>
          ))}
        </select>
      </Field>
      <Field
        label={t('offline.letter')}
        hint={t('offline.letterHint')}
        error={
          error?.field('file') ??
          error?.field('letterAttachmentId') ??
          (noFile ? t('offline.letterMissing') : undefined)
        }
        required
      >
        <input
          type="file"
          accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            setNoFile(false);
          }}
        />
      </Field>
      <Field
        label={t('offline.reason')}
        hint={t('offline.reasonHint')}
        error={error?.field('reason')}
        required
      >
        <textarea value={reason} onChange={(e) => setReason(e.target.value)} />
      </Field>
      <button type="submit" className="primary" disabled={save.busy}>
        {t('offline.submit')}
      </button>
    </form>
  );
}

export function OfflineEndorsement() {
  const { t } = useTranslation(['secretariat', 'common']);
  const id = useNoteId();
  const note = useNote(id);
  return (
    <Page title={t('offline.title')}>
      <Loaded resource={note}>
        {(n) => (
          <>
            <NoteHeader note={n} />
            <Section title={t('offline.byCountry')} id="endorsements">
              <div className="table-wrap">
                <table>
                  <caption className="visually-hidden">{t('offline.byCountry')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('offline.country')}</th>
                      <th scope="col">{t('offline.state')}</th>
                      <th scope="col">{t('offline.by')}</th>
                      <th scope="col">{t('offline.at')}</th>
                      <th scope="col" className="num">
                        {t('offline.age')}
                      </th>
                      <th scope="col">{t('offline.comment')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {n.endorsements.length === 0 ? (
                      <tr>
                        <td colSpan={6}>{t('offline.noCountries')}</td>
                      </tr>
                    ) : null}
                    {n.endorsements.map((e) => (
                      <tr key={e.countryCode}>
                        <th scope="row">{e.countryCode}</th>
                        <td>
                          <Badge tone={ENDORSEMENT_TONE[e.state]}>{t(`offline.states.${e.state}`)}</Badge>
                          {e.kind ? ` (${t(`offline.kinds.${e.kind}`, { defaultValue: e.kind })})` : ''}
                        </td>
                        <td>{e.by ?? ''}</td>
                        <td>
                          <DateTime value={e.at} />
                        </td>
                        <td className="num">{e.ageDays}</td>
                        <td>{e.comment ?? ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Section>
            <Section title={t('offline.formTitle')} id="offline-form">
              {n.status !== 'awaiting_endorsement' ? (
                <p className="warning">
                  {t('offline.notAwaiting', { status: t(`common:status.${n.status}`) })}{' '}
                  <NoteStatusBadge status={n.status} />
                </p>
              ) : null}
              {n.scope === 'regional' || n.scope === 'global' ? (
                <p className="warning">{t('offline.signOffRoute')}</p>
              ) : null}
              <p className="muted">{t('offline.intro')}</p>
              <EndorsementForm note={n} onDone={() => note.reload()} />
            </Section>
          </>
        )}
      </Loaded>
    </Page>
  );
}

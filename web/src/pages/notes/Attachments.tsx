import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, download, unwrap, uploadAttachment, type AttachmentKind } from '../../api/client';
import { useUser } from '../../auth/session';
import { Field } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { Loaded, ProblemBanner } from '../../components/Problem';
import { DateTime } from '../../components/Time';
import { useAction, useResource } from '../../hooks';
import { formatNumber } from '../../format';
import { EDITABLE, standing, type Attachment, type Note } from './data';

function size(bytes: number, language: string): string {
  if (bytes >= 1024 * 1024) return `${formatNumber(bytes / (1024 * 1024), language)} MB`;
  if (bytes >= 1024) return `${formatNumber(bytes / 1024, language)} KB`;
  return `${formatNumber(bytes, language, 0)} B`;
}

export function AttachmentsTab({ note, onChanged }: { note: Note; onChanged: () => void }) {
  const { t, i18n } = useTranslation('notes');
  const user = useUser();
  const me = standing(note, user);
  const list = useResource(
    () => unwrap(api.GET('/api/v1/concept-notes/{id}/attachments', { params: { path: { id: note.id } } })),
    [note.id, note.version],
  );
  const fetchFile = useAction((a: Attachment) =>
    download(`/api/v1/concept-notes/${note.id}/attachments/${a.id}`, a.filename),
  );
  const canUpload = (me.member && EDITABLE.includes(note.status)) || me.secretariat;
  return (
    <section className="card" aria-labelledby="attachments-title">
      <h2 id="attachments-title">{t('attachments.title')}</h2>
      <ProblemBanner error={fetchFile.error} />
      <Loaded resource={list}>
        {(items) =>
          items.length === 0 ? (
            <p className="muted">{t('attachments.none')}</p>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('attachments.file')}</th>
                    <th scope="col">{t('attachments.kind')}</th>
                    <th scope="col">{t('attachments.type')}</th>
                    <th scope="col" className="num">
                      {t('attachments.size')}
                    </th>
                    <th scope="col">{t('attachments.uploaded')}</th>
                    <th scope="col">
                      <span className="visually-hidden">{t('attachments.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((a) => (
                    <tr key={a.id}>
                      <td>
                        {a.filename}
                        {note.template?.id === a.id ? (
                          <>
                            {' '}
                            <span className="badge ok">{t('attachments.current')}</span>
                          </>
                        ) : null}
                      </td>
                      <td>{t(`attachments.kinds.${a.kind}`)}</td>
                      <td>{a.contentType}</td>
                      <td className="num">{size(a.sizeBytes, i18n.language)}</td>
                      <td>
                        <DateTime value={a.createdAt} />
                      </td>
                      <td>
                        <button
                          type="button"
                          onClick={() => void fetchFile.run(a)}
                          disabled={fetchFile.busy}
                          aria-label={t('attachments.downloadNamed', { name: a.filename })}
                        >
                          {t('attachments.download')}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loaded>
      {canUpload ? (
        <Upload
          note={note}
          secretariat={me.secretariat}
          team={me.member && EDITABLE.includes(note.status)}
          onUploaded={() => {
            list.reload();
            onChanged();
          }}
        />
      ) : null}
    </section>
  );
}

function Upload({
  note,
  secretariat,
  team,
  onUploaded,
}: {
  note: Note;
  secretariat: boolean;
  team: boolean;
  onUploaded: () => void;
}) {
  const { t } = useTranslation('notes');
  const kinds: AttachmentKind[] = [
    ...(team ? (['template', 'annex'] as AttachmentKind[]) : []),
    ...(secretariat ? (['endorsement_letter'] as AttachmentKind[]) : []),
  ];
  const [kind, setKind] = useState<AttachmentKind>(kinds[0] ?? 'annex');
  const [file, setFile] = useState<File | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const upload = useAction(async () => {
    const saved = await uploadAttachment(note.id, kind, file);
    setDone(saved.filename);
    setFile(null);
    if (input.current) input.current.value = '';
    onUploaded();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    void upload.run();
  };
  return (
    <form onSubmit={submit} noValidate className="notes-upload">
      <h3>{t('attachments.uploadTitle')}</h3>
      <ProblemBanner error={upload.error} shown={['file', 'kind']} />
      <Field label={t('attachments.kindLabel')} error={upload.error?.field('kind')} required>
        <select value={kind} onChange={(e) => setKind(e.target.value as AttachmentKind)}>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {t(`attachments.kinds.${k}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field
        label={t('attachments.fileLabel')}
        hint={kind === 'template' ? t('attachments.templateHint') : undefined}
        error={upload.error?.field('file')}
      >
        {/* Required, without the label's visual asterisk: the control's accessible name stays exactly "File". */}
        <input ref={input} type="file" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={upload.busy}>
          {t('attachments.upload')}
        </button>
        {upload.busy ? (
          <span className="muted" role="status">
            {t('attachments.uploading')}
          </span>
        ) : null}
      </div>
      {done ? <Notice>{t('attachments.done', { name: done })}</Notice> : null}
    </form>
  );
}

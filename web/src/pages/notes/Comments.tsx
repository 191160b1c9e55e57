import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../../api/client';
import { useUser } from '../../auth/session';
import { Field } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { Loaded, ProblemBanner } from '../../components/Problem';
import { DateTime } from '../../components/Time';
import { useAction, useResource } from '../../hooks';
import { standing, type Attachment, type Comment, type Note } from './data';

type Visibility = Comment['visibility'];

export function CommentsTab({ note }: { note: Note }) {
  const { t } = useTranslation('notes');
  const user = useUser();
  const me = standing(note, user);
  const comments = useResource(
    () => unwrap(api.GET('/api/v1/concept-notes/{id}/comments', { params: { path: { id: note.id } } })),
    [note.id],
  );
  const attachments = useResource(
    () =>
      unwrap(api.GET('/api/v1/concept-notes/{id}/attachments', { params: { path: { id: note.id } } })).catch(
        () => [] as Attachment[],
      ),
    [note.id],
  );
  const visibilities: Visibility[] = me.secretariat
    ? ['team', 'team_only', 'secretariat']
    : me.member
      ? ['team', 'team_only']
      : ['team'];
  return (
    <section className="card" aria-labelledby="comments-title">
      <h2 id="comments-title">{t('comments.title')}</h2>
      <Loaded resource={comments}>
        {(all) => {
          const threads = all.filter((c) => c.parentId === null);
          return threads.length === 0 ? (
            <p className="muted">{t('comments.none')}</p>
          ) : (
            <ol className="notes-threads">
              {threads.map((c) => (
                <li key={c.id}>
                  <CommentBody comment={c} attachments={attachments.data ?? []} />
                  {all.some((r) => r.parentId === c.id) ? (
                    <ol
                      className="notes-replies"
                      aria-label={t('comments.repliesTo', { name: c.authorName })}
                    >
                      {all
                        .filter((r) => r.parentId === c.id)
                        .map((r) => (
                          <li key={r.id}>
                            <CommentBody comment={r} attachments={attachments.data ?? []} />
                          </li>
                        ))}
                    </ol>
                  ) : null}
                  <Reply note={note} parent={c} onPosted={() => comments.reload()} />
                </li>
              ))}
            </ol>
          );
        }}
      </Loaded>
      <NewComment
        note={note}
        visibilities={visibilities}
        secretariat={me.secretariat}
        onPosted={() => comments.reload()}
      />
    </section>
  );
}

function CommentBody({ comment, attachments }: { comment: Comment; attachments: Attachment[] }) {
  const { t } = useTranslation('notes');
  const referred = comment.attachmentIds.map((id) => attachments.find((a) => a.id === id)?.filename ?? id);
  return (
    <article className="notes-comment">
      <header>
        <strong>{comment.authorName}</strong>{' '}
        <span className="muted">({t(`comments.author.${comment.authorRole}`)})</span>{' '}
        <DateTime value={comment.createdAt} />{' '}
        <span className="badge">{t(`comments.visibility.${comment.visibility}`)}</span>
        {comment.needsAnswer ? (
          <>
            {' '}
            <span className={comment.answeredAt ? 'badge ok' : 'badge warn'}>
              {comment.answeredAt ? t('comments.answered') : t('comments.clarification')}
            </span>
          </>
        ) : null}
      </header>
      <pre className="wrap">{comment.body}</pre>
      {comment.needsAnswer && comment.replyBy ? (
        <p className="muted">
          {t('comments.replyBy')} <DateTime value={comment.replyBy} />
        </p>
      ) : null}
      {referred.length ? (
        <p className="muted">
          {t('comments.refersTo')} {referred.join(', ')}
        </p>
      ) : null}
    </article>
  );
}

function Reply({ note, parent, onPosted }: { note: Note; parent: Comment; onPosted: () => void }) {
  const { t } = useTranslation('notes');
  const [open, setOpen] = useState(false);
  const [body, setBody] = useState('');
  const post = useAction(async () => {
    await unwrap(
      api.POST('/api/v1/concept-notes/{id}/comments', {
        params: { path: { id: note.id } },
        body: { body, parentId: parent.id } as Schemas['CreateCommentDto'],
      }),
    );
    setBody('');
    setOpen(false);
    onPosted();
  });
  if (!open)
    return (
      <button type="button" className="link-button" onClick={() => setOpen(true)}>
        {t('comments.reply', { name: parent.authorName })}
      </button>
    );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void post.run();
  };
  return (
    <form onSubmit={submit} noValidate className="notes-reply">
      <ProblemBanner error={post.error} shown={['body']} />
      <Field
        label={t('comments.replyLabel', { name: parent.authorName })}
        error={post.error?.field('body')}
        required
      >
        <textarea value={body} onChange={(e) => setBody(e.target.value)} />
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={post.busy}>
          {t('comments.sendReply')}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          {t('common:cancel')}
        </button>
      </div>
    </form>
  );
}

function NewComment({
  note,
  visibilities,
  secretariat,
  onPosted,
}: {
  note: Note;
  visibilities: Visibility[];
  secretariat: boolean;
  onPosted: () => void;
}) {
  const { t } = useTranslation('notes');
  const [body, setBody] = useState('');
  const [visibility, setVisibility] = useState<Visibility>(visibilities[0]);
  const [needsAnswer, setNeedsAnswer] = useState(false);
  const [replyBy, setReplyBy] = useState('');
  const [posted, setPosted] = useState(false);
  const post = useAction(async () => {
    const replyByInstant = replyBy ? new Date(replyBy) : null;
    await unwrap(
      api.POST('/api/v1/concept-notes/{id}/comments', {
        params: { path: { id: note.id } },
        body: {
          body,
          visibility,
          ...(needsAnswer ? { needsAnswer: true } : {}),
          ...(needsAnswer && replyByInstant
            ? { replyBy: Number.isNaN(replyByInstant.getTime()) ? replyBy : replyByInstant.toISOString() }
            : {}),
        },
      }),
    );
    setBody('');
    setNeedsAnswer(false);
    setReplyBy('');
    setPosted(true);
    onPosted();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setPosted(false);
    void post.run();
  };
  return (
    <form onSubmit={submit} noValidate className="notes-new-comment">
      <h3>{t('comments.newTitle')}</h3>
      {posted ? <Notice>{t('comments.posted')}</Notice> : null}
      <ProblemBanner error={post.error} shown={['body', 'visibility', 'needsAnswer', 'replyBy']} />
      <Field label={t('comments.body')} error={post.error?.field('body')} required>
        <textarea value={body} onChange={(e) => setBody(e.target.value)} />
      </Field>
      {visibilities.length > 1 ? (
        <Field label={t('comments.visibleTo')} error={post.error?.field('visibility')}>
          <select value={visibility} onChange={(e) => setVisibility(e.target.value as Visibility)}>
            {visibilities.map((v) => (
              <option key={v} value={v}>
                {t(`comments.visibility.${v}`)}
              </option>
            ))}
          </select>
        </Field>
      ) : (
        <p className="muted">
          {t('comments.visibleTo')}: {t(`comments.visibility.${visibility}`)}
        </p>
      )}
      {secretariat ? (
        <>
          <div className="field">
            <label className="inline">
              <input
                type="checkbox"
                checked={needsAnswer}
                onChange={(e) => setNeedsAnswer(e.target.checked)}
              />
              {t('comments.needsAnswer')}
            </label>
            {post.error?.field('needsAnswer') ? (
              <div className="field-error" role="alert">
                {post.error.field('needsAnswer')}
              </div>
            ) : null}
          </div>
          {needsAnswer ? (
            <Field label={t('comments.replyByLabel')} error={post.error?.field('replyBy')}>
              <input type="datetime-local" value={replyBy} onChange={(e) => setReplyBy(e.target.value)} />
            </Field>
          ) : null}
        </>
      ) : null}
      <button type="submit" className="primary" disabled={post.busy}>
        {t('comments.post')}
      </button>
    </form>
  );
}

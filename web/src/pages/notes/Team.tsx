import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { useUser } from '../../auth/session';
import { Field } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { ProblemBanner } from '../../components/Problem';
import { useAction } from '../../hooks';
import { standing, type Note } from './data';

export function TeamTab({ note, onChanged }: { note: Note; onChanged: () => void }) {
  const { t } = useTranslation('notes');
  const user = useUser();
  const me = standing(note, user);
  const [newMember, setNewMember] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const others = note.team.filter((m) => m.id !== note.lead.id);

  const setTeam = useAction(async (memberIds: string[], done: string) => {
    await unwrap(
      api.PUT('/api/v1/concept-notes/{id}/team', { params: { path: { id: note.id } }, body: { memberIds } }),
    );
    setMessage(done);
    setNewMember('');
    onChanged();
  });
  const handOver = useAction(async (userId: string, name: string) => {
    await unwrap(
      api.POST('/api/v1/concept-notes/{id}/lead', { params: { path: { id: note.id } }, body: { userId } }),
    );
    setMessage(t('team.handedOver', { name }));
    onChanged();
  });
  const add = (event: FormEvent) => {
    event.preventDefault();
    setMessage(null);
    void setTeam.run([...others.map((m) => m.id), newMember.trim()], t('team.added'));
  };

  return (
    <section className="card" aria-labelledby="team-title">
      <h2 id="team-title">{t('team.title')}</h2>
      {message ? <Notice>{message}</Notice> : null}
      <ProblemBanner error={handOver.error} />
      <ProblemBanner error={setTeam.error} shown={['memberIds']} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('team.name')}</th>
              <th scope="col">{t('team.email')}</th>
              <th scope="col">{t('team.organization')}</th>
              <th scope="col">{t('team.role')}</th>
              {me.lead ? (
                <th scope="col">
                  <span className="visually-hidden">{t('team.actions')}</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {[note.lead, ...others].map((person) => {
              const isLead = person.id === note.lead.id;
              return (
                <tr key={person.id}>
                  <td>{person.name}</td>
                  <td>{person.email}</td>
                  <td>{person.organizationCode ?? '—'}</td>
                  <td>{isLead ? <span className="badge ok">{t('team.lead')}</span> : t('team.member')}</td>
                  {me.lead ? (
                    <td>
                      {!isLead ? (
                        <div className="actions notes-inline-actions">
                          <button
                            type="button"
                            disabled={handOver.busy}
                            onClick={() => {
                              setMessage(null);
                              void handOver.run(person.id, person.name);
                            }}
                          >
                            {t('team.makeLead', { name: person.name })}
                          </button>
                          <button
                            type="button"
                            className="danger"
                            disabled={setTeam.busy}
                            onClick={() => {
                              setMessage(null);
                              void setTeam.run(
                                others.filter((m) => m.id !== person.id).map((m) => m.id),
                                t('team.removed', { name: person.name }),
                              );
                            }}
                          >
                            {t('team.remove', { name: person.name })}
                          </button>
                        </div>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {me.lead ? (
        <form onSubmit={add} noValidate className="narrow">
          <h3>{t('team.addTitle')}</h3>
          <Field
            label={t('team.userId')}
            hint={t('team.userIdHint')}
            error={setTeam.error?.field('memberIds')}
            required
          >
            <input
              value={newMember}
              onChange={(e) => setNewMember(e.target.value)}
              autoComplete="off"
              spellCheck={false}
            />
          </Field>
          <button type="submit" className="primary" disabled={setTeam.busy}>
            {t('team.add')}
          </button>
        </form>
      ) : (
        <p className="muted">{t('team.leadOnly')}</p>
      )}
    </section>
  );
}

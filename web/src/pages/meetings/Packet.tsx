import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, download, unwrap } from '../../api/client';
import { Section } from '../../components/Page';
import { ProblemBanner } from '../../components/Problem';
import { DateTime } from '../../components/Time';
import { formatNumber } from '../../format';
import { useAction, useResource } from '../../hooks';
import { PacketStatusBadge, type Meeting, type Packet } from './parts';

const RENDERING = ['queued', 'rendering'];

/**
 * The meeting's packet: generate a new version (the worker renders it; this section follows its
 * status), download the latest ready version, and the versions with their SHA-256.
 */
export function PacketSection({ meeting, manage }: { meeting: Meeting; manage: boolean }) {
  const { t, i18n } = useTranslation(['meetings', 'common']);
  const statusId = useId();
  // Bumped to load the versions again: after a request, and every 2 s while one is being rendered.
  const [tick, setTick] = useState(0);
  // GET …/packet/versions answers every version, newest first (the first is what GET …/packet gives).
  const versions = useResource(
    () => unwrap(api.GET('/api/v1/meetings/{id}/packet/versions', { params: { path: { id: meeting.id } } })),
    [meeting.id, tick],
  );
  const list: Packet[] = versions.data ?? [];
  const latest = list[0];
  const rendering = latest !== undefined && RENDERING.includes(latest.status);
  useEffect(() => {
    if (!rendering) return;
    const timer = setInterval(() => setTick((n) => n + 1), 2000);
    return () => clearInterval(timer);
  }, [rendering]);
  const generate = useAction(async () => {
    await unwrap(api.POST('/api/v1/meetings/{id}/packet', { params: { path: { id: meeting.id } } }));
    setTick((n) => n + 1);
  });
  const ready = list.find((p) => p.status === 'ready');
  const get = useAction(async () => {
    await download(
      `/api/v1/meetings/${meeting.id}/packet?download=true`,
      `packet-v${ready?.version ?? ''}.pdf`,
    );
  });
  const size = (bytes: number | null) =>
    bytes === null ? '—' : t('packet.kilobytes', { size: formatNumber(bytes / 1024, i18n.language) });
  return (
    <Section title={t('packet.title')} id="packet">
      <ProblemBanner error={versions.error} />
      <div id={statusId} aria-live="polite">
        {latest ? (
          <dl className="facts">
            <dt>{t('packet.latest')}</dt>
            <dd>
              {t('packet.version', { version: latest.version })} <PacketStatusBadge status={latest.status} />
            </dd>
            {latest.error ? (
              <>
                <dt>{t('packet.error')}</dt>
                <dd>{latest.error}</dd>
              </>
            ) : null}
            {rendering ? (
              <>
                <dt>{t('packet.progress')}</dt>
                <dd>{t('packet.renderingHint')}</dd>
              </>
            ) : null}
            {ready ? (
              <>
                <dt>{t('packet.available')}</dt>
                <dd>{t('packet.readyVersion', { version: ready.version })}</dd>
                <dt>{t('packet.sha256')}</dt>
                <dd>
                  <code className="hash">{ready.sha256}</code>
                </dd>
              </>
            ) : null}
          </dl>
        ) : versions.data ? (
          <p>{t('packet.none')}</p>
        ) : null}
      </div>
      <ProblemBanner error={generate.error ?? get.error} />
      <div className="actions">
        {manage ? (
          <button
            type="button"
            className="primary"
            onClick={() => void generate.run()}
            disabled={generate.busy}
          >
            {t('packet.generate')}
          </button>
        ) : null}
        <button
          type="button"
          onClick={() => void get.run()}
          disabled={!ready || get.busy}
          aria-describedby={statusId}
        >
          {t('packet.download')}
        </button>
      </div>
      {manage && meeting.status === 'scheduled' && meeting.kind !== 'written_procedure' ? (
        <p className="muted">{t('packet.afterCutoff')}</p>
      ) : null}
      {list.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption>{t('packet.versions')}</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  {t('packet.versionColumn')}
                </th>
                <th scope="col">{t('fields.status')}</th>
                <th scope="col">{t('packet.created')}</th>
                <th scope="col">{t('packet.rendered')}</th>
                <th scope="col" className="num">
                  {t('packet.items')}
                </th>
                <th scope="col" className="num">
                  {t('packet.pages')}
                </th>
                <th scope="col" className="num">
                  {t('packet.size')}
                </th>
                <th scope="col">{t('packet.sha256')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((p) => (
                <tr key={p.id}>
                  <td className="num">{p.version}</td>
                  <td>
                    <PacketStatusBadge status={p.status} />
                  </td>
                  <td>
                    <DateTime value={p.createdAt} />
                  </td>
                  <td>
                    <DateTime value={p.renderedAt} />
                  </td>
                  <td className="num">{p.items}</td>
                  <td className="num">{p.pageCount ?? '—'}</td>
                  <td className="num">{size(p.sizeBytes)}</td>
                  <td>{p.sha256 ? <code className="hash">{p.sha256}</code> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Section>
  );
}

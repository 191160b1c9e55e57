import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { LOCALES } from '../common/auth/roles';
import { EmailTemplates, TEMPLATE_ROOT } from './templates';

/**
 * The real templates under templates/email/: every template of the English catalogue exists in all six
 * languages, with all three parts, and renders cleanly whatever the script of the note's title.
 */

const PARTS = ['subject', 'html', 'text'] as const;

const filesOf = (locale: string): string[] => readdirSync(join(TEMPLATE_ROOT, locale));

const NAMES = [
  ...new Set(
    filesOf('en')
      .filter((file) => file.endsWith('.hbs'))
      .map((file) => file.split('.')[0]),
  ),
]
  .filter((name) => name !== 'layout')
  .sort();

const TITLES = ['برنامج الهجرة', '移民项目', 'Миграция'];
const NOTE_URL = 'https://mptf.test/concept-notes/3f6c2a1e-8b4d-4c2e-9f1a-2b7d5e9c0a11?tab=comments';
const ACCEPT_URL = 'https://mptf.test/accept-invitation?token=abc';
const OTHER_NOTE_URL = 'https://mptf.test/concept-notes/9d2e4b7a-1c3f-4e5d-8a6b-0f1e2d3c4b5a';
const MEETING_URL = 'https://mptf.test/meetings/5b8e1f2a-6c4d-4a3b-9e7f-1d2c3b4a5e6f';
const MEETING_TITLE = 'Steering Committee 2027/1';
const MEETING_LOCAL = '2027-03-10 10:00 Europe/Zurich';
const OTHER_TITLE = 'Safe return & <reintegration>';
const REVIEW_URL = 'https://mptf.test/reviews/7a1c9e3b-2d4f-4b6a-8c5e-3f2a1b0c9d8e';
const REVIEW_DUE_AT = '2026-04-15T16:00:00Z';
const POINTS = [
  'Align the budget with the results framework & annex 3.',
  'Explain how the programme reaches migrants in rural areas.',
];
const AMOUNTS = [
  { organizationCode: 'IOM', amountUsd: 898800 },
  { organizationCode: 'UNDP', amountUsd: 599200.5 },
];
const TOTAL_USD = 1498000.5;
const FULL_PROGRAMME_DUE_ON = '2027-06-30';
const RATIONALE = 'The concept note responds to the priorities\nof the Global Compact for Migration.';
const CORRECTION_REASON = 'The amounts of the two organizations were swapped.';

/** Screening outcomes: exactly one of the three flags is set, and the kind of a revision. */
const SCREENING = {
  eligible: { eligible: true, revisionRequested: false, ineligible: false, revisionKind: null },
  technical: { eligible: false, revisionRequested: true, ineligible: false, revisionKind: 'technical' },
  substantive: { eligible: false, revisionRequested: true, ineligible: false, revisionKind: 'substantive' },
  ineligible: { eligible: false, revisionRequested: false, ineligible: true, revisionKind: null },
} as const;
const screening = (outcome: keyof typeof SCREENING): Record<string, unknown> => ({
  ...SCREENING[outcome],
  technical: outcome === 'technical',
  substantive: outcome === 'substantive',
});

/** Steering Committee decisions: exactly one of the five flags is set. */
const OUTCOMES = ['approved', 'funded', 'revisionRequested', 'rejected', 'deferred'] as const;
const decision = (outcome: (typeof OUTCOMES)[number]): Record<string, unknown> =>
  Object.fromEntries(OUTCOMES.map((flag) => [flag, flag === outcome]));

/** Every variable the concept-note templates may use; each template picks what it needs. */
const notePayload = (noteTitle: string): Record<string, unknown> => ({
  recipientName: 'Amina Haddad',
  noteTitle,
  referenceCode: 'MIG-CN-2026-0042',
  noteUrl: NOTE_URL,
  leadName: 'Jelena Petrović',
  conveningOrganization: 'IOM',
  countries: 'Serbia, North Macedonia',
  returnedByName: 'Marta Nowak',
  comment: 'Please align the budget\nwith the results framework.',
  submittedAt: '2026-03-02T09:30:00Z',
  withdrawnByName: 'Jelena Petrović',
  reason: 'The partners will resubmit in the next call.',
  question: 'How will the programme reach migrants in rural areas?',
  replyBy: '2026-03-16T17:00:00Z',
  answeredByName: 'Jelena Petrović',
  answer: 'Through mobile teams run by the municipalities.',
  // Screening: a technical revision requested, with its numbered points and the date to resubmit by.
  ...screening('technical'),
  points: POINTS,
  dueAt: '2026-03-30T15:00:00Z',
  // Reviews.
  reviewUrl: REVIEW_URL,
  reviewerName: 'Jonas Berg',
  // Steering Committee decisions (decision_* set their outcome flags in OVERRIDES).
  rationale: RATIONALE,
  amounts: AMOUNTS,
  totalAmountUsd: TOTAL_USD,
  fullProgrammeDueOn: FULL_PROGRAMME_DUE_ON,
  correctionReason: CORRECTION_REASON,
  // Meetings of the Steering Committee, their agendas and cut-offs.
  meetingTitle: MEETING_TITLE,
  meetingStartsAt: '2027-03-10T09:00:00Z',
  meetingLocal: MEETING_LOCAL,
  meetingUrl: MEETING_URL,
  previousMeetingTitle: 'Steering Committee 2026/4',
  nextMeetingTitle: 'Steering Committee 2027/2',
  nextCutoffAt: '2027-04-28T08:00:00Z',
  cutoffAt: '2027-01-27T09:00:00Z',
  days: 7,
  count: 2,
  items: [
    { referenceCode: 'MIG-CN-2026-0042', title: noteTitle, group: 'Labour migration' },
    { referenceCode: 'MIG-CN-2026-0051', title: OTHER_TITLE, group: null },
  ],
  notes: [
    {
      title: noteTitle,
      url: NOTE_URL,
      awaitingEndorsement: true,
      leadName: 'Jelena Petrović',
      countries: 'Serbia, North Macedonia',
      pendingCountries: 'North Macedonia',
      ageDays: 12,
    },
    {
      title: OTHER_TITLE,
      url: OTHER_NOTE_URL,
      awaitingEndorsement: false,
      leadName: 'Carlos Mendoza',
      countries: 'Ecuador',
      pendingCountries: 'Ecuador',
      ageDays: 3,
    },
  ],
});

interface Sample {
  payload: Record<string, unknown>;
  /** The link the recipient must be able to follow, in the html and text parts. */
  link: string;
  /**
   * The title expected in the subject, the html and the text part: the note's, or the meeting's for an
   * e-mail about a meeting; the invitation concerns neither.
   */
  title?: string;
  /** The notes an e-mail lists: in the html, and each on a line of its own starting with "- " in the text. */
  listed?: string[];
}

/** E-mails about a meeting, listing notes (the note title varies in the script of the first). */
const MEETING_WIDE: Record<string, string> = {
  agenda_closed: MEETING_URL,
  cutoff_reminder: NOTE_URL,
  endorsement_reminder: NOTE_URL,
  endorsement_backlog: NOTE_URL,
};

/** E-mails to a reviewer, linking to the review rather than to the note. */
const REVIEWER: ReadonlySet<string> = new Set(['review_assigned', 'review_due_soon', 'review_overdue']);

/** Variables that differ by template, over the shared note payload. */
const OVERRIDES: Record<string, Record<string, unknown>> = {
  review_assigned: { dueAt: REVIEW_DUE_AT },
  review_due_soon: { dueAt: REVIEW_DUE_AT },
  review_overdue: { dueAt: REVIEW_DUE_AT },
  review_conflict_declared: {
    reason: 'I advised the convening organization\non the design of this programme.',
  },
  decision_released: decision('funded'),
  decision_corrected: decision('funded'),
};

function sampleFor(name: string, noteTitle: string): Sample {
  if (name === 'invitation') {
    return {
      payload: {
        name: 'Amina Haddad',
        invitedBy: 'Secretariat',
        expiresAt: '2026-03-02T09:30:00Z',
        secret: { acceptUrl: ACCEPT_URL },
      },
      link: ACCEPT_URL,
    };
  }
  if (name === 'password_reset') {
    const resetUrl = 'https://mptf.example.org/reset-password?token=abc';
    return {
      payload: { name: 'Amina Haddad', expiresAt: '2026-03-02T09:30:00Z', secret: { resetUrl } },
      link: resetUrl,
    };
  }
  if (name === 'packet_issued') {
    const packetLink = 'https://mptf.example.org/api/v1/packets/download?token=abc.def.ghi';
    return {
      payload: {
        recipientName: 'Chen Wei',
        meetingTitle: MEETING_TITLE,
        meetingStartsAt: '2027-03-10T09:00:00.000Z',
        version: 2,
        pageCount: 14,
        attached: false,
        linkExpiresAt: '2027-02-24T09:00:00.000Z',
        secret: { link: packetLink },
      },
      link: packetLink,
      title: MEETING_TITLE,
    };
  }
  const link = MEETING_WIDE[name];
  if (link)
    return { payload: notePayload(noteTitle), link, title: MEETING_TITLE, listed: [noteTitle, OTHER_TITLE] };
  return {
    payload: { ...notePayload(noteTitle), ...OVERRIDES[name] },
    link: REVIEWER.has(name) ? REVIEW_URL : NOTE_URL,
    title: noteTitle,
  };
}

/** The line of the text part that lists a note. */
const listLine = (text: string, title: string): string | undefined =>
  text.split('\n').find((line) => line.startsWith('- ') && line.includes(title));

/** The user-written text each template quotes. */
const QUOTED: Record<string, string[]> = {
  endorsement_returned: ['comment'],
  concept_note_withdrawn: ['reason'],
  clarification_requested: ['question'],
  clarification_answered: ['answer'],
  screening_outcome: ['comment'],
  review_conflict_declared: ['reason'],
  decision_released: ['rationale'],
  decision_corrected: ['correctionReason', 'rationale'],
  removed_from_pipeline: ['reason'],
  removed_from_agenda: ['reason'],
  placed_on_agenda: ['reason'],
};

/** Templates that may go out before the note has a reference code (given only on submission). */
const OPTIONAL_REFERENCE = NAMES.filter(
  (name) => !['invitation', 'password_reset', 'concept_note_submitted'].includes(name),
);

describe('e-mail template catalogue (templates/email)', () => {
  const templates = new EmailTemplates();

  it('holds the concept-note templates', () => {
    expect(NAMES).toEqual(
      expect.arrayContaining([
        'invitation',
        'password_reset',
        'endorsement_requested',
        'endorsement_returned',
        'concept_note_submitted',
        'concept_note_withdrawn',
        'clarification_requested',
        'clarification_answered',
        'regional_note_submitted',
        'agenda_closed',
        'agenda_confirmation',
        'missed_cutoff',
        'cutoff_reminder',
        'endorsement_reminder',
        'endorsement_backlog',
        'note_retargeted',
        'screening_outcome',
        'review_assigned',
        'review_due_soon',
        'review_overdue',
        'review_conflict_declared',
        'decision_released',
        'decision_corrected',
        'reviews_closed',
        'removed_from_pipeline',
        'placed_on_agenda',
        'removed_from_agenda',
        'note_resubmitted',
      ]),
    );
  });

  describe.each(NAMES)('%s', (name) => {
    it.each(LOCALES)('has a subject, an html and a text part in %s, the subject on one line', (locale) => {
      const files = filesOf(locale);
      for (const part of PARTS) expect(files).toContain(`${name}.${part}.hbs`);
      const subject = readFileSync(join(TEMPLATE_ROOT, locale, `${name}.subject.hbs`), 'utf8').trim();
      expect(subject).not.toBe('');
      expect(subject).not.toContain('\n');
    });

    it.each(LOCALES)('renders in %s whatever the script of the title', (locale) => {
      for (const noteTitle of TITLES) {
        const { payload, link, title, listed } = sampleFor(name, noteTitle);
        const email = templates.render(name, locale, payload, 'Europe/Belgrade');

        expect(email.locale).toBe(locale);
        for (const part of PARTS) {
          expect(email[part].trim()).not.toBe('');
          expect(email[part]).not.toContain('{{');
          expect(email[part]).not.toContain('}}');
          // Instants are formatted for the recipient, never shown raw.
          expect(email[part]).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
        }
        if (title) {
          expect(email.subject).toContain(title);
          expect(email.text).toContain(title);
          expect(email.html).toContain(Handlebars.Utils.escapeExpression(title));
        }
        for (const item of listed ?? []) {
          expect(email.html).toContain(Handlebars.Utils.escapeExpression(item));
          expect(listLine(email.text, item)).toBeDefined();
        }
        expect(email.html).toContain(`href="${Handlebars.Utils.escapeExpression(link)}"`);
        expect(email.text).toContain(link);
        expect(email.html).toContain(`<html lang="${locale}" dir="${locale === 'ar' ? 'rtl' : 'ltr'}">`);
      }
    });

    for (const field of QUOTED[name] ?? []) {
      it.each(LOCALES)(`quotes the ${field} in a blockquote and on lines of its own in %s`, (locale) => {
        const { payload } = sampleFor(name, TITLES[0]);
        const quoted = payload[field] as string;
        const email = templates.render(name, locale, payload);
        expect(email.html).toMatch(/<blockquote[^>]*>[^<]+<\/blockquote>/);
        expect(email.html).toContain(`>${Handlebars.Utils.escapeExpression(quoted)}</blockquote>`);
        expect(email.text).toContain(`\n${quoted}\n`);
      });
    }

    if (OPTIONAL_REFERENCE.includes(name)) {
      it.each(LOCALES)('reads well in %s before the note has a reference code', (locale) => {
        const email = templates.render(name, locale, {
          ...sampleFor(name, TITLES[1]).payload,
          referenceCode: null,
        });
        for (const part of PARTS) {
          expect(email[part]).not.toMatch(/\(\s*\)|（\s*）|null|undefined/);
        }
      });
    }
  });

  it.each(LOCALES)('asks for a reply by the date only when there is one (%s)', (locale) => {
    const payload = notePayload(TITLES[2]);
    const dated = templates.render('clarification_requested', locale, payload);
    const undated = templates.render('clarification_requested', locale, { ...payload, replyBy: null });
    expect(undated.text.length).toBeLessThan(dated.text.length);
    expect(undated.text).not.toMatch(/null|undefined/);
  });

  /** The meeting's own wall-clock time, in parentheses after the start in the recipient's time zone. */
  const IN_PARENTHESES = /[(（]2027-03-10 10:00 Europe\/Zurich[)）]/;
  const NOTHING = /\(\s*\)|（\s*）|null|undefined|true|false/;

  it.each(LOCALES)(
    'gives the next cut-off to a note that missed one only when there is a next meeting (%s)',
    (locale) => {
      const payload = notePayload(TITLES[0]);
      const next = templates.render('missed_cutoff', locale, payload, 'Asia/Tokyo');
      const none = templates.render('missed_cutoff', locale, {
        ...payload,
        nextMeetingTitle: null,
        nextCutoffAt: null,
      });
      expect(next.text).toContain('Steering Committee 2027/2');
      expect(next.text).toMatch(/GMT\+9|UTC\+9|غرينتش\+٩|غرينتش\+9/);
      for (const part of PARTS) {
        expect(none[part]).not.toContain('Steering Committee 2027/2');
        expect(none[part]).not.toMatch(NOTHING);
      }
      expect(none.text).not.toBe(next.text);
    },
  );

  it.each(LOCALES)('tells a team where its note moved, if anywhere, and from where (%s)', (locale) => {
    const payload = notePayload(TITLES[1]);
    const moved = templates.render('note_retargeted', locale, payload);
    expect(moved.text).toContain(MEETING_TITLE);
    expect(moved.text).toMatch(IN_PARENTHESES);
    expect(moved.text).toContain('Steering Committee 2026/4');

    const first = templates.render('note_retargeted', locale, { ...payload, previousMeetingTitle: null });
    expect(first.text).toContain(MEETING_TITLE);
    expect(first.text).not.toContain('Steering Committee 2026/4');

    const waiting = templates.render('note_retargeted', locale, {
      ...payload,
      meetingTitle: null,
      meetingStartsAt: null,
      meetingLocal: null,
    });
    expect(waiting.text).toContain('Steering Committee 2026/4');
    expect(waiting.text).not.toContain(MEETING_LOCAL);
    for (const email of [moved, first, waiting]) {
      for (const part of PARTS) expect(email[part]).not.toMatch(NOTHING);
    }
    expect(new Set([moved.text, first.text, waiting.text]).size).toBe(3);
  });

  it.each(LOCALES)(
    'tells a team its resubmitted note kept its meeting, moved on, or waits (%s)',
    (locale) => {
      const payload = { ...notePayload(TITLES[0]), submittedAt: '2026-03-02T09:30:00Z' };
      const kept = templates.render('note_resubmitted', locale, { ...payload, previousMeetingTitle: null });
      const moved = templates.render('note_resubmitted', locale, payload);
      const waiting = templates.render('note_resubmitted', locale, {
        ...payload,
        meetingTitle: null,
        meetingStartsAt: null,
        meetingLocal: null,
      });
      expect(kept.text).toContain(MEETING_TITLE);
      expect(kept.text).not.toContain('Steering Committee 2026/4');
      expect(moved.text).toContain(MEETING_TITLE);
      expect(moved.text).toContain('Steering Committee 2026/4');
      expect(waiting.text).not.toContain(MEETING_LOCAL);
      for (const email of [kept, moved, waiting]) {
        for (const part of PARTS) expect(email[part]).not.toMatch(NOTHING);
      }
      expect(new Set([kept.text, moved.text, waiting.text]).size).toBe(3);
    },
  );

  it.each(LOCALES)(
    'names the meeting a note was placed on or removed from, with the reason (%s)',
    (locale) => {
      for (const name of ['placed_on_agenda', 'removed_from_agenda']) {
        const payload = { ...notePayload(TITLES[1]), reason: 'The partners will resubmit in the next call.' };
        const email = templates.render(name, locale, payload);
        expect(email.text).toContain(MEETING_TITLE);
        expect(email.text).toContain(payload.reason);
        expect(email.subject).toContain(TITLES[1]);
        for (const part of PARTS) expect(email[part]).not.toMatch(NOTHING);
      }
    },
  );

  it.each(LOCALES)('tells notes awaiting endorsement from drafts in the cut-off reminder (%s)', (locale) => {
    const email = templates.render('cutoff_reminder', locale, notePayload(TITLES[2]));
    const awaiting = listLine(email.text, TITLES[2])?.replace(TITLES[2], '');
    const draft = listLine(email.text, OTHER_TITLE)?.replace(OTHER_TITLE, '');
    expect(awaiting).toBeDefined();
    expect(draft).toBeDefined();
    expect(awaiting).not.toBe(draft);
    expect(email.text).toContain(OTHER_NOTE_URL);
    expect(email.html).toContain(`href="${OTHER_NOTE_URL}"`);
    for (const part of PARTS)
      expect(email[part]).not.toMatch(/awaiting_endorsement|null|undefined|true|false/);
  });

  it.each(LOCALES)('shows the agenda with its groups, and an empty one without a list (%s)', (locale) => {
    const payload = notePayload(TITLES[0]);
    const email = templates.render('agenda_closed', locale, payload);
    expect(listLine(email.text, TITLES[0])).toContain('Labour migration');
    expect(listLine(email.text, TITLES[0])).toContain('MIG-CN-2026-0042');
    expect(email.text).toMatch(IN_PARENTHESES);
    expect(email.html).toContain('<th');

    const empty = templates.render('agenda_closed', locale, { ...payload, count: 0, items: [] });
    expect(empty.html).not.toContain('<th');
    expect(empty.text).not.toMatch(/^- /m);
    for (const part of PARTS) expect(empty[part]).not.toMatch(NOTHING);
  });

  it.each(LOCALES)('dates the submission in the time zone of the recipient (%s)', (locale) => {
    const email = templates.render('concept_note_submitted', locale, notePayload(TITLES[0]), 'Asia/Tokyo');
    expect(email.subject).toContain('MIG-CN-2026-0042');
    expect(email.text).toContain('MIG-CN-2026-0042');
    expect(email.text).not.toContain('2026-03-02T09:30:00Z');
    expect(email.text).toMatch(/GMT\+9|UTC\+9|غرينتش\+٩|غرينتش\+9/);
  });

  /** Where a part lists the numbered points: an ordered list in the html, "- " lines in the text. */
  const expectPoints = (email: { html: string; text: string }) => {
    expect(email.html).toMatch(/<ol[^>]*>\s*<li/);
    for (const point of POINTS) {
      expect(email.html).toMatch(
        new RegExp(`<li[^>]*>${escapeRegExp(Handlebars.Utils.escapeExpression(point))}</li>`),
      );
      expect(listLine(email.text, point)).toBe(`- ${point}`);
    }
  };
  const expectNoPoints = (email: { html: string; text: string }) => {
    expect(email.html).not.toContain('<ol');
    for (const point of POINTS) expect(email.text).not.toContain(point);
  };
  const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const TOKYO = /GMT\+9|UTC\+9|غرينتش\+٩|غرينتش\+9/;
  const usd = (locale: string, amount: number) =>
    new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD' }).format(amount);
  const longDate = (locale: string, day: string) =>
    new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(
      new Date(`${day}T00:00:00Z`),
    );

  it.each(LOCALES)('tells the team each outcome of the eligibility screening (%s)', (locale) => {
    const payload = notePayload(TITLES[0]);
    const render = (outcome: keyof typeof SCREENING, extra: Record<string, unknown> = {}) =>
      templates.render(
        'screening_outcome',
        locale,
        { ...payload, ...screening(outcome), ...extra },
        'Asia/Tokyo',
      );
    const eligible = render('eligible', { points: [], dueAt: null, comment: null });
    const technical = render('technical');
    const substantive = render('substantive', { dueAt: null });
    const ineligible = render('ineligible', { points: [], dueAt: null });

    // A technical revision: the points, and the date to resubmit by in the recipient's time zone.
    expectPoints(technical);
    expect(technical.text).toMatch(TOKYO);
    // A substantive one: the points, no date (the note goes to the meeting whose cut-off it meets).
    expectPoints(substantive);
    expect(substantive.text).not.toMatch(TOKYO);
    // Eligible: nothing to fix.
    expectNoPoints(eligible);
    expect(eligible.html).not.toContain('<blockquote');
    // Ineligible: why, in the secretariat's words.
    expectNoPoints(ineligible);
    expect(ineligible.text).toContain(`\n${payload.comment as string}\n`);

    const emails = [eligible, technical, substantive, ineligible];
    expect(new Set(emails.map((email) => email.subject)).size).toBe(4);
    expect(new Set(emails.map((email) => email.text)).size).toBe(4);
    for (const email of emails) {
      expect(email.subject).toContain(TITLES[0]);
      for (const part of PARTS) expect(email[part]).not.toMatch(NOTHING);
    }
  });

  it.each(LOCALES)('gives a technical revision no date when the secretariat set none (%s)', (locale) => {
    const payload = { ...notePayload(TITLES[1]), ...screening('technical') };
    const dated = templates.render('screening_outcome', locale, payload, 'Asia/Tokyo');
    const undated = templates.render('screening_outcome', locale, { ...payload, dueAt: null }, 'Asia/Tokyo');
    expect(undated.text).not.toMatch(TOKYO);
    expect(undated.text.length).toBeLessThan(dated.text.length);
    for (const part of PARTS) expect(undated[part]).not.toMatch(NOTHING);
  });

  it.each(LOCALES)('dates the review in the time zone of the reviewer and links to it (%s)', (locale) => {
    const emails = ['review_assigned', 'review_due_soon', 'review_overdue'].map((name) =>
      templates.render(name, locale, sampleFor(name, TITLES[2]).payload, 'Asia/Tokyo'),
    );
    for (const email of emails) {
      expect(email.text).toMatch(TOKYO);
      expect(email.html).toMatch(TOKYO);
      expect(email.text).toContain(REVIEW_URL);
      expect(email.html).toContain(`href="${REVIEW_URL}"`);
      expect(email.text).not.toContain(NOTE_URL);
    }
    expect(new Set(emails.map((email) => email.subject)).size).toBe(3);
    expect(new Set(emails.map((email) => email.text)).size).toBe(3);
  });

  it.each(LOCALES)('names the reviewer who declared a conflict of interest (%s)', (locale) => {
    const { payload } = sampleFor('review_conflict_declared', TITLES[0]);
    const email = templates.render('review_conflict_declared', locale, payload);
    expect(email.text).toContain('Jonas Berg');
    expect(email.html).toContain('Jonas Berg');
    const unexplained = templates.render('review_conflict_declared', locale, { ...payload, reason: null });
    expect(unexplained.html).not.toContain('<blockquote');
    for (const part of PARTS) expect(unexplained[part]).not.toMatch(NOTHING);
  });

  it.each(LOCALES)(
    'tells the team its review is complete and the meeting it goes to, naming no reviewer (%s)',
    (locale) => {
      const payload = notePayload(TITLES[0]);
      const dated = templates.render('reviews_closed', locale, payload, 'Asia/Tokyo');
      expect(dated.text).toContain(MEETING_TITLE);
      expect(dated.text).toMatch(IN_PARENTHESES);
      expect(dated.text).toMatch(TOKYO);
      expect(dated.html).toContain(Handlebars.Utils.escapeExpression(MEETING_TITLE));
      const waiting = templates.render('reviews_closed', locale, {
        ...payload,
        meetingTitle: null,
        meetingStartsAt: null,
        meetingLocal: null,
      });
      expect(waiting.text).not.toContain(MEETING_TITLE);
      expect(waiting.text).not.toBe(dated.text);
      for (const email of [dated, waiting]) {
        for (const part of PARTS) {
          expect(email[part]).not.toMatch(NOTHING);
          // Nothing of the reviews reaches the team: no reviewer, no reason given to close them.
          expect(email[part]).not.toContain(payload.reviewerName as string);
          expect(email[part]).not.toContain(payload.reason as string);
        }
      }
    },
  );

  it.each(LOCALES)('gives the reason a note left the pipeline, when there is one (%s)', (locale) => {
    const { payload } = sampleFor('removed_from_pipeline', TITLES[1]);
    const email = templates.render('removed_from_pipeline', locale, payload);
    expect(email.text).toContain(`\n${payload.reason as string}\n`);
    expect(email.subject).toContain(TITLES[1]);
    const unexplained = templates.render('removed_from_pipeline', locale, { ...payload, reason: null });
    expect(unexplained.html).not.toContain('<blockquote');
    for (const part of PARTS) expect(unexplained[part]).not.toMatch(NOTHING);
  });

  describe.each(['decision_released', 'decision_corrected'])('%s', (name) => {
    const render = (
      locale: string,
      outcome: (typeof OUTCOMES)[number],
      extra: Record<string, unknown> = {},
    ) => templates.render(name, locale, { ...notePayload(TITLES[0]), ...decision(outcome), ...extra });

    it.each(LOCALES)('states each decision of the Steering Committee with its rationale (%s)', (locale) => {
      const emails = Object.fromEntries(OUTCOMES.map((outcome) => [outcome, render(locale, outcome)]));
      expect(new Set(Object.values(emails).map((email) => email.text)).size).toBe(OUTCOMES.length);
      if (name === 'decision_released') {
        expect(new Set(Object.values(emails).map((email) => email.subject)).size).toBe(OUTCOMES.length);
      }
      for (const outcome of OUTCOMES) {
        const email = emails[outcome];
        expect(email.text).toContain(MEETING_TITLE);
        expect(email.html).toContain(`>${Handlebars.Utils.escapeExpression(RATIONALE)}</blockquote>`);
        expect(email.text).toContain(`\n${RATIONALE}\n`);
        if (name === 'decision_corrected') expect(email.text).toContain(`\n${CORRECTION_REASON}\n`);
        if (outcome === 'revisionRequested') expectPoints(email);
        else expectNoPoints(email);
        if (outcome !== 'funded') {
          expect(email.text).not.toContain(usd(locale, TOTAL_USD));
          expect(email.text).not.toContain(longDate(locale, FULL_PROGRAMME_DUE_ON));
        }
        for (const part of PARTS) {
          expect(email[part]).not.toMatch(NOTHING);
          // Raw or unformatted values; a date ending in a period ("30 июня 2027 г.") ending a sentence.
          expect(email[part]).not.toMatch(/NaN|2027-06-30|\.\./);
        }
      }
    });

    it.each(LOCALES)(
      'gives the allocation per organization, the total and the date for the full programme (%s)',
      (locale) => {
        const email = render(locale, 'funded');
        for (const { organizationCode, amountUsd } of AMOUNTS) {
          expect(listLine(email.text, organizationCode)).toContain(usd(locale, amountUsd));
          expect(email.html).toContain(`>${organizationCode}</td>`);
          expect(email.html).toContain(usd(locale, amountUsd));
        }
        expect(email.text).toContain(usd(locale, TOTAL_USD));
        expect(email.html).toContain(usd(locale, TOTAL_USD));
        expect(email.text).toContain(longDate(locale, FULL_PROGRAMME_DUE_ON));
        expect(email.html).toContain(longDate(locale, FULL_PROGRAMME_DUE_ON));

        // Without a date or a total, and with a total but no breakdown.
        const bare = render(locale, 'funded', { totalAmountUsd: null, fullProgrammeDueOn: null });
        expect(bare.text).not.toContain(usd(locale, TOTAL_USD));
        expect(bare.text).not.toContain(longDate(locale, FULL_PROGRAMME_DUE_ON));
        const totalOnly = render(locale, 'funded', { amounts: [] });
        expect(totalOnly.text).toContain(usd(locale, TOTAL_USD));
        expect(totalOnly.html).not.toContain('<th');
        expect(listLine(totalOnly.text, 'IOM')).toBeUndefined();
        for (const other of [bare, totalOnly]) {
          for (const part of PARTS) expect(other[part]).not.toMatch(NOTHING);
        }
      },
    );
  });
});

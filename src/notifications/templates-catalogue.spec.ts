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
});

interface Sample {
  payload: Record<string, unknown>;
  /** The link the recipient must be able to follow, in the html and text parts. */
  link: string;
  /** The note title, expected in the subject and the text part; the invitation concerns no note. */
  title?: string;
}

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
  return { payload: notePayload(noteTitle), link: NOTE_URL, title: noteTitle };
}

/** The user-written text each template quotes. */
const QUOTED: Record<string, string> = {
  endorsement_returned: 'comment',
  concept_note_withdrawn: 'reason',
  clarification_requested: 'question',
  clarification_answered: 'answer',
};

/** Templates that may go out before the note has a reference code (given only on submission). */
const OPTIONAL_REFERENCE = NAMES.filter((name) => !['invitation', 'concept_note_submitted'].includes(name));

describe('e-mail template catalogue (templates/email)', () => {
  const templates = new EmailTemplates();

  it('holds the concept-note templates', () => {
    expect(NAMES).toEqual(
      expect.arrayContaining([
        'invitation',
        'endorsement_requested',
        'endorsement_returned',
        'concept_note_submitted',
        'concept_note_withdrawn',
        'clarification_requested',
        'clarification_answered',
        'regional_note_submitted',
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
        const { payload, link, title } = sampleFor(name, noteTitle);
        const email = templates.render(name, locale, payload, 'Europe/Belgrade');

        expect(email.locale).toBe(locale);
        for (const part of PARTS) {
          expect(email[part].trim()).not.toBe('');
          expect(email[part]).not.toContain('{{');
          expect(email[part]).not.toContain('}}');
        }
        if (title) {
          expect(email.subject).toContain(title);
          expect(email.text).toContain(title);
          expect(email.html).toContain(title);
        }
        expect(email.html).toContain(`href="${Handlebars.Utils.escapeExpression(link)}"`);
        expect(email.text).toContain(link);
        expect(email.html).toContain(`<html lang="${locale}" dir="${locale === 'ar' ? 'rtl' : 'ltr'}">`);
      }
    });

    const field = QUOTED[name];
    if (field) {
      it.each(LOCALES)(`quotes the ${field} in a blockquote and on lines of its own in %s`, (locale) => {
        const payload = notePayload(TITLES[0]);
        const quoted = payload[field] as string;
        const email = templates.render(name, locale, payload);
        expect(email.html).toMatch(/<blockquote[^>]*>[^<]+<\/blockquote>/);
        expect(email.html).toContain(`>${Handlebars.Utils.escapeExpression(quoted)}</blockquote>`);
        expect(email.text).toContain(`\n${quoted}\n`);
      });
    }

    if (OPTIONAL_REFERENCE.includes(name)) {
      it.each(LOCALES)('reads well in %s before the note has a reference code', (locale) => {
        const email = templates.render(name, locale, { ...notePayload(TITLES[1]), referenceCode: null });
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

  it.each(LOCALES)('dates the submission in the time zone of the recipient (%s)', (locale) => {
    const email = templates.render('concept_note_submitted', locale, notePayload(TITLES[0]), 'Asia/Tokyo');
    expect(email.subject).toContain('MIG-CN-2026-0042');
    expect(email.text).toContain('MIG-CN-2026-0042');
    expect(email.text).not.toContain('2026-03-02T09:30:00Z');
    expect(email.text).toMatch(/GMT\+9|UTC\+9|غرينتش\+٩|غرينتش\+9/);
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmailTemplates } from './templates';

/** Writes `files` (path relative to the root → content) under a fresh temporary template root. */
function templateRoot(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'mptf-templates-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const LAYOUT = (lang: string) =>
  `<html lang="${lang}" dir="{{_dir}}"><title>{{subject}}</title><main>{{body}}</main></html>`;

describe('EmailTemplates', () => {
  let root: string;
  let templates: EmailTemplates;

  beforeAll(() => {
    root = templateRoot({
      'en/layout.html.hbs': LAYOUT('en'),
      'en/greeting.subject.hbs': 'Hello {{name}}',
      'en/greeting.html.hbs': '<p>Hello {{name}}, welcome.</p>',
      'en/greeting.text.hbs': 'Hello {{name}}, welcome.',
      'en/meeting.subject.hbs': 'Meeting for {{name}}',
      'en/meeting.html.hbs': '<p>The meeting starts on {{datetime startsAt}}.</p>',
      'en/meeting.text.hbs': 'The meeting starts on {{datetime startsAt}}.',
      'fr/layout.html.hbs': LAYOUT('fr'),
      'fr/greeting.subject.hbs': 'Bonjour {{name}}',
      'fr/greeting.html.hbs': '<p>Bonjour {{name}}, bienvenue.</p>',
      'fr/greeting.text.hbs': 'Bonjour {{name}}, bienvenue.',
      'en/funding.subject.hbs': 'Funding of {{money amount}}',
      'en/funding.html.hbs': '<p>{{money amount}}, full programme due on {{date dueOn}}.</p>',
      'en/funding.text.hbs': '{{money amount}}, full programme due on {{date dueOn}}.',
      'fr/funding.subject.hbs': 'Financement de {{money amount}}',
      'fr/funding.html.hbs': '<p>{{money amount}}, programme complet attendu le {{date dueOn}}.</p>',
      'fr/funding.text.hbs': '{{money amount}}, programme complet attendu le {{date dueOn}}.',
    });
    templates = new EmailTemplates(root);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('renders a template present in the requested locale in that locale, inside its layout', () => {
    const email = templates.render('greeting', 'fr', { name: 'Amina' });
    expect(email.locale).toBe('fr');
    expect(email.subject).toBe('Bonjour Amina');
    expect(email.html).toContain('<html lang="fr" dir="ltr">');
    expect(email.html).toContain('<title>Bonjour Amina</title>');
    expect(email.html).toContain('<main><p>Bonjour Amina, bienvenue.</p></main>');
    expect(email.text).toBe('Bonjour Amina, bienvenue.\n');
  });

  it('falls back to English, layout included, for a template missing in the requested locale', () => {
    const email = templates.render('meeting', 'fr', { name: 'Amina', startsAt: '2025-01-15T12:00:00Z' });
    expect(email.locale).toBe('en');
    expect(email.subject).toBe('Meeting for Amina');
    expect(email.html).toContain('<html lang="en" dir="ltr">');
    expect(email.html).toContain('The meeting starts on January 15, 2025');
    expect(email.text).toMatch(/^The meeting starts on January 15, 2025/);
  });

  it('falls back to English for a locale the system does not know', () => {
    const email = templates.render('greeting', 'de', { name: 'Jonas' });
    expect(email.locale).toBe('en');
    expect(email.subject).toBe('Hello Jonas');
    expect(email.html).toContain('<html lang="en" dir="ltr">');
    expect(email.text).toBe('Hello Jonas, welcome.\n');
  });

  it('escapes payload values in the HTML part but not in the text part or the subject', () => {
    const name = '<b>Tom & "Jerry"</b>';
    const email = templates.render('greeting', 'en', { name });
    expect(email.html).not.toContain('<b>Tom');
    expect(email.html).toContain('<p>Hello &lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;, welcome.</p>');
    expect(email.html).toContain('<title>Hello &lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;</title>');
    expect(email.text).toBe(`Hello ${name}, welcome.\n`);
    expect(email.subject).toBe(`Hello ${name}`);
  });

  it("formats dates in the recipient's time zone", () => {
    const payload = { name: 'Amina', startsAt: '2025-01-15T12:00:00Z' };
    const tokyo = templates.render('meeting', 'en', payload, 'Asia/Tokyo');
    const newYork = templates.render('meeting', 'en', payload, 'America/New_York');
    const utc = templates.render('meeting', 'en', payload);
    expect(tokyo.text).toContain('January 15, 2025 at 9:00 PM GMT+9');
    expect(newYork.text).toContain('January 15, 2025 at 7:00 AM EST');
    expect(utc.text).toContain('January 15, 2025 at 12:00 PM UTC');
    expect(tokyo.html).toContain('January 15, 2025 at 9:00 PM GMT+9');
  });

  describe('money', () => {
    const usd = (locale: string, amount: number) =>
      new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD' }).format(amount);

    it("formats an amount of USD in the recipient's language", () => {
      const fr = templates.render('funding', 'fr', { amount: 1498000, dueOn: '2027-06-30' });
      // "1 498 000,00 $US", with whichever no-break spaces the ICU in use puts between the groups.
      expect(fr.text).toContain(`${usd('fr', 1498000)},`);
      expect(usd('fr', 1498000)).toMatch(/^1\s498\s000,00\s\$US$/);
      // render() folds every run of white space in the subject, no-break spaces included, to one space.
      expect(fr.subject).toBe(`Financement de ${usd('fr', 1498000).replace(/\s+/g, ' ')}`);
      expect(fr.html).toContain(`<p>${usd('fr', 1498000)},`);

      const en = templates.render('funding', 'en', { amount: 1498000, dueOn: '2027-06-30' });
      expect(en.text).toMatch(/^\$1,498,000\.00, /);
    });

    it('keeps the cents and reads a numeric string as the amount it spells', () => {
      const cents = templates.render('funding', 'en', { amount: 250000.5, dueOn: '2027-06-30' });
      expect(cents.text).toMatch(/^\$250,000\.50, /);
      const numeric = templates.render('funding', 'fr', { amount: '1498000.00', dueOn: '2027-06-30' });
      expect(numeric.text).toContain(`${usd('fr', 1498000)},`);
    });

    it('renders nothing for a missing or non-numeric amount', () => {
      for (const amount of [null, undefined, '', 'a lot', Number.NaN, Number.POSITIVE_INFINITY, {}]) {
        const email = templates.render('funding', 'en', { amount, dueOn: '2027-06-30' });
        expect(email.text).toMatch(/^, full programme due on June 30, 2027\.$/m);
      }
    });
  });

  describe('date', () => {
    const long = (locale: string, day: string) =>
      new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(day));

    it("formats a calendar date in the recipient's language", () => {
      const en = templates.render('funding', 'en', { amount: 1, dueOn: '2027-06-30' });
      expect(en.text).toContain('full programme due on June 30, 2027.');
      expect(en.html).toContain('full programme due on June 30, 2027.');
      const fr = templates.render('funding', 'fr', { amount: 1, dueOn: '2027-06-30' });
      expect(fr.text).toContain(`attendu le ${long('fr', '2027-06-30')}.`);
      expect(fr.text).toContain('30 juin 2027');
    });

    it("keeps the day whatever the recipient's time zone", () => {
      for (const timeZone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Tokyo', 'America/New_York']) {
        const email = templates.render('funding', 'en', { amount: 1, dueOn: '2027-01-01' }, timeZone);
        expect(email.text).toContain('due on January 1, 2027.');
      }
    });

    it('renders nothing for a missing or malformed date', () => {
      for (const dueOn of [
        null,
        undefined,
        '',
        '2027-02-30',
        '30/06/2027',
        '2027-06-30T00:00:00Z',
        20270630,
      ]) {
        const email = templates.render('funding', 'en', { amount: 1, dueOn });
        expect(email.text).toBe('$1.00, full programme due on .\n');
      }
    });
  });

  it('lays Arabic e-mails out right to left (the real templates)', () => {
    const email = new EmailTemplates().render(
      'invitation',
      'ar',
      {
        name: 'أمينة',
        invitedBy: 'Secretariat',
        expiresAt: '2025-01-15T12:00:00Z',
        secret: { acceptUrl: 'http://mptf.test/accept-invitation?token=abc' },
      },
      'Asia/Riyadh',
    );
    expect(email.locale).toBe('ar');
    expect(email.html).toContain('<html lang="ar" dir="rtl">');
    expect(email.html).toContain('مرحبًا أمينة');
    expect(email.html).toContain('href="http://mptf.test/accept-invitation?token&#x3D;abc"');
    expect(email.text).toContain('تعيين كلمة المرور: http://mptf.test/accept-invitation?token=abc');
  });
});

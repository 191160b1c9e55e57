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

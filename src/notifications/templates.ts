import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { LOCALES, type Locale } from '../common/auth/roles';

export const TEMPLATE_ROOT = join(__dirname, '..', '..', 'templates', 'email');

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  locale: Locale;
}

type Compiled = Handlebars.TemplateDelegate<Record<string, unknown>>;

const RTL: ReadonlySet<Locale> = new Set(['ar']);

/**
 * Intl formatters by their options: building one costs far more than formatting with it (about a
 * quarter of a millisecond, a tenth of the worker's time per e-mail in bench/email-drain.ts).
 */
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${locale}|${JSON.stringify(options)}`;
  let format = formatters.get(key) as Intl.DateTimeFormat | undefined;
  if (!format) formatters.set(key, (format = new Intl.DateTimeFormat(locale, options)));
  return format;
}
function usdFormat(locale: string): Intl.NumberFormat {
  const key = `n|${locale}`;
  let format = formatters.get(key) as Intl.NumberFormat | undefined;
  if (!format)
    formatters.set(key, (format = new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD' })));
  return format;
}

/**
 * E-mail templates under templates/email/<locale>/: `<name>.subject.hbs`, `<name>.html.hbs` and
 * `<name>.text.hbs`, wrapped in the locale's `layout.html.hbs`. A locale that lacks a template
 * falls back to English for that template only.
 */
export class EmailTemplates {
  private readonly cache = new Map<string, Compiled | null>();
  private readonly handlebars = Handlebars.create();

  constructor(private readonly root = TEMPLATE_ROOT) {
    this.handlebars.registerHelper(
      'datetime',
      function (this: unknown, value: unknown, options: Handlebars.HelperOptions) {
        const root = (options.data as { root?: unknown } | undefined)?.root as
          { _locale?: string; _timeZone?: string } | undefined;
        if (typeof value !== 'string' && !(value instanceof Date)) return '';
        const date = new Date(value);
        if (Number.isNaN(date.getTime())) return '';
        // Intl refuses timeZoneName together with dateStyle/timeStyle, so the parts are spelled out.
        return dateTimeFormat(root?._locale ?? 'en', {
          year: 'numeric',
          month: 'long',
          day: 'numeric',
          hour: 'numeric',
          minute: '2-digit',
          timeZone: root?._timeZone ?? 'UTC',
          timeZoneName: 'short',
        }).format(date);
      },
    );
    this.handlebars.registerHelper(
      'money',
      function (this: unknown, value: unknown, options: Handlebars.HelperOptions) {
        const root = (options.data as { root?: unknown } | undefined)?.root as
          { _locale?: string } | undefined;
        // Numeric columns reach the payload as strings ("1498000.00"); both read as an amount of USD.
        const amount = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
        if (typeof amount !== 'number' || !Number.isFinite(amount)) return '';
        return usdFormat(root?._locale ?? 'en').format(amount);
      },
    );
    this.handlebars.registerHelper(
      'date',
      function (this: unknown, value: unknown, options: Handlebars.HelperOptions) {
        const root = (options.data as { root?: unknown } | undefined)?.root as
          { _locale?: string } | undefined;
        // A calendar date ('YYYY-MM-DD'), not an instant: shown as is, whatever the recipient's time zone.
        if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return '';
        const date = new Date(`${value}T00:00:00Z`);
        // Date rolls 2027-02-30 over to 2 March; such a day is refused rather than moved.
        if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) return '';
        return dateTimeFormat(root?._locale ?? 'en', { dateStyle: 'long', timeZone: 'UTC' }).format(date);
      },
    );
  }

  /** A locale has a template only when it has all three parts; otherwise English serves whole. */
  has(locale: Locale, name: string): boolean {
    return ['subject', 'html', 'text'].every((part) => this.compiled(locale, `${name}.${part}`) !== null);
  }

  render(name: string, requested: string, payload: Record<string, unknown>, timeZone = 'UTC'): RenderedEmail {
    const wanted: Locale = (LOCALES as readonly string[]).includes(requested) ? (requested as Locale) : 'en';
    const locale: Locale = this.has(wanted, name) ? wanted : 'en';
    const part = (suffix: string) => {
      const template = this.compiled(locale, `${name}.${suffix}`);
      if (!template) throw new Error(`E-mail template ${locale}/${name}.${suffix}.hbs is missing`);
      return template;
    };
    const data = { ...payload, _locale: locale, _timeZone: timeZone, _dir: RTL.has(locale) ? 'rtl' : 'ltr' };
    const subject = part('subject')(data).replace(/\s+/g, ' ').trim();
    const body = part('html')(data);
    const layout = this.compiled(locale, 'layout.html') ?? this.compiled('en', 'layout.html');
    const html = layout ? layout({ ...data, subject, body: new Handlebars.SafeString(body) }) : body;
    const text = part('text')(data).trim() + '\n';
    return { subject, html, text, locale };
  }

  private compiled(locale: Locale, file: string): Compiled | null {
    const key = `${locale}/${file}`;
    if (!this.cache.has(key)) {
      const path = join(this.root, locale, `${file}.hbs`);
      this.cache.set(
        key,
        existsSync(path)
          ? this.handlebars.compile(readFileSync(path, 'utf8'), { noEscape: !file.endsWith('.html') })
          : null,
      );
    }
    return this.cache.get(key) ?? null;
  }
}

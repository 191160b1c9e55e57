import { createUser, TEST_PASSWORD } from '../harness';
import {
  accessibilityViolations,
  openPage,
  screenshot,
  signIn,
  startBrowserSystem,
  type BrowserSystem,
} from './browser';

/**
 * The application's shell in a real browser: signing in, the language chosen by the profile and
 * switchable, Arabic laid out right-to-left, the server's refusal shown, and the accessibility of
 * these screens (axe-core).
 */
describe('the web application shell', () => {
  let env: BrowserSystem;
  beforeAll(async () => {
    env = await startBrowserSystem();
  });
  afterAll(() => env.close());

  it('signs in and lands on the screen of the role; the sign-in page passes the accessibility check', async () => {
    const user = await createUser(env.system, {
      roles: ['applicant'],
      organizationCode: 'IOM',
      name: 'Amina Haddad',
    });
    const page = await openPage(env);
    await page.goto('/sign-in');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'sign-in-en');
    await page.getByLabel('Language').selectOption('ar');
    await page.getByRole('heading', { name: 'تسجيل الدخول' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'sign-in-ar');
    await page.getByLabel('اللغة').selectOption('en');
    await signIn(page, user.email);
    expect(new URL(page.url()).pathname).toBe('/concept-notes');
    await expect(page.getByRole('navigation', { name: 'Main navigation' }).isVisible()).resolves.toBe(true);
    await page.context().close();
  });

  it('shows the server’s message when the sign-in is refused, and stays on the page', async () => {
    const user = await createUser(env.system, { roles: ['reviewer'] });
    const page = await openPage(env);
    await page.goto('/sign-in');
    await page.getByLabel('E-mail').fill(user.email);
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/e-mail or password/i);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.context().close();
  });

  it('sends someone who is not signed in to the sign-in page and back where they were going', async () => {
    const user = await createUser(env.system, { roles: ['applicant'], organizationCode: 'IOM' });
    const page = await openPage(env);
    await page.goto('/profile');
    await page.waitForURL(/\/sign-in\?next=%2Fprofile/);
    await page.getByLabel('E-mail').fill(user.email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/profile$/);
    await page.context().close();
  });

  it('speaks the profile’s language: Arabic lays the whole page out right-to-left', async () => {
    const user = await createUser(env.system, {
      roles: ['steering_committee'],
      locale: 'ar',
      name: 'ليلى منصور',
    });
    const page = await openPage(env);
    await signIn(page, user.email);
    await page.waitForFunction("document.documentElement.dir === 'rtl'");
    expect(await page.evaluate<string>('document.documentElement.lang')).toBe('ar');
    expect(await page.evaluate<string>('getComputedStyle(document.body).direction')).toBe('rtl');
    const nav = page.getByRole('navigation', { name: 'التنقل الرئيسي' });
    await nav.waitFor();
    // Right-to-left: the brand sits at the right edge, the sign-out at the left.
    const brand = await page.locator('.brand').boundingBox();
    const signOut = await page.getByRole('button', { name: 'تسجيل الخروج' }).boundingBox();
    expect(brand!.x).toBeGreaterThan(signOut!.x);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await screenshot(page, 'meetings-ar');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('switches the language from the header and keeps it in the profile', async () => {
    const user = await createUser(env.system, { roles: ['applicant'], organizationCode: 'IOM' });
    const page = await openPage(env);
    await signIn(page, user.email);
    await page.getByLabel('Language').selectOption('fr');
    await page.getByRole('navigation', { name: 'Navigation principale' }).waitFor();
    await page.waitForFunction("document.documentElement.lang === 'fr'");
    const [row] = await env.system.dataSource.query(`SELECT locale FROM users WHERE id = $1`, [user.id]);
    expect(row.locale).toBe('fr');
    await page.goto('/profile');
    await page.getByRole('heading', { name: 'Mon profil' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.context().close();
  });
});

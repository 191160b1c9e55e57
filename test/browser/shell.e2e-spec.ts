import { createUser, TEST_PASSWORD } from '../harness';
import {
  accessibilityViolations,
  chooseLanguage,
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
    await page.locator('html[dir="rtl"]').waitFor({ state: 'attached' });
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
    await chooseLanguage(page, 'Language', 'fr');
    await page.getByRole('navigation', { name: 'Navigation principale' }).waitFor();
    await page.locator('html[lang="fr"]').waitFor({ state: 'attached' });
    const [row] = await env.system.dataSource.query(`SELECT locale FROM users WHERE id = $1`, [user.id]);
    expect(row.locale).toBe('fr');
    await page.goto('/profile');
    await page.getByRole('heading', { name: 'Mon profil' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('resets a forgotten password from the sign-in page through the e-mailed link, and signs in with it', async () => {
    const user = await createUser(env.system, { roles: ['applicant'], organizationCode: 'IOM' });
    const page = await openPage(env);
    await page.goto('/sign-in');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByRole('heading', { name: 'Forgot your password' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByLabel(/^E-mail( \*)?$/).fill(user.email);
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await page.getByRole('status').filter({ hasText: 'is on its way' }).waitFor();

    await env.system.smtp.waitFor(() => env.system.smtp.to(user.email).length > 0);
    const link = /http:\/\/mptf\.test(\/reset-password\?token=[A-Za-z0-9_-]+)/.exec(
      env.system.smtp.to(user.email)[0].text,
    );
    expect(link).not.toBeNull();
    await page.goto(link![1]);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByLabel(/^New password( \*)?$/).fill('short');
    await page.getByLabel(/^Repeat the password( \*)?$/).fill('short');
    await page.getByRole('button', { name: 'Save the password and sign in' }).click();
    // The server's refusal next to the field it names.
    await page.getByText('must be between 12 and 256 characters').waitFor();
    await page.getByLabel(/^New password( \*)?$/).fill('remembered at last, for good');
    await page.getByLabel(/^Repeat the password( \*)?$/).fill('remembered at last, for good');
    await page.getByRole('button', { name: 'Save the password and sign in' }).click();
    await page.waitForURL(/\/concept-notes$/);
    await page.context().close();

    // The link is spent; the new password signs in.
    const again = await openPage(env);
    await again.goto(link![1]);
    await again.getByLabel(/^New password( \*)?$/).fill('and yet another passphrase');
    await again.getByLabel(/^Repeat the password( \*)?$/).fill('and yet another passphrase');
    await again.getByRole('button', { name: 'Save the password and sign in' }).click();
    await again.getByRole('link', { name: 'Ask for a new link' }).waitFor();
    await signIn(again, user.email, 'remembered at last, for good');
    expect(new URL(again.url()).pathname).toBe('/concept-notes');
    await again.context().close();
  });
});

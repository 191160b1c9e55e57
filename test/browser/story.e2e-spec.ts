import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { CutoffService } from '../../src/meetings/cutoff.service';
import { createUser, TestClock } from '../harness';
import { PDF_BYTES } from '../factories';
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
 * The whole story through the screens, in Chromium: an applicant drafts a multi-country concept note
 * and asks for endorsement, the two Resident Coordinators endorse it, the secretariat creates a
 * meeting, screens the note and assigns a reviewer (a conflicted one is not offered), the reviewer
 * scores it, the secretariat records the decision, releases it and downloads the packet. Every
 * screen on the way passes axe-core with no serious or critical violation. The only step not taken
 * in a browser is time passing: the application clock moves past the cut-off and the cut-off job
 * closes the agenda.
 */
/** The text of the messages a control points at (aria-describedby): what a screen reader reads with it. */
async function messageOf(page: Page, control: Locator): Promise<string> {
  const ids = ((await control.getAttribute('aria-describedby')) ?? '').split(/\s+/).filter(Boolean);
  const texts = await Promise.all(
    ids.map((id) => page.locator(`[id="${id}"].field-error`).allTextContents()),
  );
  return texts.flat().join(' ').trim();
}

/** The control labelled exactly `label` (a required field's label ends with an asterisk). */
function byLabel(page: Page, label: string) {
  return page.getByLabel(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\*)?$`));
}

describe('the story of a concept note, in a browser', () => {
  const clock = new TestClock(new Date('2031-01-05T09:00:00.000Z'));
  let env: BrowserSystem;
  const people: Record<string, { email: string }> = {};
  let noteId = '';
  let noteTitle = '';
  let meetingId = '';
  const violations: string[] = [];

  /** axe-core on the page as it is now; the violations are gathered and checked at the end. */
  async function check(page: Page, screen: string): Promise<void> {
    for (const v of await accessibilityViolations(page)) violations.push(`${screen}: ${v}`);
  }

  beforeAll(async () => {
    env = await startBrowserSystem(clock);
    const s = env.system;
    people.applicant = await createUser(s, {
      roles: ['applicant'],
      organizationCode: 'IOM',
      name: 'Ana Petrović',
    });
    people.rcSerbia = await createUser(s, {
      roles: ['resident_coordinator'],
      countryCodes: ['SRB'],
      name: 'Marko Jovanović',
    });
    people.rcMacedonia = await createUser(s, {
      roles: ['resident_coordinator'],
      countryCodes: ['MKD'],
      name: 'Elena Stojanovska',
    });
    people.secretariat = await createUser(s, { roles: ['secretariat'], name: 'Sofía Ramírez' });
    people.reviewer = await createUser(s, {
      roles: ['reviewer'],
      organizationCode: 'UNHCR',
      thematicAreaCodes: ['TA2'],
      name: 'Kwame Mensah',
    });
    people.conflicted = await createUser(s, {
      roles: ['reviewer'],
      organizationCode: 'ILO',
      thematicAreaCodes: ['TA2'],
      name: 'Ingrid Conflicted',
    });
    people.committee = await createUser(s, { roles: ['steering_committee'], name: 'Committee Member' });
  });
  afterAll(() => env.close());

  it('an applicant drafts a multi-country note on the template and asks for endorsement', async () => {
    const page = await openPage(env);
    await signIn(page, people.applicant.email);
    await page.getByRole('link', { name: 'New concept note' }).click();
    await page.getByRole('heading', { name: 'New concept note', level: 1 }).waitFor();
    noteTitle = 'Safe labour migration corridors in the Western Balkans';
    const field = (label: string) => byLabel(page, label);
    await field('Title').fill(noteTitle);
    await field('Summary').fill('Joint programme for fair recruitment and protection of migrant workers.');
    await field('Scope').selectOption('multi_country');
    await field('Find a country').fill('Serbia');
    await page.getByRole('checkbox', { name: /Serbia \(SRB\)/ }).check();
    await field('Find a country').fill('North Macedonia');
    await page.getByRole('checkbox', { name: /North Macedonia \(MKD\)/ }).check();
    await field('Find a country').fill('');
    await field('Primary thematic area').selectOption('TA2');
    await page.getByRole('checkbox', { name: /^Objective 2:/ }).check();
    await field('Convening organization').selectOption('IOM');
    if (!(await field('Participating organization 1').count())) {
      await page.getByRole('button', { name: 'Add a participating organization' }).click();
    }
    await field('Participating organization 1').selectOption('IOM');
    await field('Direct costs in USD, organization 1').fill('1000000');
    if (!(await field('Participating organization 2').count())) {
      await page.getByRole('button', { name: 'Add a participating organization' }).click();
    }
    await field('Participating organization 2').selectOption('ILO');
    await field('Direct costs in USD, organization 2').fill('500000');
    await field('Total budget (USD)').fill('1605000');
    await field('Implementing partners').fill('Serbian Commissariat for Refugees and Migration');
    await field('Duration (months)').fill('24');
    for (const marker of ['Gender', 'Human rights', 'Child sensitivity']) {
      await field(`${marker} marker (0–3)`).selectOption('2');
      await field(`${marker} justification`).fill(
        `The programme addresses ${marker.toLowerCase()} throughout.`,
      );
    }
    for (const section of [
      'Beneficiaries',
      'Theory of change',
      'Expected results',
      'Sustainability',
      'Risks and mitigation',
    ]) {
      await field(section).fill(`${section}: what the programme does about it, in detail.`);
    }
    await screenshot(page, 'note-form-en');
    await check(page, 'concept-note form');
    await page.getByRole('button', { name: 'Save draft' }).first().click();
    await page.waitForURL(/\/concept-notes\/[0-9a-f-]{36}/);
    noteId = /\/concept-notes\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    await page.getByText('The draft is saved.').waitFor();
    await page.goto(`/concept-notes/${noteId}`);
    await page.getByRole('heading', { name: noteTitle, level: 1 }).waitFor();
    await check(page, 'concept note');

    // The template, then the endorsement request.
    await page.getByRole('link', { name: 'Attachments' }).click();
    await field('Kind of attachment').selectOption('template');
    await field('File').setInputFiles({
      name: 'concept-note-template.pdf',
      mimeType: 'application/pdf',
      buffer: PDF_BYTES,
    });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.getByText('concept-note-template.pdf is uploaded.').waitFor();
    await check(page, 'attachments');
    await page.getByRole('link', { name: 'Endorsement' }).click();
    await page.getByRole('button', { name: 'Request endorsement' }).click();
    await page.getByText('Endorsement is requested from the Resident Coordinators.').waitFor();
    await check(page, 'endorsement');
    const [row] = await env.system.dataSource.query(
      `SELECT status, country_codes FROM concept_notes WHERE id = $1`,
      [noteId],
    );
    expect(row.status).toBe('awaiting_endorsement');
    await page.context().close();
  });

  it('the Resident Coordinators of Serbia and North Macedonia endorse it, which submits it', async () => {
    for (const [who, last] of [
      ['rcSerbia', false],
      ['rcMacedonia', true],
    ] as const) {
      const page = await openPage(env);
      await signIn(page, people[who].email);
      await page
        .getByRole('link', { name: new RegExp(noteTitle) })
        .first()
        .click();
      await page.getByRole('heading', { name: noteTitle, level: 1 }).waitFor();
      await byLabel(page, 'Endorsement comment').fill('The Government supports this programme.');
      await check(page, `endorsement by ${who}`);
      await page.getByRole('button', { name: 'Endorse', exact: true }).click();
      await page.getByText(last ? /Every country is now covered/ : 'Your endorsement is recorded.').waitFor();
      if (last) await screenshot(page, 'note-en');
      await page.context().close();
    }
    const [row] = await env.system.dataSource.query(
      `SELECT status, reference_code FROM concept_notes WHERE id = $1`,
      [noteId],
    );
    expect(row).toEqual({ status: 'submitted', reference_code: expect.stringMatching(/^MIG-CN-2031-\d+$/) });
  });

  it('the secretariat creates a meeting in its time zone, screens the note and assigns a reviewer', async () => {
    const page = await openPage(env);
    await signIn(page, people.secretariat.email);
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await screenshot(page, 'dashboard-en');
    await check(page, 'dashboard');

    await page.goto('/meetings/new');
    await page.getByLabel('Title').fill('Steering Committee, April 2031');
    await page.getByLabel('Kind').selectOption('virtual');
    await page.getByLabel('Start (local date and time)').fill('2031-04-15T10:00');
    await page.getByLabel('Time zone').selectOption('Europe/Zurich');
    await page.getByLabel('Funding envelope (USD)').fill('5000000');
    await check(page, 'new meeting');
    await page.getByRole('button', { name: 'Create meeting' }).click();
    await page.getByRole('heading', { name: /Meeting created/ }).waitFor();
    await page.getByRole('link', { name: 'Open the meeting' }).click();
    await page.waitForURL(/\/meetings\/[0-9a-f-]{36}$/);
    meetingId = /\/meetings\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    const [target] = await env.system.dataSource.query(
      `SELECT target_meeting_id FROM concept_notes WHERE id = $1`,
      [noteId],
    );
    expect(target.target_meeting_id).toBe(meetingId);

    await page.goto(`/concept-notes/${noteId}/screening`);
    await page.getByRole('button', { name: 'Mark every criterion as pass' }).click();
    await page.getByRole('radio', { name: 'Eligible', exact: true }).check();
    await screenshot(page, 'screening-en');
    await check(page, 'screening');
    await page.getByRole('button', { name: 'Record screening' }).click();
    await page.getByText(/Screening recorded/).waitFor();

    await page.goto(`/concept-notes/${noteId}/reviewers`);
    const suggestions = page.getByRole('table', { name: /Suggested reviewers/ });
    await suggestions.waitFor();
    expect(await suggestions.textContent()).toContain('Kwame Mensah');
    // A reviewer from a participating organization (ILO) is conflicted: never offered.
    expect(await suggestions.textContent()).not.toContain('Ingrid Conflicted');
    await byLabel(page, 'Due date').first().fill('2031-02-20');
    await screenshot(page, 'reviewers-en');
    await check(page, 'reviewer assignment');
    await page.getByRole('button', { name: 'Assign Kwame Mensah' }).click();
    await page.getByText(/Kwame Mensah is assigned/).waitFor();
    await page.context().close();
  });

  it('the reviewer scores every criterion, saves a draft and submits', async () => {
    const page = await openPage(env);
    await signIn(page, people.reviewer.email);
    await page.goto('/review-assignments');
    await page.getByRole('heading', { name: 'My review assignments', level: 1 }).waitFor();
    await page
      .getByRole('link', { name: /Start review/ })
      .first()
      .click();
    await page.getByRole('heading', { name: /Review:/, level: 1 }).waitFor();
    const criteria = page.locator('fieldset').filter({ has: page.locator('legend', { hasText: ' — ' }) });
    const count = await criteria.count();
    expect(count).toBeGreaterThan(2);
    for (let i = 0; i < count; i++) {
      await criteria.nth(i).getByRole('radio').last().check();
    }
    await page.getByRole('radio', { name: 'Approve for the pipeline' }).check();
    await byLabel(page, 'Overall comment').fill('A coherent joint programme with clear results.');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText(/Draft saved/).waitFor();
    await screenshot(page, 'review-en');
    await check(page, 'scoring form');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Submit review' }).click();
    await page.getByText('Your review has been submitted.').waitFor();
    await page.context().close();
  });

  it('the secretariat closes the reviews, decides after the cut-off, releases and downloads the packet', async () => {
    const page = await openPage(env);
    await signIn(page, people.secretariat.email);
    await page.goto(`/concept-notes/${noteId}/reviews`);
    await page
      .getByText(/Weighted score/)
      .first()
      .waitFor();
    await byLabel(page, 'Reason for closing').fill('One thorough review is enough for this round.');
    await check(page, 'reviews overview');
    await page.getByRole('button', { name: 'Close reviews' }).click();
    await page.getByText(/Reviews closed/).waitFor();

    // Time passes: the cut-off job closes the agenda.
    const [meeting] = await env.system.dataSource.query(`SELECT cutoff_at FROM meetings WHERE id = $1`, [
      meetingId,
    ]);
    const cutoff = new Date(meeting.cutoff_at).getTime();
    clock.set(new Date(cutoff + 60_000));
    await env.system.app.get(CutoffService).closeAgenda(meetingId, cutoff);

    await page.goto(`/meetings/${meetingId}`);
    await page.getByRole('heading', { name: 'Decisions', exact: true }).waitFor();
    await byLabel(page, 'Outcome').selectOption('funded');
    await byLabel(page, 'Rationale').fill('Strong joint programme, within the envelope.');
    // A date before the application clock's today (2031) is refused: the server's message shows
    // next to the field, tied to it for screen readers, and nothing is recorded.
    const due = page.getByLabel('Full programme due on');
    await due.fill('2030-06-30');
    await page.getByRole('button', { name: 'Save draft decision' }).click();
    await page.locator('.field-error', { hasText: 'must not be in the past' }).waitFor();
    expect(await messageOf(page, due)).toBe('must not be in the past');
    expect(await due.getAttribute('aria-invalid')).toBe('true');
    const [{ n: drafts }] = await env.system.dataSource.query(
      `SELECT count(*)::int AS n FROM decisions WHERE meeting_id = $1`,
      [meetingId],
    );
    expect(drafts).toBe(0);
    await check(page, 'decision refused');
    await due.fill('2031-10-15');
    await page.getByRole('button', { name: 'Save draft decision' }).click();
    await page
      .getByText(/Draft decision saved/)
      .waitFor()
      .catch(async (error: unknown) => {
        throw new Error(
          `${String(error)}\n${(await page.locator('.problem, .field-error').allTextContents()).join('\n')}`,
        );
      });
    await page.getByRole('button', { name: 'Release all draft decisions' }).click();
    await page.getByText(/Decisions released: 1/).waitFor();
    await page.getByRole('button', { name: 'Generate packet' }).click();
    const download = page.waitForEvent('download', { timeout: 60_000 });
    await page.getByRole('button', { name: 'Download packet' }).click({ timeout: 60_000 });
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.pdf$/);
    const path = await file.path();
    expect(readFileSync(path).subarray(0, 5).toString()).toBe('%PDF-');
    await screenshot(page, 'meeting-en');
    await check(page, 'meeting');
    const [row] = await env.system.dataSource.query(`SELECT status FROM concept_notes WHERE id = $1`, [
      noteId,
    ]);
    expect(row.status).toBe('funded');
    await page.context().close();
  });

  it('shows the same screens in Arabic, right-to-left', async () => {
    const [assignment] = await env.system.dataSource.query(
      `SELECT id FROM review_assignments WHERE note_id = $1`,
      [noteId],
    );
    const screens: [string, string, string][] = [
      ['applicant', '/concept-notes/new', 'note-form'],
      ['applicant', `/concept-notes/${noteId}`, 'note'],
      ['secretariat', '/dashboard', 'dashboard'],
      ['secretariat', `/concept-notes/${noteId}/screening`, 'screening'],
      ['secretariat', `/concept-notes/${noteId}/reviewers`, 'reviewers'],
      ['reviewer', `/review-assignments/${assignment.id}`, 'review'],
      ['secretariat', `/meetings/${meetingId}`, 'meeting'],
    ];
    const pages = new Map<string, Page>();
    for (const [who, url, name] of screens) {
      let page = pages.get(who);
      if (!page) {
        page = await openPage(env, 'en-GB', 'Asia/Amman');
        await signIn(page, people[who].email);
        await chooseLanguage(page, 'Language', 'ar');
        await page.locator('html[dir="rtl"]').waitFor({ state: 'attached' });
        pages.set(who, page);
      }
      await page.goto(url);
      await page.locator('html[dir="rtl"]').waitFor({ state: 'attached' });
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      expect(await page.evaluate<string>('getComputedStyle(document.body).direction')).toBe('rtl');
      // Translated: the navigation, and the page heading unless it is the note's or meeting's own title.
      await page.getByRole('navigation', { name: 'التنقل الرئيسي' }).waitFor();
      const heading = (await page.getByRole('heading', { level: 1 }).textContent()) ?? '';
      const ownTitle = heading.includes(noteTitle) || heading.includes('Steering Committee, April 2031');
      expect({ screen: name, translated: ownTitle || /\p{Script=Arabic}/u.test(heading) }).toEqual({
        screen: name,
        translated: true,
      });
      await screenshot(page, `${name}-ar`);
      await check(page, `${name} (Arabic)`);
    }
    for (const page of pages.values()) await page.context().close();
  });

  it('passes the accessibility check on every screen of the story', () => {
    expect(violations).toEqual([]);
  });
});

import type { ScreeningCriterion } from '../reference-data/reference.entity';
import {
  completeChecklist,
  resultingStatus,
  screeningAction,
  technicalRevisionDue,
  type AutomaticCheck,
} from './screening.rules';

const criteria: ScreeningCriterion[] = [
  { code: 'E1', title: 'Endorsed', automatic: true },
  { code: 'E2', title: 'Joint', automatic: true },
  { code: 'E9', title: 'Ownership', automatic: false },
];
const automatic: AutomaticCheck[] = [
  { code: 'E1', outcome: 'pass', reasons: [] },
  { code: 'E2', outcome: 'fail', reasons: ['one organization', 'convening missing'] },
];

describe('screeningAction and resultingStatus', () => {
  it.each([
    ['eligible', true, 'screen_eligible', 'in_review'],
    ['eligible', false, 'skip_review', 'ready_for_committee'],
    ['ineligible', true, 'screen_ineligible', 'ineligible'],
    ['revision_requested', true, 'request_revision', 'revision_requested'],
  ] as const)('%s (review again: %s) takes %s to %s', (outcome, again, action, status) => {
    expect(screeningAction(outcome, again)).toBe(action);
    expect(resultingStatus(outcome, again)).toBe(status);
  });
});

describe('completeChecklist', () => {
  it('pre-fills the automatic criteria left out, in the order of the set, with the reasons of a failure', () => {
    const result = completeChecklist(
      criteria,
      [{ code: 'E9', result: 'pass', comment: '  letter seen ' }],
      automatic,
    );
    expect(result).toEqual({
      ok: true,
      checklist: [
        { code: 'E1', result: 'pass', comment: null, automatic: true },
        { code: 'E2', result: 'fail', comment: 'one organization; convening missing', automatic: true },
        { code: 'E9', result: 'pass', comment: 'letter seen', automatic: false },
      ],
    });
  });

  it('lets the secretariat override an automatic criterion', () => {
    const result = completeChecklist(
      criteria,
      [
        { code: 'E2', result: 'n.a.' },
        { code: 'E9', result: 'fail', comment: '' },
      ],
      automatic,
    );
    expect(result.ok && result.checklist[1]).toEqual({
      code: 'E2',
      result: 'n.a.',
      comment: null,
      automatic: false,
    });
    expect(result.ok && result.checklist[2].comment).toBeNull();
  });

  it('counts a pending automatic check as failed', () => {
    const result = completeChecklist(
      criteria,
      [{ code: 'E9', result: 'pass' }],
      [{ code: 'E1', outcome: 'pending', reasons: ['awaiting SRB'] }, automatic[1]],
    );
    expect(result.ok && result.checklist[0]).toEqual({
      code: 'E1',
      result: 'fail',
      comment: 'awaiting SRB',
      automatic: true,
    });
  });

  it('names missing manual criteria, automatic criteria without a check, unknown and repeated codes', () => {
    expect(completeChecklist(criteria, [], automatic)).toEqual({
      ok: false,
      missing: ['E9'],
      unknown: [],
      repeated: [],
    });
    expect(completeChecklist(criteria, [{ code: 'E9', result: 'pass' }], [automatic[0]])).toEqual({
      ok: false,
      missing: ['E2'],
      unknown: [],
      repeated: [],
    });
    expect(
      completeChecklist(
        criteria,
        [
          { code: 'E9', result: 'pass' },
          { code: 'E9', result: 'fail' },
          { code: 'X1', result: 'pass' },
        ],
        automatic,
      ),
    ).toEqual({ ok: false, missing: [], unknown: ['X1'], repeated: ['E9'] });
  });
});

describe('technicalRevisionDue', () => {
  it('adds whole days to the instant of the request', () => {
    expect(technicalRevisionDue(new Date('2026-11-02T09:00:00.000Z'), 10).toISOString()).toBe(
      '2026-11-12T09:00:00.000Z',
    );
  });
});

/**
 * Plain data for the PDF renderers (src/packets): notes in every script the Fund receives, their
 * screening and anonymized reviews, and packets of any size. Used by the specs and the benchmark.
 */
import { share, sharesTotal } from '../src/concept-notes/concept-note.rules';
import type { NoteRevisionData } from '../src/packets/note-pdf';
import type { PacketData, PacketItem, PacketReviews, PacketScreening } from '../src/packets/packet-pdf';

export const TITLES = {
  arabic: 'برنامج الهجرة الآمنة',
  chinese: '安全移民项目',
  russian: 'Программа безопасной миграции',
  english: 'Safe and regular labour migration pathways in the Western Balkans',
};

/** One line mixing Latin, Arabic and Cyrillic runs. */
export const MIXED = `Safe migration ${TITLES.arabic} and ${TITLES.russian}`;

const VOCABULARY = (
  'migrants communities governments partners labour mobility protection returnees reintegration ' +
  'border management data evidence climate displacement children women rights services local ' +
  'authorities civil society diaspora remittances skills recruitment coordination capacity'
).split(' ');

/** `count` distinct words ("migrants1 communities2 …"), so a test can check each one and their order. */
export function numberedWords(count: number): string {
  const words: string[] = [];
  for (let i = 1; i <= count; i++) words.push(`${VOCABULARY[i % VOCABULARY.length]}${i}`);
  return words.join(' ');
}

/** Realistic prose of about `count` words, in sentences and paragraphs. */
export function prose(count: number, seed = 1): string {
  const paragraphs: string[] = [];
  let sentence: string[] = [];
  let paragraph: string[] = [];
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    sentence.push(VOCABULARY[state % VOCABULARY.length]);
    if (sentence.length >= 8 + (state % 9)) {
      const text = sentence.join(' ');
      paragraph.push(text.charAt(0).toUpperCase() + text.slice(1) + '.');
      sentence = [];
      if (paragraph.length >= 5) {
        paragraphs.push(paragraph.join(' '));
        paragraph = [];
      }
    }
  }
  if (sentence.length > 0) paragraph.push(sentence.join(' ') + '.');
  if (paragraph.length > 0) paragraphs.push(paragraph.join(' '));
  return paragraphs.join('\n');
}

export function noteRevision(sequence: number, overrides: Partial<NoteRevisionData> = {}): NoteRevisionData {
  const shares = [
    share('IOM', '600000', 0.07),
    share('UNDP', '400000', 0.07),
    share('ILO', '150000.50', 0.07),
  ];
  return {
    referenceCode: `MIG-CN-2026-${String(sequence).padStart(4, '0')}`,
    revisionNumber: 2,
    frozenAt: new Date('2026-11-03T09:15:00Z'),
    status: 'ready_for_committee',
    title: `${TITLES.english} (${sequence})`,
    summary: `The joint programme ${sequence} strengthens safe, orderly and regular migration. ${prose(120, sequence)}`,
    summaryEn: null,
    language: 'en',
    scope: 'multi_country',
    countryCodes: ['SRB', 'MKD'],
    countryNames: ['Serbia', 'North Macedonia'],
    primaryThematicAreaCode: 'TA2',
    thematicAreaTitle: 'Protecting the human rights of migrants',
    gcmObjectiveNumbers: [2, 7],
    gcmObjectives: [
      { number: 2, title: 'Minimize the adverse drivers and structural factors that compel people to leave' },
      { number: 7, title: 'Address and reduce vulnerabilities in migration' },
    ],
    conveningOrganizationCode: 'IOM',
    participatingOrganizations: shares,
    organizationNames: {
      IOM: 'International Organization for Migration',
      UNDP: 'United Nations Development Programme',
      ILO: 'International Labour Organization',
    },
    totalBudgetUsd: sharesTotal(shares),
    implementingPartners: ['Red Cross of Serbia', 'Migrant Workers Association'],
    durationMonths: 24,
    markers: {
      gender: {
        marker: 2,
        justification: 'Gender analysis informs every output; 40% of the budget targets women.',
      },
      humanRights: {
        marker: 3,
        justification: 'Rights-based approach with migrant participation throughout.',
      },
      childSensitivity: {
        marker: 1,
        justification: 'Child protection referral pathways in two municipalities.',
      },
    },
    beneficiaries: 'Returnees and their families; local authorities. ' + prose(60, sequence + 1),
    theoryOfChange:
      'If local authorities coordinate services, then returnees reintegrate. ' + prose(80, sequence + 2),
    expectedResults: 'Outcome 1: sustainable reintegration. ' + prose(60, sequence + 3),
    sustainability:
      'Municipal budgets take over the services after the second year. ' + prose(40, sequence + 4),
    risks: 'Political turnover; mitigated by agreements with two ministries. ' + prose(40, sequence + 5),
    template: {
      attachmentId: '00000000-0000-4000-8000-000000000001',
      filename: 'concept-note.docx',
      sha256: 'ab'.repeat(32),
    },
    ...overrides,
  };
}

export function screeningResult(): PacketScreening {
  return {
    outcome: 'eligible',
    revisionKind: null,
    points: [],
    screenedAt: new Date('2026-11-10T14:00:00Z'),
    checklist: [
      {
        code: 'E1',
        criterion: 'Submitted through the Resident Coordinator of every country covered',
        result: 'pass',
        comment: null,
      },
      {
        code: 'E2',
        criterion: 'Joint programme: at least two participating UN organizations',
        result: 'pass',
        comment: null,
      },
      {
        code: 'E5',
        criterion: "Total budget within the Fund's band for the note's scope",
        result: 'fail',
        comment: 'Slightly above the band; accepted with a justification.',
      },
      {
        code: 'E9',
        criterion: 'National ownership is evidenced',
        result: 'n.a.',
        comment: 'Letters from both ministries attached.',
      },
    ],
  };
}

export const REVIEW_COMMENTS = [
  'Strong evidence base and a credible theory of change.',
  'Budget for coordination seems high relative to the outputs.',
  'Good participation of migrants in design; sustainability plan is thin.',
];

export function reviewSummary(count = 3): PacketReviews {
  const comments = REVIEW_COMMENTS.slice(0, count).map((overallComment, i) => ({
    weightedScore: 60 + i * 7.5,
    recommendation: (['approve', 'revise', 'fund'] as const)[i % 3],
    overallComment,
    criterionComments: [{ code: 'Q3', comment: `Results framework remark ${i + 1}.` }],
  }));
  return {
    count,
    mean: 67.5,
    median: 67.5,
    spread: 15,
    perCriterion: [
      { code: 'Q1', criterion: 'Relevance: alignment with the targeted GCM objectives', mean: 3.33 },
      { code: 'Q2', criterion: 'Alignment with the ten GCM guiding principles', mean: 2.67 },
      { code: 'Q3', criterion: 'Theory of change and expected results', mean: 3 },
    ],
    closedEarlyReason: null,
    comments,
  };
}

export function packetItem(
  position: number,
  note: NoteRevisionData,
  overrides: Partial<PacketItem> = {},
): PacketItem {
  return {
    position,
    groupLabel:
      position % 2 === 1
        ? 'TA2 — Protecting the human rights of migrants'
        : 'TA4 — Facilitating regular migration',
    noteStatus: 'ready_for_committee',
    lateExceptionReason: null,
    assessment: {
      summary: `Item ${position} meets the eligibility criteria; reviewers agree on relevance.`,
      recommendation: 'Approve for the pipeline.',
    },
    note,
    screening: screeningResult(),
    reviews: reviewSummary(),
    ...overrides,
  };
}

export function packet(items: PacketItem[], overrides: Partial<PacketData> = {}): PacketData {
  return {
    meeting: {
      title: 'Steering Committee — 12th meeting',
      kind: 'in_person',
      startsLocal: '2027-03-10T10:00',
      startsAt: new Date('2027-03-10T09:00:00Z'),
      timeZone: 'Europe/Zurich',
      cutoffAt: new Date('2027-01-27T09:00:00Z'),
      location: 'Palais des Nations, Geneva',
      envelopeUsd: '25000000',
    },
    version: 3,
    generatedAt: new Date('2027-02-24T08:30:00Z'),
    items: items.slice().sort((a, b) => a.position - b.position),
    ...overrides,
  };
}

/** Items in every script, with mixed lines, a late exception and a note not ready. */
export function mixedItems(): PacketItem[] {
  return [
    packetItem(
      1,
      noteRevision(11, {
        title: TITLES.arabic,
        language: 'ar',
        summaryEn: MIXED,
        summary: `ملخص البرنامج. ${TITLES.arabic}.`,
      }),
    ),
    packetItem(
      2,
      noteRevision(12, {
        title: TITLES.chinese,
        language: 'zh',
        summaryEn: 'English summary of the Chinese note.',
        summary: `${TITLES.chinese}的摘要。该项目支持安全、有序和正常的移民。`,
      }),
    ),
    packetItem(
      3,
      noteRevision(13, {
        title: TITLES.russian,
        language: 'ru',
        summaryEn: 'English summary of the Russian note.',
        summary: `${TITLES.russian}: краткое описание.`,
      }),
      {
        lateExceptionReason: 'Resubmitted after a technical revision requested at screening.',
      },
    ),
    packetItem(4, noteRevision(14), { noteStatus: 'in_review', reviews: reviewSummary(1) }),
  ];
}

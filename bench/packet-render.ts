/*
 * Packet rendering: time and peak memory to render the committee packet of a meeting (mixed
 * scripts, long summaries, three reviews each) at several agenda sizes, beside a raw pdf-lib
 * baseline that draws the same text with the same fonts and no layout: naive wrapping by
 * character count, one drawText per line, no bidi, no tables, no page numbers, no outline.
 *
 * Items reach the renderer as they do from PacketDataLoader: the agenda lines first, then each
 * item's content made only when its section is written (renderPacketFrom), so what grows with the
 * agenda is the document itself, not the data held. The sizes tell whether memory stays bounded:
 * peak RSS and the RSS added by rendering at each size, and how much the latter grows from the
 * smallest size to the largest.
 *
 * Each side and size runs in its own process (peak RSS is per process): one cold render (fonts
 * read and parsed, code not yet optimised), then three warm ones, as compiled JavaScript (see
 * compile()).
 *
 *   npm run bench:packet            (BENCH_PACKET_NOTES=50,100,200 to change the sizes)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, type PDFFont } from 'pdf-lib';
import { MIXED, TITLES, noteRevision, packet, packetItem, prose } from '../test/packet-fixtures';
import {
  agendaLine,
  renderPacketFrom,
  type AgendaLine,
  type PacketItem,
  type PacketSource,
} from '../src/packets/packet-pdf';
import { fontkitAdapter, loadFaces } from '../src/packets/pdf/fonts';
import { record } from './record';

const SIZES = (process.env.BENCH_PACKET_NOTES ?? '50,100,200')
  .split(',')
  .map((size) => Number(size.trim()))
  .filter((size) => Number.isInteger(size) && size > 0)
  .sort((a, b) => a - b);
const SUMMARY_WORDS = 1500;
const WARM_RUNS = 3;

/** Words of each script, drawn at random into sentences: varied text, as real summaries are. */
const ARABIC = (
  'يهدف البرنامج إلى دعم الهجرة الآمنة والمنظمة والنظامية وحماية حقوق المهاجرين في المنطقة ' +
  'وتعزيز قدرات السلطات المحلية على تنسيق الخدمات وإعادة الإدماج للعائدين وأسرهم والمجتمعات المضيفة'
).split(' ');
const RUSSIAN = (
  'программа поддерживает безопасную упорядоченную легальную миграцию защищает права мигрантов ' +
  'укрепляет потенциал местных органов власти координирует услуги по реинтеграции возвращающихся семей'
).split(' ');
const CHINESE =
  '该项目 支持 安全 有序 正常 移民 保护 权利 加强 地方 政府 协调 能力 服务 返回者 家庭 社区'.split(' ');

function sentences(vocabulary: string[], words: number, seed: number, space = ' ', stop = '.'): string {
  const out: string[] = [];
  let state = seed;
  let sentence: string[] = [];
  for (let i = 0; i < words; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    sentence.push(vocabulary[state % vocabulary.length]);
    if (sentence.length >= 9 + (state % 7)) {
      out.push(sentence.join(space) + stop);
      sentence = [];
    }
  }
  return [...out, sentence.join(space) + stop].join(space);
}

/** The note at `position` of the agenda: made on demand, as the loader reads it from the database. */
function item(position: number): PacketItem {
  const english = prose(SUMMARY_WORDS, position);
  const variants = [
    { title: `${TITLES.english} (${position})`, language: 'en', summary: english, summaryEn: null },
    {
      title: `${TITLES.arabic} ${position}`,
      language: 'ar',
      summary: sentences(ARABIC, SUMMARY_WORDS, position),
      summaryEn: english,
    },
    {
      title: `${TITLES.chinese} ${position}`,
      language: 'zh',
      summary: sentences(CHINESE, SUMMARY_WORDS, position, '', '。'),
      summaryEn: english,
    },
    {
      title: `${TITLES.russian} ${position}`,
      language: 'ru',
      summary: sentences(RUSSIAN, SUMMARY_WORDS, position),
      summaryEn: english,
    },
    { title: `${MIXED} ${position}`, language: 'en', summary: `${MIXED}. ${english}`, summaryEn: null },
  ];
  return packetItem(position, noteRevision(position, variants[(position - 1) % variants.length]), {
    lateExceptionReason: position % 17 === 0 ? 'Placed by the secretariat after a technical revision.' : null,
    noteStatus: position % 23 === 0 ? 'in_review' : 'ready_for_committee',
  });
}

/**
 * The packet of `notes` items as the service hands it to the renderer: the agenda lines up front
 * (each item made and dropped again, as the loader's one query gives them), the items one by one.
 */
function source(notes: number): PacketSource {
  const positions = Array.from({ length: notes }, (_, i) => i + 1);
  const header = packet([]);
  return {
    ...header,
    agenda: positions.map((position) => agendaLine(item(position))),
    items: (function* () {
      for (const position of positions) yield item(position);
    })(),
  };
}

/** Every string the packet prints, roughly as blocks of text, item by item. */
function* strings(agenda: AgendaLine[], items: Iterable<PacketItem>, title: string): Generator<string> {
  yield title;
  for (const line of agenda) yield `${line.position} ${line.referenceCode} ${line.title}`;
  for (const { note, assessment, screening, reviews, lateExceptionReason } of items) {
    const out: string[] = [];
    out.push(
      `Item ${note.referenceCode}`,
      note.title,
      assessment.summary ?? '',
      assessment.recommendation ?? '',
    );
    out.push(
      note.countryNames.join(', '),
      note.thematicAreaTitle ?? '',
      ...note.gcmObjectives.map((o) => o.title),
    );
    for (const s of note.participatingOrganizations) {
      out.push(`${s.organizationCode} ${s.directCostsUsd} ${s.indirectSupportCostsUsd} ${s.totalUsd}`);
    }
    for (const marker of Object.values(note.markers)) out.push(`${marker.marker} ${marker.justification}`);
    out.push(note.summary, note.summaryEn ?? '');
    for (const entry of screening?.checklist ?? [])
      out.push(`${entry.code} ${entry.criterion} ${entry.result}`);
    for (const c of reviews?.perCriterion ?? []) out.push(`${c.code} ${c.criterion} ${c.mean}`);
    for (const r of reviews?.comments ?? []) out.push(r.overallComment ?? '');
    out.push(lateExceptionReason ?? '');
    yield* out.filter((s) => s !== '');
  }
}

/** The baseline: pdf-lib's own drawText, a line every 90 characters, the CJK font for blocks with CJK. */
async function baseline(packetSource: PacketSource): Promise<Uint8Array> {
  const faces = loadFaces();
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkitAdapter);
  const latin = await doc.embedFont(faces.regular.bytes, { subset: true });
  const cjk = await doc.embedFont(faces.cjk.bytes, { subset: true });
  let page = doc.addPage([595.28, 841.89]);
  let y = 780;
  const draw = (line: string, font: PDFFont) => {
    if (y < 64) {
      page = doc.addPage([595.28, 841.89]);
      y = 780;
    }
    page.drawText(line, { x: 56, y, size: 10, font });
    y -= 14;
  };
  const items = packetSource.items as Iterable<PacketItem>;
  for (const block of strings(packetSource.agenda, items, packetSource.meeting.title)) {
    const font = /[\u3000-\u9fff\uff00-\uffef]/.test(block) ? cjk : latin;
    for (const paragraph of block.split('\n')) {
      for (let i = 0; i < paragraph.length; i += 90) draw(paragraph.slice(i, i + 90), font);
    }
  }
  return doc.save();
}

interface Sample {
  coldMs: number;
  warmMs: number;
  /** Before the first render: Node, the modules, the data. */
  rssBeforeMb: number;
  maxRssMb: number;
  kilobytes: number;
}

/** Renders in this process; the first render's PDF goes to `out` for the parent to count its pages. */
async function child(mode: 'packet' | 'baseline', notes: number, out: string): Promise<Sample> {
  const timed = async () => {
    // A fresh source each time: its items are made as the render reaches them.
    const packetSource = source(notes);
    const start = process.hrtime.bigint();
    const bytes =
      mode === 'packet' ? (await renderPacketFrom(packetSource)).bytes : await baseline(packetSource);
    return { bytes, ms: Number(process.hrtime.bigint() - start) / 1e6 };
  };
  const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
  const cold = await timed();
  const warm: number[] = [];
  for (let i = 0; i < WARM_RUNS; i++) warm.push((await timed()).ms);
  warm.sort((a, b) => a - b);
  writeFileSync(out, cold.bytes);
  return {
    coldMs: cold.ms,
    warmMs: warm[Math.floor(warm.length / 2)],
    rssBeforeMb,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    kilobytes: cold.bytes.length / 1024,
  };
}

/**
 * The bench compiled to JavaScript (type checks skipped), so the measured processes run as the
 * worker does in production: plain Node, no TypeScript compiler in memory.
 */
function compile(): string {
  const root = join(__dirname, '..');
  const out = join(root, 'node_modules', '.cache', 'bench-packet');
  rmSync(out, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [
      require.resolve('typescript/bin/tsc'),
      ...['--outDir', out, '--rootDir', root, '--module', 'commonjs', '--target', 'ES2022'],
      ...['--esModuleInterop', '--resolveJsonModule', '--skipLibCheck', '--noCheck'],
      ...['--experimentalDecorators', '--emitDecoratorMetadata', __filename],
    ],
    { stdio: 'inherit' },
  );
  return join(out, 'bench', 'packet-render.js');
}

async function run(
  script: string,
  mode: 'packet' | 'baseline',
  notes: number,
): Promise<Sample & { pages: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-packet-'));
  try {
    const out = join(dir, `${mode}.pdf`);
    const output = execFileSync(process.execPath, [script, mode, String(notes), out], { encoding: 'utf8' });
    const sample = JSON.parse(output.trim().split('\n').pop() ?? '{}') as Sample;
    const pages = (await PDFDocument.load(readFileSync(out), { updateMetadata: false })).getPageCount();
    return { ...sample, pages };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ratio = (a: number, b: number) => Number((a / Math.max(b, 1)).toFixed(2));
/** a ÷ b for figures below 1 as well (growth factors, megabytes per note); none when b is not positive. */
const quotient = (a: number, b: number) => (b > 0 ? Number((a / b).toFixed(2)) : undefined);
const added = (sample: Sample) => sample.maxRssMb - sample.rssBeforeMb;

async function main(): Promise<void> {
  const mode = process.argv[2];
  if (mode === 'packet' || mode === 'baseline') {
    console.log(JSON.stringify(await child(mode, Number(process.argv[3]), process.argv[4])));
    return;
  }
  if (SIZES.length === 0) throw new Error('BENCH_PACKET_NOTES: give one or more agenda sizes, e.g. 50,200');
  const script = compile();
  const runs: {
    notes: number;
    ours: Awaited<ReturnType<typeof run>>;
    raw: Awaited<ReturnType<typeof run>>;
  }[] = [];
  try {
    for (const notes of SIZES) {
      runs.push({
        notes,
        ours: await run(script, 'packet', notes),
        raw: await run(script, 'baseline', notes),
      });
    }
  } finally {
    rmSync(join(script, '..', '..'), { recursive: true, force: true });
  }
  for (const { notes, ours, raw } of runs) {
    console.log(
      `${notes} notes: packet ${ours.pages} pages, ${Math.round(ours.kilobytes)} KB, peak RSS ${Math.round(ours.maxRssMb)} MB, ` +
        `RSS added ${Math.round(added(ours))} MB; baseline ${raw.pages} pages, ${Math.round(raw.kilobytes)} KB, ` +
        `peak RSS ${Math.round(raw.maxRssMb)} MB, RSS added ${Math.round(added(raw))} MB`,
    );
  }
  // The time goal is the one set for a 100-note agenda; memory must stay under its goal at every size.
  const timeGoal = (notes: number) => (notes === 100 ? '≤ 3000 ms' : undefined);
  const figures: Parameters<typeof record>[0] = runs.flatMap(({ notes, ours, raw }) => [
    {
      name: `packet render, ${notes} notes (cold, first in process)`,
      value: Math.round(ours.coldMs),
      unit: 'ms',
      baseline: Math.round(raw.coldMs),
      ratio: ratio(ours.coldMs, raw.coldMs),
      goal: timeGoal(notes),
    },
    {
      name: `packet render, ${notes} notes (warm, median of ${WARM_RUNS})`,
      value: Math.round(ours.warmMs),
      unit: 'ms',
      baseline: Math.round(raw.warmMs),
      ratio: ratio(ours.warmMs, raw.warmMs),
      goal: timeGoal(notes),
    },
    {
      name: `packet render, ${notes} notes (peak RSS)`,
      value: Math.round(ours.maxRssMb),
      unit: 'MB',
      baseline: Math.round(raw.maxRssMb),
      ratio: ratio(ours.maxRssMb, raw.maxRssMb),
      goal: '≤ 300 MB',
    },
    {
      name: `packet render, ${notes} notes (RSS added by rendering)`,
      value: Math.round(added(ours)),
      unit: 'MB',
      baseline: Math.round(added(raw)),
      ratio: ratio(added(ours), added(raw)),
    },
    {
      name: `packet render, ${notes} notes (pages)`,
      value: ours.pages,
      unit: 'pages',
    },
  ]);
  if (runs.length >= 2) {
    // How memory grows with the agenda: RSS added at the largest size over that at the smallest,
    // beside the growth of the agenda itself (and of the baseline's).
    const small = runs[0];
    const large = runs[runs.length - 1];
    const growth = (a: Sample, b: Sample) => quotient(added(a), added(b)) ?? 0;
    const perNote = (a: Sample, b: Sample) =>
      Number(((added(a) - added(b)) / (large.notes - small.notes)).toFixed(2));
    figures.push(
      {
        name: `packet render, RSS added at ${large.notes} notes ÷ at ${small.notes} notes`,
        value: growth(large.ours, small.ours),
        unit: '×',
        baseline: growth(large.raw, small.raw),
        ratio: quotient(growth(large.ours, small.ours), growth(large.raw, small.raw)),
        goal: `< ${quotient(large.notes, small.notes)} × (the agenda's growth)`,
      },
      {
        name: `packet render, RSS added per further note (${small.notes} → ${large.notes} notes)`,
        value: perNote(large.ours, small.ours),
        unit: 'MB',
        baseline: perNote(large.raw, small.raw),
        ratio: quotient(perNote(large.ours, small.ours), perNote(large.raw, small.raw)),
      },
    );
  }
  record(figures);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

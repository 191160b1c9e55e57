/*
 * Packet rendering: time and peak memory to render the committee packet of a meeting with 100
 * notes (mixed scripts, long summaries, three reviews each), beside a raw pdf-lib baseline that
 * draws the same text with the same fonts and no layout: naive wrapping by character count, one
 * drawText per line, no bidi, no tables, no page numbers, no outline.
 *
 * Each side runs in its own process (peak RSS is per process): one cold render (fonts read and
 * parsed, code not yet optimised), then three warm ones, as compiled JavaScript (see compile()).
 *
 *   npm run bench:packet            (BENCH_NOTES=… to change the size)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, type PDFFont } from 'pdf-lib';
import { MIXED, TITLES, noteRevision, packet, packetItem, prose } from '../test/packet-fixtures';
import { renderPacketPdf, type PacketData } from '../src/packets/packet-pdf';
import { fontkitAdapter, loadFaces } from '../src/packets/pdf/fonts';
import { record } from './record';

const NOTES = Number(process.env.BENCH_NOTES ?? 100);
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

function data(): PacketData {
  const items = Array.from({ length: NOTES }, (_, i) => {
    const position = i + 1;
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
    return packetItem(position, noteRevision(position, variants[i % variants.length]), {
      lateExceptionReason:
        position % 17 === 0 ? 'Placed by the secretariat after a technical revision.' : null,
      noteStatus: position % 23 === 0 ? 'in_review' : 'ready_for_committee',
    });
  });
  return packet(items);
}

/** Every string the packet prints, roughly as blocks of text. */
function strings(packetData: PacketData): string[] {
  const out: string[] = [packetData.meeting.title, `Committee packet, version ${packetData.version}`];
  for (const item of packetData.items)
    out.push(`${item.position} ${item.note.referenceCode} ${item.note.title}`);
  for (const { note, assessment, screening, reviews, lateExceptionReason } of packetData.items) {
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
  }
  return out.filter((s) => s !== '');
}

/** The baseline: pdf-lib's own drawText, a line every 90 characters, the CJK font for blocks with CJK. */
async function baseline(packetData: PacketData): Promise<Uint8Array> {
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
  for (const block of strings(packetData)) {
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
async function child(mode: 'packet' | 'baseline', out: string): Promise<Sample> {
  const packetData = data();
  const timed = async () => {
    const start = process.hrtime.bigint();
    const bytes = mode === 'packet' ? await renderPacketPdf(packetData) : await baseline(packetData);
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

async function run(script: string, mode: 'packet' | 'baseline'): Promise<Sample & { pages: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-packet-'));
  try {
    const out = join(dir, `${mode}.pdf`);
    const output = execFileSync(process.execPath, [script, mode, out], { encoding: 'utf8' });
    const sample = JSON.parse(output.trim().split('\n').pop() ?? '{}') as Sample;
    const pages = (await PDFDocument.load(readFileSync(out), { updateMetadata: false })).getPageCount();
    return { ...sample, pages };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  if (mode === 'packet' || mode === 'baseline') {
    console.log(JSON.stringify(await child(mode, process.argv[3])));
    return;
  }
  const script = compile();
  let ours: Awaited<ReturnType<typeof run>>;
  let raw: Awaited<ReturnType<typeof run>>;
  try {
    ours = await run(script, 'packet');
    raw = await run(script, 'baseline');
  } finally {
    rmSync(join(script, '..', '..'), { recursive: true, force: true });
  }
  console.log(
    `packet: ${ours.pages} pages, ${Math.round(ours.kilobytes)} KB; baseline: ${raw.pages} pages, ${Math.round(raw.kilobytes)} KB`,
  );
  const ratio = (a: number, b: number) => Number((a / Math.max(b, 1)).toFixed(2));
  record([
    {
      name: `packet render, ${NOTES} notes (cold, first in process)`,
      value: Math.round(ours.coldMs),
      unit: 'ms',
      baseline: Math.round(raw.coldMs),
      ratio: ratio(ours.coldMs, raw.coldMs),
      goal: '≤ 3000 ms',
    },
    {
      name: `packet render, ${NOTES} notes (warm, median of ${WARM_RUNS})`,
      value: Math.round(ours.warmMs),
      unit: 'ms',
      baseline: Math.round(raw.warmMs),
      ratio: ratio(ours.warmMs, raw.warmMs),
      goal: '≤ 3000 ms',
    },
    {
      name: `packet render, ${NOTES} notes (peak RSS)`,
      value: Math.round(ours.maxRssMb),
      unit: 'MB',
      baseline: Math.round(raw.maxRssMb),
      ratio: ratio(ours.maxRssMb, raw.maxRssMb),
      goal: '≤ 300 MB',
    },
    {
      name: `packet render, ${NOTES} notes (RSS added by rendering)`,
      value: Math.round(ours.maxRssMb - ours.rssBeforeMb),
      unit: 'MB',
      baseline: Math.round(raw.maxRssMb - raw.rssBeforeMb),
      ratio: ratio(ours.maxRssMb - ours.rssBeforeMb, raw.maxRssMb - raw.rssBeforeMb),
    },
    {
      name: `packet render, ${NOTES} notes (pages)`,
      value: ours.pages,
      unit: 'pages',
    },
  ]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

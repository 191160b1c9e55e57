/**
 * PDF outline (bookmarks). pdf-lib has no API for it, so the dictionaries of PDF 32000-1 §12.3.3
 * are written directly: an /Outlines root in the catalog and one item per entry, linked by
 * /Prev and /Next, each with a destination on its page. A flat list: one level is all we need.
 */
import {
  PDFArray,
  PDFDict,
  PDFHexString,
  PDFName,
  PDFNull,
  PDFNumber,
  PDFRef,
  PDFString,
  type PDFDocument,
} from 'pdf-lib';

export interface OutlineEntry {
  title: string;
  page: PDFRef;
  /** Top of the destination on its page, in points from the bottom. */
  top: number;
}

export function writeOutline(doc: PDFDocument, entries: readonly OutlineEntry[]): void {
  if (entries.length === 0) return;
  const { context } = doc;
  const root = context.nextRef();
  const items = entries.map(() => context.nextRef());
  entries.forEach((entry, i) => {
    const item = context.obj({
      Title: PDFHexString.fromText(entry.title),
      Parent: root,
      Dest: context.obj([entry.page, PDFName.of('XYZ'), PDFNull, PDFNumber.of(entry.top), PDFNull]),
    });
    if (i > 0) item.set(PDFName.of('Prev'), items[i - 1]);
    if (i < entries.length - 1) item.set(PDFName.of('Next'), items[i + 1]);
    context.assign(items[i], item);
  });
  context.assign(
    root,
    context.obj({ Type: 'Outlines', First: items[0], Last: items[items.length - 1], Count: entries.length }),
  );
  doc.catalog.set(PDFName.of('Outlines'), root);
  doc.catalog.set(PDFName.of('PageMode'), PDFName.of('UseOutlines'));
}

/** The outline of a document as titles and page indexes (0-based), in order; for tests and checks. */
export function readOutline(doc: PDFDocument): { title: string; pageIndex: number }[] {
  const { context } = doc;
  const pages = doc.getPages().map((page) => page.ref);
  const root = context.lookupMaybe(doc.catalog.get(PDFName.of('Outlines')), PDFDict);
  const entries: { title: string; pageIndex: number }[] = [];
  const seen = new Set<PDFDict>();
  let item = root && context.lookupMaybe(root.get(PDFName.of('First')), PDFDict);
  while (item && !seen.has(item)) {
    seen.add(item);
    const title = item.lookup(PDFName.of('Title'));
    const dest = context.lookupMaybe(item.get(PDFName.of('Dest')), PDFArray);
    const target = dest?.get(0);
    entries.push({
      title: title instanceof PDFHexString || title instanceof PDFString ? title.decodeText() : '',
      pageIndex: target instanceof PDFRef ? pages.findIndex((ref) => ref === target) : -1,
    });
    item = context.lookupMaybe(item.get(PDFName.of('Next')), PDFDict);
  }
  return entries;
}

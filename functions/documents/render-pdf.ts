/**
 * Lays a document out as an A4 PDF with pdfkit: the document on the first page(s), the 送达回证 to be
 * signed on the last. The font is embedded as the subset of glyphs the document uses, so a notice
 * stays a few dozen kilobytes. The same content gives the same bytes: the creation date (and with it
 * the file ID pdfkit derives from the metadata) is the document's issue time, never the clock.
 */
import PDFDocument from 'pdfkit';
import type { DocumentContent, DocumentField } from './document-content';

const FONT = 'document';
const A4_MARGINS = { top: 56, bottom: 48, left: 72, right: 72 };
const BODY_SIZE = 12;
const LINE_GAP = 4;
const INDENT = BODY_SIZE * 2;
const SEAL_RADIUS = 40;

type Doc = InstanceType<typeof PDFDocument>;

function contentWidth(doc: Doc): number {
  return doc.page.width - A4_MARGINS.left - A4_MARGINS.right;
}

function ensureRoom(doc: Doc, height: number): void {
  if (doc.y + height > doc.page.height - A4_MARGINS.bottom) doc.addPage();
}

function heading(doc: Doc, content: DocumentContent): void {
  doc.fontSize(15).text(content.issuer, { align: 'center' });
  doc.moveDown(0.4);
  doc.fontSize(24).text(content.title, { align: 'center', characterSpacing: 4 });
  doc.moveDown(0.3);
  doc.fontSize(11).text(`编号：${content.number}`, { align: 'right' });
  const y = doc.y + 4;
  doc
    .moveTo(A4_MARGINS.left, y)
    .lineTo(doc.page.width - A4_MARGINS.right, y)
    .lineWidth(1)
    .stroke();
  doc.y = y + 10;
}

function fields(doc: Doc, list: readonly DocumentField[]): void {
  doc.fontSize(BODY_SIZE);
  for (const field of list) {
    doc.text(`${field.label}：${field.value}`, A4_MARGINS.left, doc.y, { lineGap: LINE_GAP, width: contentWidth(doc) });
  }
  doc.moveDown(0.6);
}

function paragraphs(doc: Doc, list: readonly string[]): void {
  doc.fontSize(BODY_SIZE);
  for (const paragraph of list) {
    ensureRoom(doc, BODY_SIZE * 2);
    doc.text(paragraph, A4_MARGINS.left, doc.y, {
      indent: INDENT,
      lineGap: LINE_GAP,
      paragraphGap: LINE_GAP,
      width: contentWidth(doc),
    });
  }
}

function rights(doc: Doc, list: readonly string[]): void {
  doc.moveDown(0.4);
  ensureRoom(doc, BODY_SIZE * 4);
  doc.fontSize(13).text('当事人的权利', A4_MARGINS.left, doc.y, { lineGap: LINE_GAP });
  doc.fontSize(BODY_SIZE);
  list.forEach((right, index) => {
    doc.text(`${index + 1}. ${right}`, A4_MARGINS.left, doc.y, {
      indent: INDENT,
      lineGap: LINE_GAP,
      paragraphGap: 2,
      width: contentWidth(doc),
    });
  });
}

/** The office and date at the right, a dashed circle where the seal goes over them. */
function signatureAndSeal(doc: Doc, content: DocumentContent): void {
  const blockHeight = SEAL_RADIUS * 2 + 12;
  // The block and the closing note below it stay on one page.
  ensureRoom(doc, blockHeight + 12 + 40);
  const top = doc.y + 12;
  const blockWidth = 260;
  const left = doc.page.width - A4_MARGINS.right - blockWidth;
  const centreX = left + blockWidth / 2;
  const centreY = top + SEAL_RADIUS;
  doc.save();
  doc.circle(centreX, centreY, SEAL_RADIUS).lineWidth(0.8).dash(4, { space: 3 }).strokeColor('#b22222').stroke();
  doc.restore();
  doc
    .fillColor('#b22222')
    .fontSize(9)
    .text('（印章）', centreX - 30, centreY + SEAL_RADIUS - 16, { width: 60, align: 'center' });
  doc.fillColor('black').fontSize(BODY_SIZE);
  doc.text(content.signedBy, left, centreY - 16, { width: blockWidth, align: 'center' });
  doc.text(content.signedOn, left, centreY + 4, { width: blockWidth, align: 'center' });
  doc.x = A4_MARGINS.left;
  doc.y = top + blockHeight;
}

function closingNote(doc: Doc, content: DocumentContent): void {
  ensureRoom(doc, 30);
  doc
    .fontSize(9)
    .fillColor('#444444')
    .text(
      `本${content.title}一式两份，一份送达当事人，一份存档。当事人签收后请在所附送达回证上签名并注明日期。`,
      A4_MARGINS.left,
      doc.y,
      { width: contentWidth(doc) },
    )
    .fillColor('black');
}

/** 送达回证: a two-column form, one row per item, the signatures with room to sign. */
function receiptPage(doc: Doc, content: DocumentContent): void {
  doc.addPage();
  doc.fontSize(15).text(content.issuer, { align: 'center' });
  doc.moveDown(0.4);
  doc.fontSize(24).text('送达回证', { align: 'center', characterSpacing: 4 });
  doc.moveDown(0.8);
  const labelWidth = 130;
  const width = contentWidth(doc);
  const padding = 8;
  let y = doc.y;
  doc.fontSize(BODY_SIZE).lineWidth(0.8);
  for (const row of content.receipt) {
    const valueWidth = width - labelWidth - padding * 2;
    const height =
      Math.max(
        doc.heightOfString(row.label, { width: labelWidth - padding * 2 }),
        doc.heightOfString(row.value, { width: valueWidth, lineGap: LINE_GAP }),
      ) +
      padding * 2;
    doc.rect(A4_MARGINS.left, y, labelWidth, height).stroke();
    doc.rect(A4_MARGINS.left + labelWidth, y, width - labelWidth, height).stroke();
    doc.text(row.label, A4_MARGINS.left + padding, y + padding, { width: labelWidth - padding * 2 });
    doc.text(row.value, A4_MARGINS.left + labelWidth + padding, y + padding, { width: valueWidth, lineGap: LINE_GAP });
    y += height;
  }
  doc.y = y + 16;
  doc
    .fontSize(9)
    .fillColor('#444444')
    .text(
      '受送达人拒绝签收的，送达人应当在备注栏注明拒收事由和日期，由送达人、见证人签名，把文书留在受送达人的住所（留置送达）。',
      A4_MARGINS.left,
      doc.y,
      { width },
    )
    .fillColor('black');
}

export interface RenderOptions {
  /** A TrueType font covering the document's characters (documentFont()). */
  font: Buffer;
  /** The issue time: the PDF's creation date and, through it, its file ID. */
  issuedAt: Date;
}

/** The document as PDF bytes: the same content and options always give the same bytes. */
export async function renderDocumentPdf(content: DocumentContent, options: RenderOptions): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: A4_MARGINS,
    // No standard font: the document's own is registered below, and nothing else is read from disk.
    font: null as unknown as string,
    lang: 'zh-CN',
    displayTitle: true,
    info: {
      Title: `${content.title} ${content.number}`,
      Author: content.issuer,
      Subject: content.number,
      Creator: 'Rectify',
      Producer: 'Rectify (pdfkit)',
      CreationDate: options.issuedAt,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont(FONT, options.font);
  doc.font(FONT);
  heading(doc, content);
  fields(doc, content.fields);
  paragraphs(doc, content.body);
  rights(doc, content.rights);
  signatureAndSeal(doc, content);
  closingNote(doc, content);
  receiptPage(doc, content);
  doc.end();
  return done;
}

import { chineseDate, chineseDateTime } from '#documents/chinese-date';
import type { DocumentFacts } from '#documents/document-content';
import { documentContent } from '#documents/document-content';
import { documentFont } from '#documents/document-font';
import { DOCUMENT_KINDS, documentNumber } from '#domain/documents';
import { renderDocumentPdf } from '#documents/render-pdf';
import { firstPageInk, pdfFonts, pdfPageCount, pdfText } from '#test/support/poppler';
import { sampleDocumentFacts } from '#test/fixtures/documents';

const facts = sampleDocumentFacts;

const render = (f: DocumentFacts) =>
  renderDocumentPdf(documentContent(f), { font: documentFont(), issuedAt: new Date(f.issuedAt) });

describe('dates in documents', () => {
  it('are Beijing dates, assembled as 年月日 (the UTC date may be the day before)', () => {
    expect(chineseDate('2026-12-31T16:30:00Z')).toBe('2027年1月1日');
    expect(chineseDateTime('2026-12-18T15:59:59.999Z')).toBe('2026年12月18日23时59分');
    expect(chineseDateTime('2027-03-01T01:05:00Z')).toBe('2027年3月1日09时05分');
  });
});

describe('the 限期拆除通知书 as PDF', () => {
  let pdf: Buffer;
  beforeAll(async () => {
    pdf = await render(facts());
  });

  it('has extractable text with the number, the party, the Beijing-time deadline, the office and the legal basis', () => {
    const text = pdfText(pdf);
    expect(text).toContain('限期拆除通知书');
    expect(text).toContain('编号：RN-2026-000123');
    expect(text).toContain('当事人：王秀英');
    // The period runs from service (the notice is issued before it is served); the date is what it is if
    // served on the day of issue.
    expect(text).toContain('自本通知书送达之日起10个工作日内自行拆除上述违法建设');
    expect(text).toContain('本通知书于下达当日送达的，期限至2026年12月18日23时59分（北京时间）届满');
    expect(text).toContain('重庆市沙坪坝区小龙坎街道办事处');
    expect(text).toContain('小龙坎街道解放坡社区隆庆楼16号屋顶');
    expect(text).toContain('彩钢板房，1层，建筑面积约24平方米');
    expect(text).toContain('《中华人民共和国城乡规划法》第六十四条');
    expect(text).toContain('第六十八条');
  });

  it('states the party’s rights: 陈述申辩, 复议 within 60 days (naming the authority), 诉讼 within 6 months', () => {
    const text = pdfText(pdf);
    expect(text).toContain('有权进行陈述和申辩');
    expect(text).toContain('六十日内向重庆市沙坪坝区人民政府申请行政复议');
    expect(text).toContain('六个月内向人民法院提起行政诉讼');
  });

  it('has a seal area and a 送达回证 page to be signed', () => {
    const text = pdfText(pdf);
    expect(text).toContain('（印章）');
    expect(text).toContain('送达回证');
    expect(text).toContain('送达文书限期拆除通知书（RN-2026-000123）');
    expect(text).toContain('受送达人签名或盖章');
    expect(text).toContain('□直接送达□留置送达□邮寄送达□公告送达');
    expect(pdfPageCount(pdf)).toBe(2);
  });

  it('draws its glyphs (a rendered page has ink, not only extractable text)', () => {
    expect(firstPageInk(pdf)).toBeGreaterThan(0.01);
  });

  it('embeds only the subset of the font it uses, and stays small', () => {
    const fonts = pdfFonts(pdf);
    expect(fonts.length).toBeGreaterThan(0);
    expect(fonts.every((f) => f.embedded && f.subset)).toBe(true);
    expect(pdf.length).toBeLessThan(100 * 1024);
  });

  it('renders the same bytes again (same hash), and other bytes for another issue time', async () => {
    const again = await render(facts());
    expect(again.equals(pdf)).toBe(true);
    const later = await render(facts({ issuedAt: '2026-12-04T02:00:00.000Z' }));
    expect(later.equals(pdf)).toBe(false);
  });
});

describe('each document', () => {
  const expected = {
    notice: { title: '限期拆除通知书', basis: '第六十四条', deadline: '期限至2026年12月18日23时59分（北京时间）届满' },
    demand: {
      title: '催告书',
      basis: '《中华人民共和国行政强制法》第三十五条',
      deadline: '于2026年12月18日23时59分（北京时间）前自行拆除',
    },
    decision: {
      title: '强制执行决定书',
      basis: '《中华人民共和国行政强制法》第三十七条',
      deadline: '本决定书于作出当日送达的，最早自2027年7月5日起',
    },
    announcement: {
      title: '强制拆除公告',
      basis: '《中华人民共和国行政强制法》第四十四条',
      deadline: '限当事人于2026年12月18日23时59分（北京时间）前自行拆除',
    },
  } as const;

  it.each(DOCUMENT_KINDS.map((kind) => [kind] as const))(
    '%s carries its title, its own number, its legal basis and what must be done by when',
    async (kind) => {
      const text = pdfText(await render(facts({ kind })));
      const { title, basis, deadline } = expected[kind];
      expect(text).toContain(title);
      expect(text).toContain(`编号：${documentNumber(kind, 'RN-2026-000123')}`);
      expect(text).toContain(basis);
      expect(text).toContain(deadline);
      expect(text).toContain('送达回证');
    },
  );
});

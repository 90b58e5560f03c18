import { readFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { looksMisdecoded, readSurvey } from '#domain/survey-file';

const now = new Date('2026-11-29T04:00:00Z');
const sample = readFileSync(path.join(__dirname, '../../samples/survey-sample.csv'));
const [header, ...goodLines] = sample.toString('utf8').trim().split('\n');

/** What a UTF-8 cell becomes after being read as GBK and saved again. */
const garble = (text: string) => new TextDecoder('gbk').decode(Buffer.from(text, 'utf8'));

describe('reading a survey file', () => {
  it('maps every row of the sample to a submission', async () => {
    const parsed = await readSurvey(sample, now);
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows.map((r) => r.row)).toEqual([2, 3, 4, 5, 6]);
    expect(parsed.rows[2]!.submission).toMatchObject({
      location: { subdistrict: '小龙坎街道', community: '解放坡社区', address: '上土湾66号旁空地' },
      category: 'unit-internal',
      severity: 'serious',
      structure: { areaM2: 120, floors: 2, material: 'brick-concrete' },
      responsibleParty: { name: '赵某', unit: '某物流公司', phone: '023-65310002' },
      discoveredOn: '2026-11-18',
      photos: [{ ref: 'photos/stw-66-a.jpg' }, { ref: 'photos/stw-66-b.jpg' }],
    });
    expect(parsed.rows[1]!.submission.discoveredOn).toBe('2026-11-20');
  });

  it('gives the same row the same idempotency key in every read', async () => {
    const once = (await readSurvey(sample, now)).rows.map((r) => r.idempotencyKey);
    const twice = (await readSurvey(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), sample]), now)).rows.map(
      (r) => r.idempotencyKey,
    );
    expect(twice).toEqual(once);
    expect(new Set(once).size).toBe(5);
  });

  it('reports each bad row with its field and reason and keeps the good ones', async () => {
    const garbledAddress = garble('上土湾七十号阳台');
    const lines = [
      header,
      goodLines[0], // row 2: good
      goodLines[1]!.replace(',8.5,', ',约八平方,'), // row 3: wrong type
      goodLines[2]!.replace('上土湾66号旁空地', ''), // row 4: missing address
      goodLines[0], // row 5: duplicate of row 2
      goodLines[3]!.replace('上土湾70号阳台', garbledAddress), // row 6: mojibake
      goodLines[4]!.replace('2026-11-19', '2027-01-05'), // row 7: future date
      goodLines[4], // row 8: good
    ].join('\n');
    const parsed = await readSurvey(Buffer.from(lines, 'utf8'), now);
    expect(parsed.rows.map((r) => r.row)).toEqual([2, 8]);
    expect(parsed.errors).toEqual([
      { row: 3, field: '面积(㎡) (structure.areaM2)', reason: expect.stringMatching(/number/) },
      { row: 4, field: '地址 (location.address)', reason: 'is required' },
      { row: 5, field: '(row)', reason: 'duplicate of row 2' },
      { row: 6, field: '地址 (location.address)', reason: expect.stringContaining('garbled by a wrong encoding') },
      { row: 7, field: '发现日期 (discoveredOn)', reason: expect.stringMatching(/must not be in the future/) },
    ]);
  });

  it('decodes a whole file saved as GBK', async () => {
    const parsed = await readSurvey(iconv.encode(sample.toString('utf8'), 'gbk'), now);
    expect(parsed.encoding).toBe('gbk');
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows[0]!.submission.location.address).toBe('隆庆楼16号屋顶');
  });

  it('names a missing required column', async () => {
    const parsed = await readSurvey(Buffer.from('街道,社区\n小龙坎街道,解放坡社区\n'), now);
    expect(parsed.rows).toEqual([]);
    expect(parsed.errors).toContainEqual({ row: 1, field: '地址', reason: expect.stringContaining('missing column') });
  });

  it('tells garbled text from real Chinese text', async () => {
    for (const real of ['隆庆楼16号屋顶', '解放坡社区', '石小路9号楼顶', '张某', '屋顶加建彩钢板房一间', 'Café'])
      expect(looksMisdecoded(real)).toBeUndefined();
    expect(looksMisdecoded(garble('隆庆楼顶'))).toBe('隆庆楼顶'); // an even number of UTF-8 bytes survives whole
    expect(looksMisdecoded(garble('解放坡社区'))).toMatch(/^解放坡社/); // odd byte count: the last character is lost
    expect(looksMisdecoded(Buffer.from('石小路', 'utf8').toString('latin1'))).toBe('石小路');
    expect(looksMisdecoded('隆庆\uFFFD')).toBe('');
  });
});

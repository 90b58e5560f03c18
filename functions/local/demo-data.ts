import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CaseSubmission } from '#domain/schemas';
import { shanghaiDateOf } from '#domain/shanghai-time';
import type { CaseIntake } from '#app/case-intake';
import { PRIVATE_FILE_MODE } from './data-dir';

/**
 * Demo cases from the seed's community (小龙坎街道 解放坡社区): the buildings its 2012 work summary names —
 * 隆庆楼, 上土湾, 石小路 — found by the 违章建设普查 it describes. One of each kind the procedure treats
 * differently: a resident's roof structure (persuasion first), a work unit's extension (notice at once)
 * and a yard shed.
 */
export const DEMO_REPORTER_SUB = 'local-reporter';

const MARKER_FILE = 'demo-cases.json';

function demoSubmissions(today: string): { key: string; submission: CaseSubmission }[] {
  const location = (address: string, lat: number, lon: number) => ({
    subdistrict: '小龙坎街道',
    community: '解放坡社区',
    address,
    lat,
    lon,
  });
  const reporter = { name: '李网格', unit: '解放坡社区居委会', phone: '023-65300000' };
  return [
    {
      key: 'demo-longqinglou-16-roof',
      submission: {
        location: location('隆庆楼16号 屋顶', 29.5566, 106.4543),
        category: 'resident-built',
        severity: 'moderate',
        description: '居民在屋顶自行加建彩钢板房一间，约24平方米，违章建设普查中发现。',
        structure: { areaM2: 24, floors: 1, material: 'color-steel-sheet' },
        responsibleParty: { name: '张某', phone: '13800138000', email: 'zhang@example.cn' },
        reporter,
        photos: [{ ref: 'photos/demo/longqinglou-16-roof.jpg', caption: '屋顶彩钢房' }],
        discoveredOn: today,
      },
    },
    {
      key: 'demo-shangtuwan-62-extension',
      submission: {
        location: location('上土湾62号 单位院内', 29.5581, 106.4528),
        category: 'unit-internal',
        severity: 'serious',
        description: '单位内部未经规划许可加建砖混结构二层用房，约45平方米。',
        structure: { areaM2: 45, floors: 2, material: 'brick-concrete' },
        responsibleParty: { name: '某物资公司', unit: '上土湾62号', phone: '023-65311111' },
        reporter,
        photos: [],
        discoveredOn: today,
      },
    },
    {
      key: 'demo-shixiaolu-29-shed',
      submission: {
        location: location('石小路29号 楼栋院坝', 29.5549, 106.4561),
        category: 'other',
        severity: 'minor',
        description: '院坝内搭建临时棚一处，约12平方米，占用消防通道。',
        structure: { areaM2: 12, floors: 1, material: 'temporary' },
        responsibleParty: { name: '王某', phone: '13900139000' },
        reporter,
        photos: [],
        discoveredOn: today,
      },
    },
  ];
}

/**
 * Submits the demo cases once per data folder, through the same intake the API uses: fixed
 * Idempotency-Keys make a repeat harmless, and a marker file remembers they were created (idempotency
 * records expire, the demo must not come back a day later).
 */
export async function ensureDemoCases(
  intake: CaseIntake,
  dataDir: string,
  now: Date,
): Promise<{ created: boolean; caseIds: string[] }> {
  const marker = path.join(dataDir, MARKER_FILE);
  if (existsSync(marker)) {
    const saved = JSON.parse(readFileSync(marker, 'utf8')) as { caseIds?: string[] };
    return { created: false, caseIds: saved.caseIds ?? [] };
  }
  const caseIds: string[] = [];
  for (const { key, submission } of demoSubmissions(shanghaiDateOf(now))) {
    const result = await intake.submit({
      actor: { sub: DEMO_REPORTER_SUB, role: 'reporter' },
      idempotencyKey: key,
      submission,
    });
    caseIds.push(result.body.id);
  }
  writeFileSync(marker, JSON.stringify({ caseIds }, null, 2), { mode: PRIVATE_FILE_MODE });
  return { created: true, caseIds };
}

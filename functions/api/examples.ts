/**
 * Example bodies for the OpenAPI document and the docs, from the seed's community: 小龙坎街道 解放坡社区.
 */
export const EXAMPLES = {
  submission: {
    location: {
      subdistrict: '小龙坎街道',
      community: '解放坡社区',
      address: '隆庆楼16号 屋顶',
      lat: 29.5566,
      lon: 106.4543,
    },
    category: 'resident-built',
    severity: 'moderate',
    description: '屋顶加建彩钢板房一间，约24平方米，违章建设普查中发现。',
    structure: { areaM2: 24, floors: 1, material: 'color-steel-sheet' },
    responsibleParty: { name: '张某', phone: '13800138000' },
    reporter: { name: '李网格', unit: '解放坡社区居委会', phone: '023-65300000' },
    photos: [{ ref: 'photos/2026/longqinglou-16-roof.jpg', caption: '屋顶彩钢房' }],
    discoveredOn: '2026-11-20',
  },
  inspection: {
    result: 'demolished',
    inspectedAt: '2026-12-08T02:30:00Z',
    inspector: '王科员',
    notes: '彩钢房已自行拆除，现场清理完毕。',
    areaRemovedM2: 24,
    expectedVersion: 5,
  },
  extension: {
    newDeadline: '2026-12-20',
    reason: '当事人申请延期，材料运输受阻。',
    approver: '陈主任',
    expectedVersion: 4,
  },
  service: {
    document: 'notice',
    method: 'direct',
    servedOn: '2026-12-02',
    receiver: '张某某（当事人本人）',
    receiptReference: '沙龙送〔2026〕0031号',
    expectedVersion: 3,
  },
  representation: {
    receivedOn: '2026-12-10',
    summary: '当事人称该建筑为临时堆放用。',
    outcome: 'rejected',
    response: '经核实为永久性加建，不予采纳。',
    expectedVersion: 7,
  },
  appealFiled: {
    action: 'filed',
    kind: 'reconsideration',
    filedOn: '2026-12-15',
    authority: '沙坪坝区人民政府',
    reference: '沙府复〔2026〕12号',
    expectedVersion: 8,
  },
  enforcement: {
    completedAt: '2027-03-02T03:00:00Z',
    teamLead: '赵队长',
    areaRemovedM2: 24,
    notes: '依法强制拆除，现场拍照留存。',
    expectedVersion: 11,
  },
  resume: { reason: '通知书送达地址已更正，重新启动流程。', expectedVersion: 7 },
  dismissal: { reason: 'not-a-violation', explanation: '经核查该建筑已取得规划许可。', expectedVersion: 2 },
} as const;

import type { Client } from './harness';

/** Asks for an upload, sends the bytes through the presigned PUT, and confirms: the confirmation's answer. */
export async function attach(
  who: Client,
  caseId: string,
  file: { bytes: Buffer; contentType: string; fileName: string; stage: string },
) {
  const asked = await who.post(`/cases/${caseId}/evidence-uploads`, {
    fileName: file.fileName,
    contentType: file.contentType,
    size: file.bytes.byteLength,
    stage: file.stage,
  });
  expect(asked.status).toBe(201);
  const { evidenceId, upload } = asked.body as {
    evidenceId: string;
    upload: { method: string; url: string; headers: Record<string, string> };
  };
  const put = await fetch(upload.url, { method: upload.method, headers: upload.headers, body: file.bytes });
  expect(put.status).toBe(200);
  const confirmed = await who.post(`/cases/${caseId}/evidence`, {
    evidenceId,
    fileName: file.fileName,
    stage: file.stage,
  });
  return { evidenceId, confirmed };
}

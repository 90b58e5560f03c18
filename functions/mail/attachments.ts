import { createHash } from 'node:crypto';
import type { ObjectStore } from '#objects/object-store';
import type { MailAttachmentRef } from '#store/outbox';
import type { MailAttachment } from './ses-transport';

/** An attachment could not be read now (no object store here, the object not stored yet, the store down). */
class AttachmentUnavailableError extends Error {
  override readonly name = 'AttachmentUnavailableError';
}

/** The stored object no longer hashes to what the email references: it is never sent with other bytes. */
export class AttachmentMismatchError extends Error {
  override readonly name = 'AttachmentMismatchError';
}

/**
 * The bytes of an email's attachments, read from the object store and checked against the SHA-256 and
 * size the email recorded (which are the ones the issuing event records).
 */
export async function readAttachments(
  objects: ObjectStore | undefined,
  refs: readonly MailAttachmentRef[],
): Promise<MailAttachment[]> {
  if (!refs.length) return [];
  if (!objects) throw new AttachmentUnavailableError('this sender has no object store to read the attachments from');
  const attachments: MailAttachment[] = [];
  for (const ref of refs) {
    let content: Uint8Array;
    try {
      content = await objects.getBytes(ref.key, { maxBytes: ref.size });
    } catch (error) {
      throw new AttachmentUnavailableError(`${ref.fileName} could not be read from ${ref.key}: ${String(error)}`, {
        cause: error,
      });
    }
    const sha256 = createHash('sha256').update(content).digest('hex');
    if (sha256 !== ref.sha256 || content.byteLength !== ref.size)
      throw new AttachmentMismatchError(
        `${ref.fileName} at ${ref.key} hashes to ${sha256}, not the recorded ${ref.sha256}: not sent`,
      );
    attachments.push({ fileName: ref.fileName, contentType: ref.contentType, content });
  }
  return attachments;
}

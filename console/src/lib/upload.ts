// Uploads files one by one (POST /api/attachments, one multipart part named `file`) and
// answers their attachment ids, for a message's attachmentIds or a journey answer.
import type { Api } from './api';

export const IMAGE_TYPES = 'image/png,image/jpeg,image/gif,image/webp';

export async function uploadFiles(api: Api, files: Iterable<File>): Promise<string[]> {
  const ids: string[] = [];
  for (const f of files) {
    const form = new FormData();
    form.append('file', f, f.name);
    ids.push((await api.upload<{ id: string }>('/api/attachments', form)).id);
  }
  return ids;
}

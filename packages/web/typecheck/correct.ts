import { api, apiDownload } from '../src/api/client';

export async function rejectAndReread(id: string): Promise<string> {
  const rejected = await api.POST('/api/releases/{id}/reject', {
    params: { path: { id } },
    body: { reason: '计划不完整' },
  });
  const users = await api.GET('/api/users', { params: { query: { text: 'li' } } });
  const none: void = await api.DELETE('/api/freeze-windows/{id}', { params: { path: { id } } });
  await apiDownload('/api/releases/{id}/report', { params: { path: { id }, query: { format: 'pdf' } } });
  void none;
  return `${rejected.number} ${users.items.length}`;
}

import { api } from '../src/api/client';

export async function outOfStep(id: string): Promise<unknown[]> {
  // A path the server does not have (renamed or removed):
  // expect TS2345
  const renamed = await api.GET('/api/release/{id}', { params: { path: { id } } });

  // A path parameter the route does not take:
  // expect TS2353
  const param = await api.GET('/api/releases/{id}', { params: { path: { releaseId: id } } });

  // A body field the route does not take (the server refuses unknown fields):
  // expect TS2561
  const body = await api.POST('/api/releases/{id}/reject', { params: { path: { id } }, body: { reasn: 'x' } });

  // A body without a field the route requires:
  // expect TS2322
  const missing = await api.POST('/api/releases/{id}/cancel', { params: { path: { id } }, body: {} });

  // A query the route does not take:
  // expect TS2353
  const query = await api.GET('/api/users', { params: { query: { name: 'li' } } });

  // An answer field the route does not send:
  const detail = await api.GET('/api/releases/{id}', { params: { path: { id } } });
  // expect TS2551
  const title: string = detail.titel;

  // An answer read as the wrong type:
  // expect TS2322
  const count: string = (await api.GET('/api/users')).items.length;

  return [renamed, param, body, missing, query, title, count];
}

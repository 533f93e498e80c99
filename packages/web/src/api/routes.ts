import type { HttpMethod } from 'openapi-typescript-helpers';
import type { RouteAnswer, RouteInit } from './client';
import type { paths } from './openapi';

/**
 * The request and response shapes of a route, read from the OpenAPI document the server
 * generates (`npm run api:types`), so the web app follows the server's schemas.
 */

/** The JSON answer of a route on success. */
export type ResponseOf<P extends keyof paths, M extends HttpMethod = 'get'> = RouteAnswer<P, M>;

/** The JSON body a route takes. */
export type BodyOf<P extends keyof paths, M extends HttpMethod = 'post'> =
  RouteInit<P, M> extends { body?: infer B } ? NonNullable<B> : never;

/** The query string a route takes. */
export type QueryOf<P extends keyof paths, M extends HttpMethod = 'get'> =
  RouteInit<P, M> extends { params?: { query?: infer Q } } ? NonNullable<Q> : never;

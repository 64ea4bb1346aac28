/** One REST answer: HTTP status, JSON body and extra headers. */
import type { Json } from './json';

export interface RestResult {
  readonly status: number;
  readonly body: Json;
  readonly headers?: Record<string, string>;
}

/**
 * Message descriptors (after GitLens's IpcCommand/IpcNotification): each message of the host↔webview protocol is
 * declared once, in its panel's protocol file, with its `scope/method` name, its params' type and their validator.
 */
import { num, record, type Check } from './wireCheck';

/** A validator that also carries the type of what it accepts (the type is declared, the check enforces it). */
export interface Payload<P> {
  readonly check: Check;
  /** Never set: names the params' type for the compiler. */
  readonly type?: P;
}

export function payload<P>(check: Check): Payload<P> {
  return { check };
}

/** A validator per field of an object type (what a webview sends: the host keeps only these fields). */
export interface Fields<P> {
  readonly checks: Readonly<Record<string, Check>>;
  readonly type?: P;
}

export function fields<P>(checks: Readonly<Record<keyof P & string, Check>>): Fields<P> {
  return { checks };
}

/** The wire shape of every message: `{ method: 'scope/method', params }`. */
export interface IpcMessage<M extends string, P> {
  readonly method: M;
  readonly params: P;
}

interface IpcType<M extends string, P> {
  readonly method: M;
  /** Validates the params; errors name the path from `params`. */
  readonly check: Check;
  readonly type?: P;
}

/** Host → webview: something the panel should show. */
export interface IpcNotification<M extends string, P> extends IpcType<M, P> {
  readonly kind: 'notification';
}

/**
 * Webview → host: something the user asked for. The host keeps only the declared fields (`fields`), and a
 * rejection says `rule`, the allowed values in words.
 */
export interface IpcCommand<M extends string, P> extends IpcType<M, P> {
  readonly kind: 'command';
  readonly fields: readonly string[];
  readonly rule: string;
}

/** Correlates a request with its response. */
export interface RequestId {
  readonly requestId: number;
}

/** Webview → host with an answer: the host replies with `response`, carrying the request's `requestId`. */
export interface IpcRequest<M extends string, P, RM extends string, R> extends IpcType<M, P & RequestId> {
  readonly kind: 'request';
  readonly fields: readonly string[];
  readonly rule: string;
  readonly response: IpcNotification<RM, R & RequestId>;
}

export type MessageOf<D> = D extends IpcType<infer M, infer P> ? IpcMessage<M, P> : never;

export function notification<M extends `${string}/${string}`, P>(method: M, params: Payload<P>): IpcNotification<M, P> {
  return { kind: 'notification', method, check: params.check };
}

export function command<M extends `${string}/${string}`, P>(method: M, params: Fields<P>, rule: string): IpcCommand<M, P> {
  return { kind: 'command', method, check: record(params.checks), fields: Object.keys(params.checks), rule };
}

const requestIdCheck = { requestId: num({ integer: true, min: 0, max: Number.MAX_SAFE_INTEGER }) };

export function request<M extends `${string}/${string}`, P, RM extends `${string}/${string}`, R>(
  method: M,
  params: Fields<P>,
  rule: string,
  response: { readonly method: RM; readonly params: Fields<R> },
): IpcRequest<M, P, RM, R> {
  const all = { ...requestIdCheck, ...params.checks };
  return {
    kind: 'request',
    method,
    check: record(all),
    fields: Object.keys(all),
    rule,
    response: { kind: 'notification', method: response.method, check: record({ ...requestIdCheck, ...response.params.checks }) },
  };
}

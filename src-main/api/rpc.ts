/**
 * The machinery of the UI ↔ backend contract (architecture.md, contract 1), independent of its
 * methods and of the transport: a contract is a table of methods, each with a zod schema for its
 * argument; the backend dispatches validated calls to handlers and always answers with a result or
 * a typed error (never a thrown exception); the client is one object of named async functions plus
 * an event subscription, the same over Electron IPC and over WebSocket.
 *
 * Pure TypeScript + zod: imported by the main process, the serve mode, the preload (method names)
 * and the renderer (client).
 */
import type { z } from 'zod';

export type ApiErrorCode = 'bad-request' | 'not-found' | 'conflict' | 'failed' | 'unauthorized' | 'internal';

export interface ApiErrorShape {
  code: ApiErrorCode;
  message: string;
  /** Where the problem is, e.g. a field path or a file. */
  details?: string[];
}

/** Thrown by handlers (and re-thrown by clients) with a message written for users. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: string[],
  ) {
    super(message);
  }
  toJSON(): ApiErrorShape {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}

export type RpcResult<T = unknown> = { ok: true; value: T } | { ok: false; error: ApiErrorShape };

/** One method: the schema of its single argument object, and (as a type only) its result. */
export interface MethodSpec<A extends z.ZodType = z.ZodType, R = unknown> {
  args: A;
  /** Phantom: never set at run time. */
  readonly result?: R;
}

export function method<R>(): <A extends z.ZodType>(args: A) => MethodSpec<A, R> {
  return (args) => ({ args });
}

export type Contract = Record<string, MethodSpec>;
export type ArgsOf<M> = M extends MethodSpec<infer A, unknown> ? z.input<A> : never;
export type ParsedArgsOf<M> = M extends MethodSpec<infer A, unknown> ? z.output<A> : never;
export type ResultOf<M> = M extends MethodSpec<z.ZodType, infer R> ? R : never;

export type Handlers<C extends Contract> = {
  [K in keyof C]: (args: ParsedArgsOf<C[K]>) => Promise<ResultOf<C[K]>>;
};

/** Server-pushed events (job progress and the like): a name and a JSON payload. */
export interface ApiEvent {
  event: string;
  payload: unknown;
}

/**
 * The backend's single entry: validates `rawArgs` against the method's schema, runs the handler,
 * and turns every outcome into an RpcResult. `onUnexpected` sees errors that are not ApiErrors
 * (bugs), which are answered as 'internal' with their message.
 */
export function createDispatcher<C extends Contract>(
  contract: C,
  handlers: Handlers<C>,
  opts: {
    onUnexpected?: (method: string, error: unknown) => void;
    mapError?: (e: unknown) => ApiError | null;
  } = {},
): (method: string, rawArgs: unknown) => Promise<RpcResult> {
  return async (name, rawArgs) => {
    if (typeof name !== 'string' || !Object.hasOwn(contract, name)) {
      return { ok: false, error: { code: 'bad-request', message: `unknown method ${JSON.stringify(name)}` } };
    }
    const parsed = contract[name].args.safeParse(rawArgs ?? {});
    if (!parsed.success) {
      const details = parsed.error.issues.map((i) => `${i.path.join('.') || '(argument)'}: ${i.message}`);
      return {
        ok: false,
        error: { code: 'bad-request', message: `${name}: invalid argument (${details.join('; ')})`, details },
      };
    }
    try {
      const value = await (handlers[name] as (a: unknown) => Promise<unknown>)(parsed.data);
      return { ok: true, value };
    } catch (e) {
      if (e instanceof ApiError) return { ok: false, error: e.toJSON() };
      const mapped = opts.mapError?.(e);
      if (mapped) return { ok: false, error: mapped.toJSON() };
      opts.onUnexpected?.(name, e);
      return { ok: false, error: { code: 'internal', message: e instanceof Error ? e.message : String(e) } };
    }
  };
}

/** What a client needs from a transport. */
export interface Transport {
  call(method: string, args: unknown): Promise<RpcResult>;
  /** Subscribes to server events; returns the unsubscribe function. */
  subscribe(listener: (e: ApiEvent) => void): () => void;
}

export type Client<C extends Contract> = {
  [K in keyof C]: (args: ArgsOf<C[K]>) => Promise<ResultOf<C[K]>>;
} & {
  /** Listens to one event name; returns the unsubscribe function. */
  on(event: string, listener: (payload: unknown) => void): () => void;
};

/** The client object: one named async function per method (rejecting with an ApiError). */
export function createClient<C extends Contract>(
  methods: readonly (keyof C & string)[],
  transport: Transport,
): Client<C> {
  const client: Record<string, unknown> = {};
  for (const name of methods) {
    client[name] = async (args: unknown) => {
      const r = await transport.call(name, args);
      if (r.ok) return r.value;
      throw new ApiError(r.error.code, r.error.message, r.error.details);
    };
  }
  client.on = (event: string, listener: (payload: unknown) => void) =>
    transport.subscribe((e) => {
      if (e.event === event) listener(e.payload);
    });
  return client as Client<C>;
}

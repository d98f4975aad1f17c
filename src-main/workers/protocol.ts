/**
 * The messages between the supervisor (src-main/jobs/supervisor.ts) and a worker process
 * (worker.ts): architecture.md, contract 2. One job per worker:
 *
 *   supervisor → worker   {type:'start', jobId, kind, params}   once, first
 *                         {type:'cancel'}                        any time; the job stops at its next check
 *   worker → supervisor   {type:'heartbeat'}                     every second from a timer (the watchdog's evidence)
 *                         {type:'progress', fraction, message, etaSeconds}   at most 10 per second
 *                         {type:'log', line}
 *                         {type:'result', value} | {type:'error', code, message}   once, last; then the worker exits 0
 *
 * Both sides validate what they receive with these schemas: a message is data from another process.
 */
import { z } from 'zod';

export const startMessageSchema = z
  .object({
    type: z.literal('start'),
    jobId: z.string().min(1),
    kind: z.string().min(1),
    params: z.unknown(),
  })
  .strict();

export const cancelMessageSchema = z.object({ type: z.literal('cancel') }).strict();

export const toWorkerMessageSchema = z.discriminatedUnion('type', [startMessageSchema, cancelMessageSchema]);

export const progressMessageSchema = z
  .object({
    type: z.literal('progress'),
    /** 0…1. */
    fraction: z.number().min(0).max(1),
    message: z.string(),
    /** Estimated seconds to completion; null while unknown. */
    etaSeconds: z.number().nonnegative().nullable(),
  })
  .strict();

export const logMessageSchema = z.object({ type: z.literal('log'), line: z.string() }).strict();

export const resultMessageSchema = z.object({ type: z.literal('result'), value: z.unknown() }).strict();

/**
 * Why a job ended without a result, as reported by the worker itself:
 *   unknown-kind  no job of that kind (test kinds exist only with SPINSCOPE_TEST_JOBS=1)
 *   bad-params    the parameters do not match the kind's schema
 *   cancelled     the job stopped after a cancel request
 *   job-failed    the job threw (the message is the job's own, meant for the user)
 *   protocol      the worker received something that is not a valid 'start' message
 */
export const WORKER_ERROR_CODES = [
  'unknown-kind',
  'bad-params',
  'cancelled',
  'job-failed',
  'protocol',
] as const;
export type WorkerErrorCode = (typeof WORKER_ERROR_CODES)[number];

export const errorMessageSchema = z
  .object({ type: z.literal('error'), code: z.enum(WORKER_ERROR_CODES), message: z.string() })
  .strict();

export const heartbeatMessageSchema = z.object({ type: z.literal('heartbeat') }).strict();

export const workerMessageSchema = z.discriminatedUnion('type', [
  progressMessageSchema,
  logMessageSchema,
  resultMessageSchema,
  errorMessageSchema,
  heartbeatMessageSchema,
]);

export type StartMessage = z.infer<typeof startMessageSchema>;
export type CancelMessage = z.infer<typeof cancelMessageSchema>;
export type ToWorkerMessage = z.infer<typeof toWorkerMessageSchema>;
export type ProgressMessage = z.infer<typeof progressMessageSchema>;
export type LogMessage = z.infer<typeof logMessageSchema>;
export type ResultMessage = z.infer<typeof resultMessageSchema>;
export type ErrorMessage = z.infer<typeof errorMessageSchema>;
export type HeartbeatMessage = z.infer<typeof heartbeatMessageSchema>;
export type WorkerMessage = z.infer<typeof workerMessageSchema>;

/** One line saying what is wrong with a message that failed a schema, for logs. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const field = i.path.join('.');
      return field ? `${field}: ${i.message}` : i.message;
    })
    .join('; ');
}

/**
 * A job's log file: one line per log line of the job, its stderr/stdout and the supervisor's own
 * notes, each prefixed with an ISO time. Written synchronously through one open descriptor, so the
 * file is complete the moment the supervisor reports the job's end (lines arrive a few per second
 * at most; a flood is cut off at MAX_LOG_BYTES). A log that cannot be written never fails the job.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export const MAX_LOG_BYTES = 64 * 1024 * 1024;

export class JobLog {
  private fd: number | null = null;
  private bytes = 0;

  /** `onProblem` hears once why the log stopped being written (it cannot be opened, the disk is full, …). */
  constructor(
    readonly path: string,
    private readonly onProblem: (message: string) => void,
  ) {
    try {
      mkdirSync(dirname(path), { recursive: true });
      this.fd = openSync(path, 'a');
    } catch (e) {
      this.fail(e);
    }
  }

  write(line: string): void {
    if (this.fd === null) return;
    const text = `${new Date().toISOString()} ${line}\n`;
    try {
      if (this.bytes + text.length > MAX_LOG_BYTES) {
        writeSync(this.fd, `${new Date().toISOString()} [spinscope] log cut off at ${MAX_LOG_BYTES} bytes\n`);
        this.close();
        return;
      }
      this.bytes += writeSync(this.fd, text);
    } catch (e) {
      this.fail(e);
    }
  }

  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    try {
      closeSync(fd);
    } catch {
      // nothing left to do with a descriptor that will not close
    }
  }

  private fail(e: unknown): void {
    this.close();
    this.onProblem(`cannot write the job log ${this.path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

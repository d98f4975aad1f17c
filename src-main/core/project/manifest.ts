/**
 * The project folder's layout and its manifest, spinscope.json (architecture.md, contract 3):
 *
 *   spinscope.json   {"schema":"spinscope.project/1","name","created","updated","spinscopeVersion"}
 *   runs/<id>/       training runs, exactly as core/train writes them
 *   models/<id>/     imported ONNX models: model.onnx (+ external data) and model.json
 *   analyses/  figures/  logs/
 *
 * The manifest marks the folder as a project and carries the schema version: a file written by a
 * newer Spinscope is refused with a clear message instead of being misread or overwritten.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { writeJsonAtomic } from './atomic.ts';
import { messageOf, ProjectError } from './problems.ts';

export const PROJECT_SCHEMA = 'spinscope.project/1';
export const MANIFEST_FILE = 'spinscope.json';
/** The sub-folders createProject makes; a project opens without them (they count as empty). */
export const PROJECT_FOLDERS = ['runs', 'models', 'analyses', 'figures', 'logs'] as const;

/** A project name: what the user sees; the folder name is independent of it. */
const nameSchema = z
  .string()
  .trim()
  .min(1, 'the name is empty')
  .max(200, 'the name is longer than 200 characters')
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'the name holds control characters');

export const manifestSchema = z.object({
  schema: z.literal(PROJECT_SCHEMA),
  name: nameSchema,
  /** ISO 8601 times. */
  created: z.string(),
  updated: z.string(),
  /** The Spinscope version that last wrote the manifest. */
  spinscopeVersion: z.string(),
});

export type ProjectManifest = z.infer<typeof manifestSchema>;

export const projectPaths = (dir: string) => ({
  manifest: join(dir, MANIFEST_FILE),
  runs: join(dir, 'runs'),
  models: join(dir, 'models'),
  analyses: join(dir, 'analyses'),
  figures: join(dir, 'figures'),
  logs: join(dir, 'logs'),
});

/** Validates a project name, trimmed; throws a ProjectError naming `dir`. */
export function checkName(dir: string, name: string): string {
  const parsed = nameSchema.safeParse(name);
  if (!parsed.success) {
    throw new ProjectError(
      dir,
      `cannot name the project ${JSON.stringify(name)}: ${parsed.error.issues[0].message}`,
    );
  }
  return parsed.data;
}

/** What to do about a damaged manifest: the data beside it are fine. */
function recovery(dir: string): string {
  return (
    `Nothing else in ${dir} was read or changed. To recover, restore ${MANIFEST_FILE} from a backup, ` +
    `or create a new project in a new folder and move this one's runs/, models/, analyses/ and figures/ into it`
  );
}

/**
 * Reads and checks spinscope.json of the project at `dir` (made absolute). Throws a ProjectError when
 * the folder is missing or not a project, the manifest is corrupt or invalid, or a newer Spinscope
 * wrote it.
 */
export function readManifest(dir: string): { root: string; manifest: ProjectManifest } {
  const root = resolve(dir);
  const file = projectPaths(root).manifest;
  if (!existsSync(root)) throw new ProjectError(root, `${root} does not exist: choose a project folder`);
  if (!statSync(root).isDirectory()) {
    throw new ProjectError(
      root,
      `${root} is a file, not a project folder: choose the folder that holds ${MANIFEST_FILE}`,
    );
  }
  if (!existsSync(file)) {
    throw new ProjectError(
      file,
      `${root} is not a Spinscope project: it has no ${MANIFEST_FILE}. Open the folder that holds ${MANIFEST_FILE}, ` +
        `or create a project in a new or empty folder`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ProjectError(file, `${file} is corrupt (${messageOf(e)}). ${recovery(root)}`, { cause: e });
  }
  const schema = (json as { schema?: unknown } | null)?.schema;
  const version = typeof schema === 'string' ? /^spinscope\.project\/(\d+)$/.exec(schema) : null;
  if (version && Number(version[1]) > 1) {
    const by = (json as { spinscopeVersion?: unknown }).spinscopeVersion;
    const writer = typeof by === 'string' ? `Spinscope ${by.slice(0, 40)}, ` : '';
    throw new ProjectError(
      file,
      `${file} was written by a newer Spinscope (${writer}${schema}; this version reads ${PROJECT_SCHEMA}): update Spinscope to open this project. Nothing was changed`,
    );
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ProjectError(
      file,
      `${file} is corrupt: not a valid project manifest (${problems.join('; ')}). ${recovery(root)}`,
    );
  }
  return { root, manifest: parsed.data };
}

/** Writes the manifest atomically. */
export function writeManifest(root: string, manifest: ProjectManifest): void {
  writeJsonAtomic(projectPaths(root).manifest, manifest);
}

/**
 * The `spinscope` command. Each subcommand is a thin shell over core/: parse arguments, call the
 * core function, print JSON (--json) or a readable table. Errors users can act on are printed as
 * one line without a stack trace; exit codes: 0 ok, 1 failed, 2 bad usage.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { analyzeCommand } from './analyze.ts';
import { evaluateCommand } from './evaluate.ts';
import { figureCommand } from './figure.ts';
import { montecarloCommand } from './montecarlo.ts';
import { serveCommand } from './serve.ts';
import { spectrumCommand } from './spectrum.ts';
import { reproduceCommand } from './reproduce.ts';
import { sweepCommand } from './sweep.ts';
import { mergeCommand } from './merge.ts';
import { slurmCommand } from './slurm.ts';
import { tapCommand } from './tap.ts';
import { trainCommand } from './train.ts';
import { UsageError, userMessage } from './errors.ts';
import { VERSION } from './version.ts';

export interface CommandOption {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  description: string;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: Record<string, CommandOption>;
  run(args: { positionals: string[]; values: Record<string, string | boolean | undefined> }): Promise<number>;
}

const commands: Command[] = [
  analyzeCommand,
  evaluateCommand,
  trainCommand,
  sweepCommand,
  mergeCommand,
  slurmCommand,
  spectrumCommand,
  tapCommand,
  montecarloCommand,
  figureCommand,
  reproduceCommand,
  serveCommand,
];

function help(): string {
  const lines = [
    `spinscope ${VERSION} — neural networks as Ising spin models`,
    '',
    'Usage: spinscope <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`),
    '',
    'Run `spinscope <command> --help` for the options of a command.',
  ];
  return lines.join('\n');
}

function commandHelp(c: Command): string {
  const opts = Object.entries(c.options).map(([name, o]) => {
    const flag = `--${name}${o.type === 'string' ? ' <value>' : ''}`;
    return `  ${flag.padEnd(26)} ${o.description}`;
  });
  return [`Usage: spinscope ${c.usage}`, '', c.summary, '', 'Options:', ...opts].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    console.log(VERSION);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`spinscope: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(commandHelp(command));
    return 0;
  }
  const debug = rest.includes('--debug');
  try {
    const options: NonNullable<ParseArgsConfig['options']> = {};
    for (const [k, o] of Object.entries(command.options)) {
      options[k] = {
        type: o.type,
        ...(o.short ? { short: o.short } : {}),
        ...(o.multiple ? { multiple: true } : {}),
      };
    }
    options.debug = { type: 'boolean' };
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    return await command.run({
      positionals: parsed.positionals,
      values: parsed.values as Record<string, string | boolean | undefined>,
    });
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`spinscope ${name}: ${e.message}\n\n${commandHelp(command)}`);
      return 2;
    }
    console.error(`spinscope ${name}: ${userMessage(e)}`);
    if (debug && e instanceof Error && e.stack) console.error(e.stack);
    return 1;
  }
}

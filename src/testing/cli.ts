#!/usr/bin/env node
/**
 * `cdk-sfn-jobs run`: executes a state machine offline (a thin shell over `Workflow`).
 *
 *   cdk-sfn-jobs run --definition FILE [--input JSON | --input-file FILE] [--state-machine NAME]
 *                    [--mock-config FILE --test-case NAME [--mock-state-machine NAME]] [--seed N] [--start-time ISO] [--trace] [--history]
 *                    [--written-objects] [--result-writer-calls]
 *
 * FILE is an ASL definition or a synthesized CloudFormation template. Prints `ExecutionResult.toJson()`. Exits 0
 * when the execution ran, whatever its status; 2 on bad usage or an invalid definition or mock config. Every JSON
 * value can come from a file: jsii's Python script passes arguments to node unquoted.
 */
import * as fs from 'fs';
import { Workflow } from './index';
import type { OptionNames } from './private/mocks';

const USAGE = `usage: cdk-sfn-jobs run --definition FILE [--input JSON | --input-file FILE]
                        [--state-machine NAME] [--mock-config FILE --test-case NAME [--mock-state-machine NAME]]
                        [--seed N] [--start-time ISO] [--max-transitions N] [--trace] [--history]
                        [--written-objects] [--result-writer-calls]
       cdk-sfn-jobs --help

Runs a Step Functions state machine offline and prints the result as one JSON object (status, output, error,
cause, elapsedSeconds, stateTransitions, historyEvents, states, unusedMocks). Exit code 0 when the execution ran,
whatever its status; 2 on bad usage, an invalid definition or a mistaken mock config.

  --definition FILE          an ASL definition (JSON) or a synthesized CloudFormation template
  --input JSON               the execution input (default {})
  --input-file FILE          the execution input from a JSON file (survives any shell's quoting)
  --state-machine NAME       a template's state machine, by logical id or StateMachineName (required when it has
                             several); with a plain definition, the state machine's name in the context object.
                             Also picks the mock config's entry under StateMachines when it has one of that name
  --mock-config FILE         mocked responses in the Step Functions Local mock-config format
  --test-case NAME           the mock config's test case
  --mock-state-machine NAME  the mock config's entry under StateMachines (default: the one named as the state
                             machine's logical id or StateMachineName, or the only one)
  --seed N                   seed of $random, $uuid, States.UUID, task tokens and retry jitter (default 1)
  --start-time ISO           virtual start time (default 2026-01-01T00:00:00Z)
  --max-transitions N        stop with an error after N state transitions, against endless loops (default 100000)
  --trace                    print each state as it runs (stderr)
  --history                  add the execution history (GetExecutionHistory's events) to the result as "history"
  --written-objects          add the objects Distributed Maps' ResultWriters wrote to the result as "writtenObjects"
  --result-writer-calls      send each ResultWriter object as a PutObject call of the Map state to the mock config
  -h, --help                 print this help and exit`;

/** How errors name the options: the CLI's flags. */
const CLI_OPTION_NAMES: OptionNames = {
  mockConfig: '--mock-config',
  mockConfigFile: '--mock-config',
  testCase: '--test-case',
  mockStateMachine: '--mock-state-machine',
  stateMachineName: '--state-machine',
};

/** What `main` writes and returns (for tests: no process exit). */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

class UsageError extends Error {}
class HelpRequested extends Error {}

/** The options without a value. */
const SWITCHES = new Set(['--trace', '--history', '--written-objects', '--result-writer-calls']);

const FLAGS = new Set(['definition', 'input', 'input-file', 'state-machine', 'mock-config', 'test-case', 'mock-state-machine', 'seed', 'start-time', 'max-transitions']);

function parseArgs(argv: string[]): Record<string, string | boolean> {
  if (argv.some((a) => a === '--help' || a === '-h') || argv[0] === 'help') throw new HelpRequested();
  const [command, ...rest] = argv;
  if (command !== 'run') throw new UsageError(command ? `unknown command '${command}'` : 'missing command');
  const args: Record<string, string | boolean> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (SWITCHES.has(arg)) {
      if (args[arg.slice(2)] !== undefined) throw new UsageError(`${arg} is given twice`);
      args[arg.slice(2)] = true;
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = arg.startsWith('--') ? arg.slice(2, eq >= 0 ? eq : undefined) : undefined;
    if (!name || !FLAGS.has(name)) throw new UsageError(`unknown option '${eq >= 0 ? arg.slice(0, eq) : arg}'`);
    if (args[name] !== undefined) throw new UsageError(`--${name} is given twice`);
    if (eq >= 0) {
      args[name] = arg.slice(eq + 1);
      continue;
    }
    if (i + 1 >= rest.length) throw new UsageError(`--${name} needs a value`);
    args[name] = rest[++i];
  }
  if (typeof args.definition !== 'string') throw new UsageError('--definition is required');
  if (args.input !== undefined && args['input-file'] !== undefined) throw new UsageError('give --input or --input-file, not both');
  if ((args['mock-config'] === undefined) !== (args['test-case'] === undefined)) throw new UsageError('--mock-config and --test-case go together');
  if (args['mock-state-machine'] !== undefined && args['mock-config'] === undefined) throw new UsageError('--mock-state-machine needs --mock-config');
  return args;
}

function readFile(file: string, flag: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e: any) {
    throw new UsageError(`${flag} '${file}' cannot be read: ${e.message}`);
  }
}

function parseJson(text: string, what: string): any {
  try {
    return JSON.parse(text);
  } catch (e: any) {
    throw new UsageError(`${what} is not JSON: ${e.message}`);
  }
}

const PROCESS_IO: CliIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

/** Runs the command line; returns the exit code. */
export async function main(argv: string[], io: CliIo = PROCESS_IO): Promise<number> {
  let workflow: Workflow;
  let args: Record<string, string | boolean>;
  let inputJson: string | undefined;
  let fromTemplate = false;
  try {
    args = parseArgs(argv);
    const definitionFile = args.definition as string;
    const file = parseJson(readFile(definitionFile, '--definition'), `--definition '${definitionFile}'`);
    const stateMachine = args['state-machine'] as string | undefined;
    fromTemplate = file !== null && typeof file === 'object' && 'Resources' in file;
    workflow = fromTemplate
      ? Workflow._fromTemplateFor(file, stateMachine, '--state-machine (a logical id or StateMachineName)')
      : Workflow.fromDefinition(file);
    if (args.input !== undefined) {
      inputJson = args.input as string;
      parseJson(inputJson, '--input');
    } else if (args['input-file'] !== undefined) {
      const inputFile = args['input-file'] as string;
      inputJson = readFile(inputFile, '--input-file');
      parseJson(inputJson, `--input-file '${inputFile}'`);
    }
    if (args.seed !== undefined && !Number.isFinite(Number(args.seed))) throw new UsageError(`--seed must be a number; got '${args.seed}'`);
    const max = args['max-transitions'];
    if (max !== undefined && !(Number.isInteger(Number(max)) && Number(max) > 0)) throw new UsageError(`--max-transitions must be a positive integer; got '${max}'`);
    if (args['start-time'] !== undefined && Number.isNaN(Date.parse(args['start-time'] as string))) {
      throw new UsageError(`--start-time must be an ISO 8601 timestamp such as 2026-01-01T00:00:00Z; got '${args['start-time']}'`);
    }
  } catch (e: any) {
    if (e instanceof HelpRequested) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    io.stderr(`cdk-sfn-jobs: ${e.message}\n${e instanceof UsageError ? `\n${USAGE}\n` : ''}`);
    return 2;
  }
  try {
    const result = await workflow._execute({
      inputJson,
      mockConfigFile: args['mock-config'] as string | undefined,
      testCase: args['test-case'] as string | undefined,
      mockStateMachine: args['mock-state-machine'] as string | undefined,
      // From a template, --state-machine picked the resource: the context name is its StateMachineName.
      stateMachineName: fromTemplate ? undefined : args['state-machine'] as string | undefined,
      seed: args.seed !== undefined ? Number(args.seed) : undefined,
      startTime: args['start-time'] as string | undefined,
      maxTransitions: args['max-transitions'] !== undefined ? Number(args['max-transitions']) : undefined,
      trace: args.trace === true,
      sendResultWriterCalls: args['result-writer-calls'] === true,
    }, { options: CLI_OPTION_NAMES });
    const extra = {
      ...(args.history === true ? { history: result.history } : {}),
      ...(args['written-objects'] === true ? { writtenObjects: result.writtenObjects } : {}),
    };
    io.stdout((Object.keys(extra).length > 0 ? JSON.stringify({ ...JSON.parse(result.toJson()), ...extra }, null, 2) : result.toJson()) + '\n');
    return 0;
  } catch (e: any) {
    // the engine's guard names its option; the command line has a flag for it
    io.stderr(`cdk-sfn-jobs: ${String(e.message).replace(/\bmaxTransitions\b/g, '--max-transitions')}\n`);
    return 2;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

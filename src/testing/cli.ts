#!/usr/bin/env node
/**
 * `cdk-sfn-jobs run`: executes a state machine offline (a thin shell over `Workflow`).
 *
 *   cdk-sfn-jobs run --definition FILE [--input JSON] [--state-machine LOGICAL_ID]
 *                    [--mock-config FILE --test-case NAME] [--seed N] [--start-time ISO] [--trace] [--history]
 *
 * FILE is an ASL definition or a synthesized CloudFormation template. Prints one JSON object (status, output,
 * error, cause, elapsedSeconds, stateTransitions, historyEvents, states). Exits 0 when the execution ran, whatever
 * its status; 2 on bad usage or an invalid definition or mock config.
 */
import * as fs from 'fs';
import { Workflow } from './index';

const USAGE = `usage: cdk-sfn-jobs run --definition FILE [--input JSON] [--state-machine LOGICAL_ID]
                        [--mock-config FILE --test-case NAME] [--seed N] [--start-time ISO] [--trace] [--history]

  --definition FILE     an ASL definition (JSON) or a synthesized CloudFormation template
  --input JSON          the execution input (default {})
  --state-machine ID    the state machine's logical id in a template with several; also its entry in the mock config
  --mock-config FILE    mocked responses in the Step Functions Local mock-config format
  --test-case NAME      the mock config's test case
  --seed N              seed of $random, $uuid, States.UUID, task tokens and retry jitter (default 1)
  --start-time ISO      virtual start time (default 2026-01-01T00:00:00Z)
  --trace               print each state as it runs (stderr)
  --history             add the execution history (GetExecutionHistory's events) to the result as "history"`;

/** What `main` writes and returns (for tests: no process exit). */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

class UsageError extends Error {}

const FLAGS = new Set(['definition', 'input', 'state-machine', 'mock-config', 'test-case', 'seed', 'start-time']);

function parseArgs(argv: string[]): Record<string, string | boolean> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') throw new UsageError('');
  if (command !== 'run') throw new UsageError(command ? `unknown command '${command}'` : 'missing command');
  const args: Record<string, string | boolean> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--trace' || arg === '--history') {
      args[arg.slice(2)] = true;
      continue;
    }
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (!name || !FLAGS.has(name)) throw new UsageError(`unknown option '${arg}'`);
    if (i + 1 >= rest.length) throw new UsageError(`${arg} needs a value`);
    args[name] = rest[++i];
  }
  if (typeof args.definition !== 'string') throw new UsageError('--definition is required');
  if ((args['mock-config'] === undefined) !== (args['test-case'] === undefined)) throw new UsageError('--mock-config and --test-case go together');
  return args;
}

function readJsonFile(file: string, what: string): any {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e: any) {
    throw new UsageError(`${what} '${file}' cannot be read: ${e.message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e: any) {
    throw new UsageError(`${what} '${file}' is not JSON: ${e.message}`);
  }
}

const PROCESS_IO: CliIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

/** Runs the command line; returns the exit code. */
export async function main(argv: string[], io: CliIo = PROCESS_IO): Promise<number> {
  let workflow: Workflow;
  let args: Record<string, string | boolean>;
  let input: any = {};
  let mockConfig: any;
  try {
    args = parseArgs(argv);
    const file = readJsonFile(args.definition as string, 'definition');
    const logicalId = args['state-machine'] as string | undefined;
    workflow = file && typeof file === 'object' && 'Resources' in file ? Workflow.fromTemplate(file, logicalId) : Workflow.fromDefinition(file);
    if (args.input !== undefined) {
      try {
        input = JSON.parse(args.input as string);
      } catch (e: any) {
        throw new UsageError(`--input is not JSON: ${e.message}`);
      }
    }
    if (args['mock-config'] !== undefined) mockConfig = readJsonFile(args['mock-config'] as string, 'mock config');
    if (args.seed !== undefined && !Number.isFinite(Number(args.seed))) throw new UsageError('--seed must be a number');
  } catch (e: any) {
    io.stderr(e instanceof UsageError && e.message === '' ? `${USAGE}\n` : `cdk-sfn-jobs: ${e.message}\n${e instanceof UsageError ? USAGE + '\n' : ''}`);
    return 2;
  }
  try {
    const result = await workflow.execute({
      input,
      mockConfig,
      testCase: args['test-case'] as string | undefined,
      stateMachineName: args['state-machine'] as string | undefined,
      seed: args.seed !== undefined ? Number(args.seed) : undefined,
      startTime: args['start-time'] as string | undefined,
      trace: args.trace === true,
    });
    io.stdout(JSON.stringify({
      status: result.status,
      output: result.output,
      error: result.error,
      cause: result.cause,
      elapsedSeconds: result.elapsedSeconds,
      stateTransitions: result.stateTransitions,
      historyEvents: result.historyEvents,
      states: result.states,
      ...(args.history === true ? { history: result.history } : {}),
    }, null, 2) + '\n');
    return 0;
  } catch (e: any) {
    io.stderr(`cdk-sfn-jobs: ${e.message}\n`);
    return 2;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

/**
 * The execution matrix: a construct placed in a state machine at each depth, in each query language, synthesized,
 * validated and executed on our executor (src/testing).
 *
 *   test.each(MATRIX)('%s, %s: the job completes', async (language, placement) => {
 *     const run = await runPlaced((scope) => new SageMakerCreateProcessingJob(scope, 'Process', props), {
 *       language, placement, input: { name: 'n' },
 *       taskHandler: (invocation) => ({ result: { ProcessingJobStatus: 'Completed' } }),
 *     });
 *     expect(run.output).toEqual(...);   // the construct's own output, unwrapped from its Parallel / Map
 *   });
 *
 * Placements: `top` (the construct is the state machine), `parallel` (the only branch of a Parallel), `map` (the
 * item processor of an inline Map over `[input]`), `parallelInMap` (a Parallel's branch inside a Map's item
 * processor). The query language is set on the StateMachine (`queryLanguage`); the construct and the wrapping
 * Parallel and Map are created the plain way (`new X(...)`), so they render the state machine's language.
 */
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { newTestStack, renderStateMachine, validateAsl } from './asl';
import { testing } from '../../src';

export type Language = 'JSONPath' | 'JSONata';
export type Placement = 'top' | 'parallel' | 'map' | 'parallelInMap';

export const LANGUAGES: readonly Language[] = ['JSONPath', 'JSONata'];
export const PLACEMENTS: readonly Placement[] = ['top', 'parallel', 'map', 'parallelInMap'];

/** Every (language, placement) pair, for `test.each`. */
export const MATRIX: ReadonlyArray<[Language, Placement]> = LANGUAGES.flatMap((l) => PLACEMENTS.map((p): [Language, Placement] => [l, p]));

/** Names of the wrapping states (never a construct's own state names). */
export const WRAPPER_PARALLEL = 'Placement: Branch';
export const WRAPPER_MAP = 'Placement: Items';

/** Builds the construct under test in a scope; returns what goes into the state machine. */
export type ConstructFactory = (scope: Construct) => sfn.IChainable;

/** A construct placed in a synthesized state machine. */
export interface Placed {
  readonly definition: any;
  readonly stateMachine: sfn.StateMachine;
  readonly language: Language;
  readonly placement: Placement;
}

/**
 * Puts the construct built by `build` at `placement` in a new StateMachine of `language`, synthesizes it and
 * validates the definition with asl-validator (throws when it is not valid ASL).
 */
export function place(build: ConstructFactory, language: Language, placement: Placement): Placed {
  const stack = newTestStack();
  const inner = build(stack);
  let body: sfn.IChainable = inner;
  if (placement === 'parallel' || placement === 'parallelInMap') {
    body = new sfn.Parallel(stack, WRAPPER_PARALLEL).branch(body);
  }
  if (placement === 'map' || placement === 'parallelInMap') {
    // An inline Map over the execution input itself (default ItemsPath `$` / Items `$states.input`).
    body = new sfn.Map(stack, WRAPPER_MAP).itemProcessor(body);
  }
  const stateMachine = new sfn.StateMachine(stack, 'StateMachine', {
    definitionBody: sfn.DefinitionBody.fromChainable(body),
    queryLanguage: language === 'JSONata' ? sfn.QueryLanguage.JSONATA : sfn.QueryLanguage.JSON_PATH,
  });
  const definition = renderStateMachine(stack, stateMachine);
  validateAsl(definition);
  return { definition, stateMachine, language, placement };
}

/** Options of {@link runPlaced}. */
export interface RunPlacedOptions {
  readonly language: Language;
  readonly placement: Placement;
  /** The construct's own input (wrapped as `[input]` for the Map placements). @default {} */
  readonly input?: any;
  /** Answers the Task states. */
  readonly taskHandler: testing.ITaskHandler | ((invocation: testing.TaskInvocation) => testing.TaskOutcome | Promise<testing.TaskOutcome>);
  /** @default '2026-01-01T00:00:00Z' */
  readonly startTime?: string;
  /** @default 100000 */
  readonly maxTransitions?: number;
}

/** What {@link runPlaced} returns. */
export interface PlacedRun extends Placed {
  /** The whole execution's result. */
  readonly result: testing.ExecutionResult;
  /** The execution's status. */
  readonly status: string;
  /** The construct's own output (unwrapped from the Parallel's and the Map's result arrays) when it succeeded. */
  readonly output?: any;
  /** The error and cause that failed the execution (a branch's or an iteration's error fails its Parallel / Map with it). */
  readonly error?: string;
  readonly cause?: string;
  /** The construct's state records (the wrappers left out), each with `path` relative to the construct. */
  readonly states: testing.StateRecord[];
}

/** Places the construct (see {@link place}) and executes the state machine on our executor. */
export async function runPlaced(build: ConstructFactory, opts: RunPlacedOptions): Promise<PlacedRun> {
  const placed = place(build, opts.language, opts.placement);
  const inMap = opts.placement === 'map' || opts.placement === 'parallelInMap';
  const inParallel = opts.placement === 'parallel' || opts.placement === 'parallelInMap';
  const input = opts.input ?? {};
  const taskHandler: testing.ITaskHandler = typeof opts.taskHandler === 'function' ? { handle: opts.taskHandler } : opts.taskHandler;
  const result = await testing.Workflow.fromDefinition(placed.definition).execute({
    input: inMap ? [input] : input,
    taskHandler,
    startTime: opts.startTime,
    maxTransitions: opts.maxTransitions,
  });
  let output = result.output;
  if (output !== undefined && inMap) output = output[0];
  if (output !== undefined && inParallel) output = output[0];
  const prefix = [inMap ? `${WRAPPER_MAP}/0` : '', inParallel ? `${WRAPPER_PARALLEL}/0` : ''].filter(Boolean).join('/');
  const states = result.states
    .filter((s) => s.name !== WRAPPER_MAP && s.name !== WRAPPER_PARALLEL)
    .map((s) => ({ ...s, path: relativePath(s.path, prefix) }));
  return { ...placed, result, status: result.status, output, error: result.error, cause: result.cause, states };
}

function relativePath(path: string, prefix: string): string {
  if (!prefix) return path;
  if (path === prefix) return '';
  return path.startsWith(`${prefix}/`) ? path.slice(prefix.length + 1) : path;
}

/** The requests sent by the Task state `name` (of its last attempt per entry), in order. */
export function requestsOf(run: PlacedRun, name: string): any[] {
  return run.states.filter((s) => s.name === name).map((s) => s.request);
}

/** The construct's state names in the order they ran. */
export function stateNames(run: PlacedRun): string[] {
  return run.states.map((s) => s.name);
}

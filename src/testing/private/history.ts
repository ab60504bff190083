import type { Fiber } from './scheduler';

/**
 * The execution history, in GetExecutionHistory's shape (`events`, oldest first): `id` counts from 1,
 * `previousEventId` is the previous event of the same thread (a Parallel branch's first event points at its
 * `ParallelStateStarted`, a Map iteration's at its `MapIterationStarted`), `timestamp` is ISO 8601 (the SDK gives a
 * Date), and the details sit under AWS's member names (`stateEnteredEventDetails`, `taskScheduledEventDetails`, …).
 */
export interface HistoryEventData {
  readonly id: number;
  readonly previousEventId: number;
  readonly type: string;
  readonly timestamp: string;
  readonly [details: string]: any;
}

/** `TaskStateEntered` → `stateEnteredEventDetails`, `MapIterationStarted` → `mapIterationStartedEventDetails`, … */
function detailsKey(type: string): string {
  if (/StateEntered$/.test(type) && !type.startsWith('Map') && !type.startsWith('Parallel')) return 'stateEnteredEventDetails';
  if (/StateExited$/.test(type) && !type.startsWith('Map') && !type.startsWith('Parallel')) return 'stateExitedEventDetails';
  if (type === 'MapStateEntered' || type === 'ParallelStateEntered') return 'stateEnteredEventDetails';
  if (type === 'MapStateExited' || type === 'ParallelStateExited') return 'stateExitedEventDetails';
  return type.charAt(0).toLowerCase() + type.slice(1) + 'EventDetails';
}

interface Draft {
  readonly id: number;
  readonly previousEventId: number;
  readonly type: string;
  readonly millis: number;
  readonly details?: () => Record<string, any>;
}

/**
 * Records events cheaply while the execution runs (ids, times, and a function that builds the details); the
 * events themselves (JSON text of inputs and outputs, ISO timestamps) are built once, when someone reads them.
 */
export class History {
  private readonly drafts: Draft[] = [];
  private built?: HistoryEventData[];

  /**
   * Adds an event on `fiber`'s thread (after its last event) at virtual time `millis`.
   * @param details the event's details (built when the history is read: pass values that do not change later)
   * @returns the event's id (for an event of a Distributed Map's child execution, its id in that execution's own history, which is not kept)
   */
  public add(fiber: Fiber, millis: number, type: string, details?: () => Record<string, any>): number {
    // A Distributed Map's child executions have histories of their own (not kept: see ./states/distributed-map.ts).
    if (fiber.childEvents) return ++fiber.childEvents.last;
    const id = this.drafts.length + 1;
    this.drafts.push({ id, previousEventId: fiber.lastEventId, type, millis, details });
    fiber.lastEventId = id;
    this.built = undefined;
    return id;
  }

  public get length(): number {
    return this.drafts.length;
  }

  /** The events, in GetExecutionHistory's shape. */
  public get events(): HistoryEventData[] {
    this.built ??= this.drafts.map((d) => {
      const event: any = { id: d.id, previousEventId: d.previousEventId, type: d.type, timestamp: new Date(d.millis).toISOString() };
      if (d.details !== undefined) event[detailsKey(d.type)] = d.details();
      return event;
    });
    return this.built;
  }
}

/** `arn:aws:states:::ecs:runTask.waitForTaskToken` → `ecs` / `runTask.waitForTaskToken`; `…:::aws-sdk:glue:startJobRun` → `aws-sdk:glue` / `startJobRun`. */
export function resourceParts(arn: string): { resourceType: string; resource: string } | undefined {
  const m = /^arn:[^:]+:states:::(.+):([^:]+)$/.exec(arn);
  return m ? { resourceType: m[1], resource: m[2] } : undefined;
}

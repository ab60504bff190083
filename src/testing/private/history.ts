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

export class History {
  public readonly events: HistoryEventData[] = [];

  /**
   * Adds an event on `fiber`'s thread (after its last event) at virtual time `millis`.
   * @returns the event's id
   */
  public add(fiber: Fiber, millis: number, type: string, details?: Record<string, any>): number {
    const id = this.events.length + 1;
    const event: any = { id, previousEventId: fiber.lastEventId, type, timestamp: new Date(millis).toISOString() };
    if (details !== undefined) event[detailsKey(type)] = details;
    this.events.push(event);
    fiber.lastEventId = id;
    return id;
  }

  public get length(): number {
    return this.events.length;
  }
}

/** `arn:aws:states:::ecs:runTask.waitForTaskToken` → `ecs` / `runTask.waitForTaskToken`; `…:::aws-sdk:glue:startJobRun` → `aws-sdk:glue` / `startJobRun`. */
export function resourceParts(arn: string): { resourceType: string; resource: string } | undefined {
  const m = /^arn:[^:]+:states:::(.+):([^:]+)$/.exec(arn);
  return m ? { resourceType: m[1], resource: m[2] } : undefined;
}

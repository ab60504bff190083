/**
 * The virtual clock and the cooperative scheduler the executor runs on.
 *
 * Every thread of the execution (the top level, each Parallel branch, each Map iteration) is a `Fiber`. Exactly one
 * fiber runs at a time; a fiber gives the scheduler control when it waits on the clock (`sleep`: a Wait, a task's
 * duration, a retry interval) or on its children (`block`: a Parallel or Map). The scheduler then resumes the
 * fiber whose wake-up time is the earliest (ties: first come, first served), so the events of concurrent branches
 * happen in virtual-time order, and the clock never goes back.
 *
 * A stopped fiber (`cancel`, with its children) is never resumed: its pending promise is dropped, so whatever it
 * would have done next (a Task call, an event) never happens.
 */

export class Fiber {
  public cancelled = false;
  /** Id of the last history event of this thread (the next event's `previousEventId`). */
  public lastEventId: number;
  /**
   * In a Distributed Map's child workflow execution (and every thread it starts): the event counter of the child
   * execution's own history (which is not kept: its events are not in the parent's), so that event ids in causes
   * read as in the child's history.
   */
  public childEvents?: { last: number };
  /** In a Distributed Map's child workflow execution: the context object's `Execution` and `StateMachine` members. */
  public executionContext?: { readonly Execution: Record<string, any>; readonly StateMachine: Record<string, any> };
  /** A thread of an EXPRESS child workflow execution: its state transitions are not counted. */
  public express: boolean;
  private readonly children = new Set<Fiber>();

  constructor(public readonly parent?: Fiber) {
    parent?.children.add(this);
    this.lastEventId = parent?.lastEventId ?? 0;
    this.childEvents = parent?.childEvents;
    this.executionContext = parent?.executionContext;
    this.express = parent?.express ?? false;
  }

  /** Stops this fiber and every fiber it started. */
  public cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    for (const child of this.children) child.cancel();
  }

  /** Forgets a finished child. */
  public release(child: Fiber): void {
    this.children.delete(child);
  }
}

interface Entry {
  readonly time: number;
  readonly seq: number;
  readonly fiber: Fiber;
  readonly resume: () => void;
}

/** Raised (to the execution) when the clock would pass the execution's deadline. */
export class DeadlinePassed extends Error {}

export class Scheduler {
  public now: number;
  private readonly heap: Entry[] = [];
  private seq = 0;
  private readonly blocked = new Map<Fiber, () => void>();
  private halted = false;

  /**
   * @param start the clock's start (epoch milliseconds)
   * @param deadline the execution's deadline (epoch milliseconds), if any
   * @param abort called once when the execution must end: the deadline passed, or a fiber threw an error that is
   *   not a state error (a mistake in the test, an engine bug)
   */
  constructor(start: number, private readonly deadline: number | undefined, private readonly abort: (e: unknown) => void) {
    this.now = start;
  }

  /** Waits until `until` (epoch milliseconds) on the virtual clock. */
  public sleep(fiber: Fiber, until: number): Promise<void> | undefined {
    const target = Math.max(until, this.now);
    if (target === this.now) return undefined; // no time passes: the fiber keeps running
    // Fast path: nothing else is due before the target (a single thread, or all others later).
    if ((this.heap.length === 0 || this.heap[0].time > target) && (this.deadline === undefined || target <= this.deadline)) {
      this.now = target;
      return undefined;
    }
    return new Promise<void>((resolve) => {
      this.push(target, fiber, resolve);
      this.dispatch();
    });
  }

  /** Starts `body` as a new fiber (a child of `parent`) at the current time, after the fibers already due now. */
  public spawn(parent: Fiber, body: (fiber: Fiber) => Promise<unknown>, done: (fiber: Fiber, ok: boolean, value: unknown) => void): Fiber {
    const fiber = new Fiber(parent);
    this.push(this.now, fiber, () => {
      body(fiber).then(
        (value) => this.finish(fiber, () => done(fiber, true, value)),
        (error) => this.finish(fiber, () => done(fiber, false, error)),
      );
    });
    return fiber;
  }

  /** Suspends `fiber` until `wake(fiber)`; the other fibers run meanwhile. */
  public block(fiber: Fiber): Promise<void> {
    return new Promise<void>((resolve) => {
      this.blocked.set(fiber, resolve);
      this.dispatch();
    });
  }

  /** Makes a blocked fiber due now. */
  public wake(fiber: Fiber): void {
    const resume = this.blocked.get(fiber);
    if (!resume) return;
    this.blocked.delete(fiber);
    this.push(this.now, fiber, resume);
  }

  /** Stops scheduling: nothing runs any more (the execution ended). */
  public halt(): void {
    this.halted = true;
  }

  private finish(fiber: Fiber, notify: () => void): void {
    fiber.parent?.release(fiber);
    if (this.halted) return;
    try {
      notify();
    } catch (e) {
      this.fatal(e);
      return;
    }
    this.dispatch();
  }

  private fatal(e: unknown): void {
    if (this.halted) return;
    this.halted = true;
    this.abort(e);
  }

  /** Resumes the earliest due fiber. */
  private dispatch(): void {
    if (this.halted) return;
    for (;;) {
      const entry = this.pop();
      if (!entry) {
        this.fatal(new Error('offline executor: every thread of the execution is waiting (an engine bug)'));
        return;
      }
      if (entry.fiber.cancelled) continue;
      if (this.deadline !== undefined && entry.time > this.deadline) {
        this.now = this.deadline;
        this.fatal(new DeadlinePassed());
        return;
      }
      this.now = entry.time;
      entry.resume();
      return;
    }
  }

  private push(time: number, fiber: Fiber, resume: () => void): void {
    const heap = this.heap;
    const entry: Entry = { time, seq: this.seq++, fiber, resume };
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const p = Math.floor((i - 1) / 2);
      if (!before(heap[i], heap[p])) break;
      [heap[i], heap[p]] = [heap[p], heap[i]];
      i = p;
    }
  }

  private pop(): Entry | undefined {
    const heap = this.heap;
    if (heap.length === 0) return undefined;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l], heap[m])) m = l;
        if (r < heap.length && before(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

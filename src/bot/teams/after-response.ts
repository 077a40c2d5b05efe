/**
 * Work that must start only once the HTTP answer has left (Azure calls after an approval click: the invoke
 * must be answered within Teams' time limit first), and a tracker so shutdown and tests can wait for it.
 */
import type { ServerResponse } from 'node:http';
import type { TurnContext } from 'botbuilder-core';
import type { Logger } from '../../log';

type Task = () => Promise<void>;

/** Keeps count of background work; `idle()` resolves when none is left. Errors are logged, never thrown. */
export class BackgroundTasks {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly logger: Logger,
    private readonly onFailure: () => void = () => {},
  ) {}

  run(name: string, task: Task): void {
    const promise = (async () => {
      try {
        await task();
      } catch (error) {
        this.onFailure();
        this.logger.error('background work failed', { task: name, error });
      }
    })();
    this.running.add(promise);
    void promise.finally(() => this.running.delete(promise));
  }

  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }
}

const QUEUE_KEY = Symbol('restore-bot.teams.afterResponse');

/** Tasks collected during one HTTP request, started when its response has finished. */
export class AfterResponseQueue {
  private readonly tasks: { name: string; task: Task }[] = [];

  constructor(private readonly background: BackgroundTasks) {}

  attach(context: TurnContext): void {
    context.turnState.set(QUEUE_KEY, this);
  }

  add(name: string, task: Task): void {
    this.tasks.push({ name, task });
  }

  /** Starts the tasks once `res` has been written out (immediately if it already has). */
  startAfter(res: ServerResponse): void {
    if (!this.tasks.length) return;
    const start = () => {
      for (const { name, task } of this.tasks.splice(0)) this.background.run(name, task);
    };
    if (res.writableFinished || res.destroyed) start();
    else {
      res.once('finish', start);
      res.once('close', start);
    }
  }
}

/**
 * Runs `task` after the current turn's HTTP answer. Outside an HTTP turn (a proactive turn, a test adapter)
 * there is no answer to wait for, so it starts on the next tick.
 */
export function runAfterResponse(context: TurnContext, background: BackgroundTasks, name: string, task: Task): void {
  const queue = context.turnState.get(QUEUE_KEY) as AfterResponseQueue | undefined;
  if (queue) queue.add(name, task);
  else setImmediate(() => background.run(name, task));
}

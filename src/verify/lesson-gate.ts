// Lessons verified at the same time in one process share the cluster, except a lesson that names
// namespaces of its own: its identity is given every namespace created while it runs (see
// src/sandbox/lesson-credentials.ts), two lessons may use the same fixed name, and what it lists
// across namespaces would show the others' objects. Such a lesson runs alone. verify-course
// already orders a course that way; this gate holds for every caller (the test suites verify
// several lessons and courses side by side on one cluster).

export type LessonTurn = 'together' | 'alone';

/** A readers–writer lock: many `together` at once, one `alone` with nothing else. A waiting `alone` goes first. */
export class LessonGate {
  #together = 0;
  #alone = false;
  readonly #waiting: { turn: LessonTurn; go: () => void }[] = [];

  async run<T>(turn: LessonTurn, work: () => Promise<T>): Promise<T> {
    await this.#acquire(turn);
    try {
      return await work();
    } finally {
      if (turn === 'alone') this.#alone = false;
      else this.#together--;
      this.#wake();
    }
  }

  #acquire(turn: LessonTurn): Promise<void> {
    return new Promise((resolve) => {
      this.#waiting.push({ turn, go: resolve });
      this.#wake();
    });
  }

  #wake(): void {
    while (this.#waiting.length > 0 && !this.#alone) {
      const next = this.#waiting[0] as { turn: LessonTurn; go: () => void };
      if (next.turn === 'alone') {
        if (this.#together > 0) return;
        this.#alone = true;
      } else {
        this.#together++;
      }
      this.#waiting.shift();
      next.go();
    }
  }
}

/** The one gate of this process. */
export const lessonGate = new LessonGate();

/**
 * A JUnit test suite as plain data: what each engine's report maps to (its own
 * `junit.ts`), and what the report writer (src/junit/xml.ts) turns into XML for CI.
 */
export interface JunitCase {
  name: string;
  /** groups cases in CI views; default: the suite's name */
  classname?: string;
  /** seconds */
  time?: number;
  /** a violation, difference or forbidden outcome */
  failure?: { message: string; body: string };
  /** not run, and why (e.g. a scenario with no kernel equivalent) */
  skipped?: string;
}

export interface JunitSuite {
  /** e.g. `tsync-lab stress` */
  name: string;
  cases: JunitCase[];
  /** seconds; default: the sum of the cases' */
  time?: number;
  /** shown by most CI viewers: seed, design, command line… */
  properties?: Record<string, string | number>;
}

/** The first line of a message: a failure's one-line summary. */
export const firstLine = (s: string): string => s.split('\n')[0] ?? '';

/** The files an experiment result is written to (`experiment` and `merge`): JSON, HTML, JUnit, each atomically. */
import { writeJsonAtomic } from '../shared/json-file.ts';
import { writeHtmlAtomic } from '../experiment/html.ts';
import { writeJunitAtomic } from '../junit/xml.ts';
import { experimentSuite } from '../experiment/junit.ts';

type Result = Parameters<typeof writeHtmlAtomic>[1] & Parameters<typeof experimentSuite>[0];

export function writeExperimentOutputs(result: Result, out: { json?: string | undefined; html?: string | undefined; junit?: string | undefined }, err: NodeJS.WritableStream): void {
  if (out.json) {
    writeJsonAtomic(out.json, result);
    err.write(`wrote ${out.json}\n`);
  }
  if (out.html) {
    writeHtmlAtomic(out.html, result);
    err.write(`wrote ${out.html}\n`);
  }
  if (out.junit) {
    writeJunitAtomic(out.junit, [experimentSuite(result)]);
    err.write(`wrote ${out.junit}\n`);
  }
}

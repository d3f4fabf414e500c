/**
 * The completeness sweep (npm run sweep) mutates the correct code by text: every
 * mutation's text must still be in the source exactly once, or the sweep would test
 * nothing. (The sweep itself runs stress campaigns: a benchmark, not a unit test.)
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MUTATIONS } from '../bench/sweep-mutations.ts';

for (const mu of MUTATIONS) {
  test(`sweep mutation still applies: ${mu.name}`, (t) => {
    const text = readFileSync(fileURLToPath(new URL(`../src/${mu.file}`, import.meta.url)), 'utf8');
    t.is(text.split(mu.find).length, 2, `src/${mu.file} must contain the mutation's text exactly once`);
  });
}

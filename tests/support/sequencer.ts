/**
 * The order vitest starts test files in. Its own sequencer runs the longest files first when it has
 * timings from an earlier run, and by file size otherwise, as on CI's fresh checkout: there the
 * recordings' replay (a small file that replays every recording on both stores, about 6 minutes)
 * started last and ran alone at the end while the other worker had nothing left. The files known to
 * take minutes start first here, so the two workers end together.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** slowest first (seconds on CI's 2 cores, 2026-12-07) */
const LONG_FILES = [
  'tests/golden/oracle-recordings.test.ts', // 358
  'tests/integration/cli/db-cli.test.ts', // 118
  'tests/integration/storage/pglite.test.ts', // 79
  'tests/integration/appliance/store-move.test.ts', // 53
  'tests/integration/server/server-process.test.ts', // 46
];

export default class LongFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const index = LONG_FILES.findIndex((file) => spec.moduleId.endsWith(file));
      return index < 0 ? LONG_FILES.length : index;
    };
    // a stable sort: the others keep vitest's order
    return sorted.map((spec, i) => ({ spec, i })).sort((a, b) => rank(a.spec) - rank(b.spec) || a.i - b.i).map((x) => x.spec);
  }
}

import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Test files that take longest, longest first (measured; see CONTRIBUTING.md "Test suite speed"). With
 * two workers, the suite ends when its longest file does: started first, the long files overlap with
 * everything else instead of running alone at the end (a fresh clone has no timing cache to sort by).
 */
const LONGEST_FIRST = ["output-flavours", "cli", "hostile-files", "custom-layers", "realworld", "web-converter", "fuzz", "atomic-output", "packaging", "hostile-names", "ops", "layers-conv", "realworld-tfjs", "test-vectors", "typecheck", "hermes", "attention", "layers-shape"];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = LONGEST_FIRST.findIndex((name) => f.moduleId.endsWith(`/test/${name}.test.ts`));
      return i < 0 ? LONGEST_FIRST.length : i;
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Generated modules and the test files keras2ts writes beside them (--test-vectors) are not ours to run.
    exclude: ["test/.generated/**", "**/node_modules/**"],
    globalSetup: ["test/setup/global.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // One process per worker for all its files: each file no longer pays for importing the generator,
    // TypeScript and tfjs again (~45 s of the suite on two cores). Helpers keep per-file state per file
    // (currentTestFile in test/helpers/cases.ts) and select the global state they need (tfjs backend, kernels).
    isolate: false,
    // Vitest's default is one worker per core minus one: a single worker on a 2-core machine.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    sequence: { sequencer: LongestFirst },
  },
});

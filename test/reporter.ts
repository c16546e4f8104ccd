/** mocha's spec reporter plus one plain closing line ("N passed, N failed, N skipped") that CI reads. */
import Mocha from 'mocha';

class TwinReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.once('end', () => {
      const s = runner.stats;
      if (s) console.log(`${s.passes} passed, ${s.failures} failed, ${s.pending} skipped`);
    });
  }
}

export = TwinReporter;

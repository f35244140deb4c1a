// Mocha takes one reporter: this one shows the spec reporter in the terminal and writes JUnit
// XML for CI at the same time (to MOCHA_FILE, default reports/junit/results.xml). The JUnit part
// is small and written here because the published mocha-junit-reporter fails on Mocha 12.
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END, EVENT_SUITE_BEGIN, EVENT_SUITE_END } = Mocha.Runner.constants;
const xml = (s) => String(s)
  .replace(/\u001b\[[0-9;]*m/g, '')
  .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]/g, '')
  .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

class SpecAndJUnit extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const suites = new Map();
    const record = (test, outcome, err) => {
      const suite = test.parent ? test.parent.fullTitle() : 'root';
      if (!suites.has(suite)) suites.set(suite, []);
      suites.get(suite).push({ title: test.title, file: test.file, seconds: (test.duration ?? 0) / 1000, outcome, err });
    };
    // A suite's own time, hooks included: a verify suite spends nearly all of it in before().
    const suiteTimes = new Map();
    runner.on(EVENT_SUITE_BEGIN, (suite) => suiteTimes.set(suite.fullTitle(), { began: Date.now() }));
    runner.on(EVENT_SUITE_END, (suite) => {
      const entry = suiteTimes.get(suite.fullTitle());
      if (entry) entry.seconds = (Date.now() - entry.began) / 1000;
    });
    runner.on(EVENT_TEST_PASS, (t) => record(t, 'pass'));
    runner.on(EVENT_TEST_FAIL, (t, err) => record(t, 'fail', err));
    runner.on(EVENT_TEST_PENDING, (t) => record(t, 'skip'));
    runner.once(EVENT_RUN_END, () => {
      const file = process.env.MOCHA_FILE ?? 'reports/junit/results.xml';
      const body = [...suites.entries()].map(([name, tests]) => {
        const failures = tests.filter((t) => t.outcome === 'fail').length;
        const cases = tests.map((t) => {
          const inner = t.outcome === 'fail'
            ? `<failure message="${xml(t.err?.message?.split('\n')[0] ?? '')}">${xml(t.err?.message ?? '')}\n${xml(t.err?.stack ?? '')}</failure>`
            : t.outcome === 'skip' ? '<skipped/>' : '';
          return `    <testcase classname="${xml(name)}" name="${xml(t.title)}" file="${xml(t.file ?? '')}" time="${t.seconds.toFixed(3)}">${inner}</testcase>`;
        }).join('\n');
        const time = suiteTimes.get(name)?.seconds;
        const timeAttribute = time === undefined ? '' : ` time="${time.toFixed(3)}"`;
        return `  <testsuite name="${xml(name)}" tests="${tests.length}" failures="${failures}" skipped="${tests.filter((t) => t.outcome === 'skip').length}"${timeAttribute}>\n${cases}\n  </testsuite>`;
      }).join('\n');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${body}\n</testsuites>\n`);
    });
  }
}

module.exports = SpecAndJUnit;

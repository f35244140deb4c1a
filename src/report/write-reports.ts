// Writes every report format of one verification next to each other and returns their paths.
// The lesson's text (read again here) gives the fixable findings their exact lines: SARIF
// `fixes`, and GitHub suggested changes (<name>.review.json, <name>.suggestions.md) when any.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { reviewComments, suggestionsMarkdown } from './github-suggestions.ts';
import { htmlReport } from './html-report.ts';
import { jsonReport } from './json-report.ts';
import { junitReport } from './junit-report.ts';
import { markdownReport } from './markdown-report.ts';
import { sarifReport } from './sarif-report.ts';
import type { VerificationReport } from './verification-report.ts';

export type ReportFiles = Record<'html' | 'markdown' | 'junit' | 'json' | 'sarif', string> & { review?: string; suggestions?: string };

export async function writeReports(report: VerificationReport, dir: string): Promise<ReportFiles> {
  await mkdir(dir, { recursive: true });
  const stem = path.join(dir, path.basename(report.lesson, path.extname(report.lesson)));
  const source = await readFile(report.lesson, 'utf8').catch(() => undefined);
  const files: ReportFiles = { html: `${stem}.html`, markdown: `${stem}.md`, junit: `${stem}.junit.xml`, json: `${stem}.json`, sarif: `${stem}.sarif` };
  const writes = [
    writeFile(files.html, htmlReport(report)),
    writeFile(files.markdown, markdownReport(report)),
    writeFile(files.junit, junitReport(report)),
    writeFile(files.json, jsonReport(report)),
    writeFile(files.sarif, sarifReport(report, source === undefined ? {} : { source })),
  ];
  const review = source === undefined ? undefined : reviewComments(report, source);
  const suggestions = source === undefined ? undefined : suggestionsMarkdown(report, source);
  if (review && suggestions) {
    files.review = `${stem}.review.json`;
    files.suggestions = `${stem}.suggestions.md`;
    writes.push(writeFile(files.review, `${JSON.stringify(review, null, 2)}\n`), writeFile(files.suggestions, suggestions));
  }
  await Promise.all(writes);
  return files;
}

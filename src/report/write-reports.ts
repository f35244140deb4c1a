// Writes every report format of one verification next to each other and returns their paths.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { htmlReport } from './html-report.ts';
import { jsonReport } from './json-report.ts';
import { junitReport } from './junit-report.ts';
import { markdownReport } from './markdown-report.ts';
import { sarifReport } from './sarif-report.ts';
import type { VerificationReport } from './verification-report.ts';

export async function writeReports(report: VerificationReport, dir: string): Promise<Record<'html' | 'markdown' | 'junit' | 'json' | 'sarif', string>> {
  await mkdir(dir, { recursive: true });
  const stem = path.join(dir, path.basename(report.lesson, path.extname(report.lesson)));
  const files = { html: `${stem}.html`, markdown: `${stem}.md`, junit: `${stem}.junit.xml`, json: `${stem}.json`, sarif: `${stem}.sarif` };
  await Promise.all([
    writeFile(files.html, htmlReport(report)),
    writeFile(files.markdown, markdownReport(report)),
    writeFile(files.junit, junitReport(report)),
    writeFile(files.json, jsonReport(report)),
    writeFile(files.sarif, sarifReport(report)),
  ]);
  return files;
}

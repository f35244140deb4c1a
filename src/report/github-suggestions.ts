/**
 * The mechanical fixes as GitHub suggested changes, which an author accepts with one click on the
 * pull request: the body of a pull-request review whose comments hold ```suggestion blocks
 * (`gh api repos/OWNER/REPO/pulls/N/reviews --input <name>.review.json`), and the same blocks as
 * Markdown for reading. GitHub takes a comment only on lines of the pull request's diff, so this
 * suits a pull request that changes the lesson.
 */
import path from 'node:path';
import { suggestedChanges, type SuggestedChange } from '../fix/suggested-changes.ts';
import { allFindings, sortFindings, type VerificationReport } from './verification-report.ts';

export interface ReviewComment {
  path: string;
  /** The last line the suggestion replaces; `start_line` the first, when it spans several. */
  line: number;
  start_line?: number;
  side: 'RIGHT';
  start_side?: 'RIGHT';
  body: string;
}

/** The request body of GitHub's "create a review for a pull request" (REST), or undefined when nothing is fixable. */
export interface Review {
  event: 'COMMENT';
  body: string;
  comments: ReviewComment[];
}

/** A fence longer than any run of backticks in the text, so a suggestion holding ``` stays one block. */
function fence(lines: string[]): string {
  const longest = Math.max(2, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((r) => r.length))));
  return '`'.repeat(longest + 1);
}

function suggestionBlock(change: SuggestedChange): string {
  const f = fence(change.lines);
  const titles = [...new Set(change.findings.map((x) => x.title))];
  return [`**lesson-verify:** ${titles.join('; ')}`, '', `${f}suggestion`, ...change.lines, f].join('\n');
}

/** `root`: the repository's root; GitHub needs the path relative to it. */
export function reviewComments(report: VerificationReport, source: string, root = process.cwd()): Review | undefined {
  const changes = suggestedChanges(source, sortFindings(allFindings(report)));
  if (changes.length === 0) return undefined;
  const file = (path.isAbsolute(report.lesson) ? path.relative(root, report.lesson) : report.lesson).split(path.sep).join('/');
  return {
    event: 'COMMENT',
    body: `lesson-verify on ${report.cluster.provider} ${report.cluster.version}: ${changes.length} suggested change(s) for ${file} (each as the cluster printed it; accept them one by one, or run \`lesson-verify --fix\`).`,
    comments: changes.map((c) => ({
      path: file, line: c.endLine, side: 'RIGHT' as const, body: suggestionBlock(c),
      ...(c.startLine < c.endLine ? { start_line: c.startLine, start_side: 'RIGHT' as const } : {}),
    })),
  };
}

export function suggestionsMarkdown(report: VerificationReport, source: string, root = process.cwd()): string | undefined {
  const review = reviewComments(report, source, root);
  if (!review) return undefined;
  const sections = review.comments.map((c) => `## ${c.path}, ${c.start_line ? `lines ${c.start_line}–${c.line}` : `line ${c.line}`}\n\n${c.body}\n`);
  return `# Suggested changes\n\n${review.body}\n\n${sections.join('\n')}`;
}

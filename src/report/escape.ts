/**
 * Escaping shared by the writers. Lesson text and command output are untrusted: a lesson can
 * contain `<script>`, and kubectl output can contain ANSI escapes, which are not even legal XML.
 */

// XML 1.0 forbids most C0 control characters; a JUnit file containing one is rejected by CI.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
// eslint-disable-next-line no-control-regex -- ANSI escapes start with ESC
const ANSI = /\u001B\[[0-9;]*[A-Za-z]/g;

/** For HTML and XML text and double- or single-quoted attributes. */
export function escapeXml(text: string): string {
  return text
    .replace(ANSI, '')
    .replace(XML_INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** For a GitHub-flavoured Markdown table cell: no pipes, no raw HTML, newlines as <br>. */
export function escapeMarkdownCell(text: string): string {
  return escapeXml(text).replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

// Docs-site pages (the Kubernetes website's Hugo style): shortcodes become steps at the page's own
// lines, example URLs run on a copy from the site's examples folder, and a path out of it is refused.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { examplePath, localiseExampleUrls } from '../../src/lesson/example-urls.ts';
import { findExamplesFolder, openExamplesFolder, type ExamplesFolder } from '../../src/lesson/examples-folder.ts';
import { expandShortcodes } from '../../src/lesson/hugo-shortcodes.ts';
import { LessonError } from '../../src/lesson/lesson-error.ts';
import { exampleFindings, fileNameFindings, parseLesson, type CommandStep, type FileStep, type Lesson, type Step } from '../../src/lesson/parse-lesson.ts';

const JOB = 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\nspec:\n  template:\n    spec:\n      containers:\n      - name: pi\n        image: perl\n      restartPolicy: Never\n';
const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: nginx\nspec:\n  containers:\n  - name: nginx\n    image: nginx\n';

/** A site with content/en/examples, one page folder, and the examples the pages use. */
function site(): { root: string; examples: string; page: string; cleanup: () => void } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'hugo-site-'));
  const examples = path.join(root, 'content', 'en', 'examples');
  mkdirSync(path.join(examples, 'controllers'), { recursive: true });
  mkdirSync(path.join(examples, 'pods'), { recursive: true });
  writeFileSync(path.join(examples, 'controllers', 'job.yaml'), JOB);
  writeFileSync(path.join(examples, 'pods', 'simple-pod.yaml'), POD);
  writeFileSync(path.join(examples, 'pods', 'broken.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: "x\n');
  writeFileSync(path.join(root, 'secret.yaml'), 'apiVersion: v1\nkind: Secret\n');
  symlinkSync(path.join(root, 'secret.yaml'), path.join(examples, 'pods', 'escape.yaml'));
  const page = path.join(root, 'content', 'en', 'docs', 'tasks', 'job');
  mkdirSync(page, { recursive: true });
  return { root, examples, page, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

const steps = (lesson: Lesson): Step[] => lesson.exercises.flatMap((e) => e.steps);
const commands = (lesson: Lesson): CommandStep[] => steps(lesson).filter((s): s is CommandStep => s.kind === 'command');
const files = (lesson: Lesson): FileStep[] => steps(lesson).filter((s): s is FileStep => s.kind === 'file');
/** A page's text from lines: line n of the array is page line n + 1. */
const page = (...lines: string[]): string => `${lines.join('\n')}\n`;

describe('Hugo pages: example URLs', () => {
  const cases: [string, string | undefined][] = [
    ['https://k8s.io/examples/controllers/job.yaml', 'controllers/job.yaml'],
    ['https://kubernetes.io/examples/pods/simple-pod.yaml', 'pods/simple-pod.yaml'],
    ['http://www.kubernetes.io/examples/pods/simple-pod.yaml?raw=true', 'pods/simple-pod.yaml'],
    ['https://raw.githubusercontent.com/kubernetes/website/main/content/en/examples/application/deployment.yaml', 'application/deployment.yaml'],
    ['https://github.com/kubernetes/website/raw/main/content/en/examples/pods/x.yaml', 'pods/x.yaml'],
    ['https://k8s.io/examples/pods/my%20pod.yaml', 'pods/my pod.yaml'],
    ['https://k8s.io/docs/concepts/', undefined],
    ['https://example.com/examples/x.yaml', undefined],
    ['https://raw.githubusercontent.com/someone/else/main/content/en/examples/x.yaml', undefined],
  ];
  for (const [url, expected] of cases) it(`${url} → ${expected ?? 'not an example'}`, () => expect(examplePath(url)).to.equal(expected));

  it('maps -f, --filename and --filename= URLs, quoted or not, in kubectl commands only', () => {
    expect(localiseExampleUrls('kubectl apply -f https://k8s.io/examples/controllers/job.yaml').command).to.equal('kubectl apply -f .examples/controllers/job.yaml');
    expect(localiseExampleUrls('kubectl create --filename="https://k8s.io/examples/a.yaml"').command).to.equal('kubectl create --filename=".examples/a.yaml"');
    const two = localiseExampleUrls('kubectl delete -f https://k8s.io/examples/a.yaml --filename https://kubernetes.io/examples/b.yaml');
    expect(two.command).to.equal('kubectl delete -f .examples/a.yaml --filename .examples/b.yaml');
    expect(two.uses.map((u) => u.example)).to.deep.equal(['a.yaml', 'b.yaml']);
    expect(localiseExampleUrls('kubectl apply -f https://example.com/x.yaml').uses).to.deep.equal([]);
    expect(localiseExampleUrls('curl -f https://k8s.io/examples/a.yaml').uses).to.deep.equal([]);
    // A decoded name stays one word, and nothing in it is expanded by the shell.
    expect(localiseExampleUrls('kubectl apply -f https://k8s.io/examples/my%20pod%24(id).yaml').command).to.equal("kubectl apply -f '.examples/my pod$(id).yaml'");
    expect(localiseExampleUrls('kubectl apply -f "https://k8s.io/examples/a%24b.yaml"').command).to.equal('kubectl apply -f ".examples/a\\$b.yaml"');
  });
});

describe('Hugo pages: shortcodes keep every line in place', () => {
  it('blanks tags, keeps newlines, and a tooltip becomes its text', () => {
    const body = page('A {{< glossary_tooltip text="Job" term_id="job" >}} runs', '{{< feature-state for_k8s_version="v1.24"', 'state="stable" >}}', 'end {{< param "version" >}}.');
    const { body: out } = expandShortcodes(body, 'p.md');
    expect(out.split('\n')).to.have.length(body.split('\n').length);
    expect(out.split('\n')).to.deep.equal(['A Job runs', '', '', 'end .', '']);
  });

  it('shows an escaped shortcode literally and leaves Go templates alone', () => {
    const { body } = expandShortcodes('use {{</* note */>}} and {{ .status }}\n', 'p.md');
    expect(body).to.equal('use {{< note >}} and {{ .status }}\n');
  });

  it('keeps only the first tab of a group, its Markdown in place', () => {
    const text = page('{{< tabs name="t" >}}', '{{% tab name="A" %}}', 'first', '{{% /tab %}}', '{{% tab name="B" %}}', 'second', '{{% /tab %}}', '{{< /tabs >}}');
    expect(expandShortcodes(text, 'p.md').body.split('\n')).to.deep.equal(['', '', 'first', '', '', '', '', '', '']);
  });

  it('a <!-- verify: tab=N --> or tabs=all marker right before the group chooses', () => {
    const group = ['{{< tabs name="t" >}}', '{{% tab name="A" %}}', 'first', '{{% /tab %}}', '{{% tab name="B" %}}', 'second', '{{% /tab %}}', '{{< /tabs >}}'];
    expect(expandShortcodes(page('<!-- verify: tab=2 -->', ...group), 'p.md').body.split('\n')[6]).to.equal('second');
    expect(expandShortcodes(page('<!-- verify: tab=2 -->', ...group), 'p.md').body.split('\n')[3]).to.equal('');
    const all = expandShortcodes(page('<!-- verify: tabs=all -->', '', ...group), 'p.md').body.split('\n');
    expect([all[4], all[7]]).to.deep.equal(['first', 'second']);
    expect(() => expandShortcodes(page('', '<!-- verify: tab=3 -->', ...group), 'p.md')).to.throw(LessonError, /p\.md:2: tab=3 but the tabs group at line 3 has 2 tab\(s\)/);
  });

  it('an unclosed shortcode is left as text (and does not slow the page down)', () => {
    const hostile = '{{< '.repeat(50_000);
    const started = Date.now();
    expect(expandShortcodes(hostile, 'p.md').body).to.equal(hostile);
    expect(Date.now() - started).to.be.below(2_000);
  });
});

describe('Hugo pages: parsed as a student follows them', () => {
  let s: ReturnType<typeof site>;
  let examples: ExamplesFolder;
  before(() => {
    s = site();
    examples = openExamplesFolder(s.examples, 'test');
  });
  after(() => s.cleanup());

  it('skips YAML and TOML front matter, titles the lesson from it, keeps lines', () => {
    const yaml = parseLesson(page('---', 'title: Run a Job', 'weight: 10', '---', '', '## Go', '', '```shell', 'kubectl get pods', '```'), 'p.md');
    expect(yaml.title).to.equal('Run a Job');
    expect(commands(yaml)[0]?.line).to.equal(9);
    const toml = parseLesson(page('+++', 'title = "Run a TOML Job"', '+++', '## Go', '```shell', 'kubectl get pods', '```'), 'p.md');
    expect(toml.title).to.equal('Run a TOML Job');
    expect(commands(toml)[0]?.line).to.equal(6);
  });

  it('code_sample and codenew include the example as a manifest at the shortcode\'s line, named by the next apply', () => {
    const lesson = parseLesson(page(
      '## Run it', // 1
      '', // 2
      '{{% code_sample file="controllers/job.yaml" %}}', // 3
      '', // 4
      '```shell', // 5
      'kubectl apply -f https://k8s.io/examples/controllers/job.yaml', // 6
      '```', // 7
      '', // 8
      '{{< codenew file="pods/simple-pod.yaml" >}}', // 9
      '', // 10
      '```shell', // 11
      'kubectl apply -f simple-pod.yaml', // 12
      '```', // 13
    ), 'p.md', { examples });
    expect(files(lesson).map((f) => [f.line, f.fileName, f.nameSource, f.example])).to.deep.equal([
      [3, '.examples/controllers/job.yaml', 'next-apply', 'controllers/job.yaml'],
      [6, '.examples/controllers/job.yaml', 'example', 'controllers/job.yaml'],
      [9, 'simple-pod.yaml', 'next-apply', 'pods/simple-pod.yaml'],
    ]);
    expect(files(lesson)[0]?.content).to.equal(JOB);
    expect(commands(lesson).map((c) => [c.line, c.command])).to.deep.equal([[6, 'kubectl apply -f .examples/controllers/job.yaml'], [12, 'kubectl apply -f simple-pod.yaml']]);
    // Showing a manifest and applying the site's copy by URL is no file-name mismatch.
    expect(fileNameFindings(lesson)).to.deep.equal([]);
  });

  it('a command tab runs its name with the tab\'s text as output; a code tab is a block; others are dropped', () => {
    const lesson = parseLesson(page(
      '## Check', // 1
      '{{< tabs name="status" >}}', // 2
      '{{< tab name="kubectl get job pi" codelang="bash" >}}', // 3
      'NAME   STATUS', // 4
      'pi     Complete', // 5
      '{{< /tab >}}', // 6
      '{{< tab name="kubectl describe job pi" codelang="bash" >}}', // 7
      'Name: pi', // 8
      '{{< /tab >}}', // 9
      '{{< /tabs >}}', // 10
      '<!-- verify: tabs=all -->', // 11
      '{{< tabs name="run" >}}', // 12
      '{{< tab name="Shell" codelang="shell" >}}', // 13
      'kubectl get pods', // 14
      '{{< /tab >}}', // 15
      '{{% tab name="Manifest" %}}', // 16
      '```yaml', // 17
      POD.trimEnd(), // 18-25
      '```', // 26
      '{{% /tab %}}', // 27
      '{{< /tabs >}}', // 28
    ), 'p.md', { examples });
    expect(commands(lesson).map((c) => [c.line, c.command, c.outputs])).to.deep.equal([
      [3, 'kubectl get job pi', [{ line: 4, text: 'NAME   STATUS\npi     Complete' }]],
      [14, 'kubectl get pods', []],
    ]);
    expect(files(lesson).map((f) => f.line)).to.deep.equal([18]);
  });

  it('an include inside a dropped tab is not read', () => {
    const lesson = parseLesson(page(
      '## Create', '{{< tabs name="t" >}}', '{{% tab name="kubectl" %}}', '```shell', 'kubectl run nginx --image=nginx', '```', '{{% /tab %}}',
      '{{% tab name="manifest" %}}', '{{% code_sample file="pods/missing.yaml" %}}', '{{% /tab %}}', '{{< /tabs >}}',
    ), 'p.md', { examples });
    expect(commands(lesson).map((c) => c.command)).to.deep.equal(['kubectl run nginx --image=nginx']);
    expect(lesson.exampleProblems).to.deep.equal([]);
  });

  it('note, caution and warning bodies are prose: their code blocks do not run', () => {
    const lesson = parseLesson(page(
      '## Run', '{{< note >}}', 'To keep the pods:', '```shell', 'kubectl delete job pi --cascade=orphan', '```', '{{< /note >}}',
      '{{< warning >}}', '```shell', 'kubectl delete ns default', '```', '{{< /warning >}}', '```shell', 'kubectl get pods', '```',
    ), 'p.md');
    expect(commands(lesson).map((c) => [c.line, c.command])).to.deep.equal([[14, 'kubectl get pods']]);
  });

  it('an example URL with no local file, or with no examples folder, is a finding at its line and is not run', () => {
    const md = page('## Run', '', '```shell', 'kubectl apply -f https://k8s.io/examples/pods/nope.yaml', 'kubectl get pods', '```', '{{% code_sample file="pods/gone.yaml" %}}');
    const lesson = parseLesson(md, 'p.md', { examples });
    expect(commands(lesson).map((c) => [c.command, c.missingExample ?? false])).to.deep.equal([
      ['kubectl apply -f https://k8s.io/examples/pods/nope.yaml', true], ['kubectl get pods', false],
    ]);
    const findings = exampleFindings(lesson);
    expect(findings.map((f) => [f.line, f.severity, f.title])).to.deep.equal([[4, 'error', 'example file not found'], [7, 'error', 'example file not found']]);
    expect(findings[0]?.clusterDid).to.contain(path.join(s.examples, 'pods', 'nope.yaml'));
    expect(findings[0]?.suggestion).to.match(/--examples DIR \(or LESSON_HARNESS_EXAMPLES\)/);
    const none = exampleFindings(parseLesson(md, 'p.md'));
    expect(none.map((f) => f.line)).to.deep.equal([4, 7]);
    expect(none[0]?.clusterDid).to.match(/no examples folder to read it from/);
  });

  it('refuses an example path that leaves the examples folder, at its line', () => {
    const at = (md: string): string => {
      try {
        parseLesson(md, 'p.md', { examples });
      } catch (error) {
        if (error instanceof LessonError) return `${error.line}: ${error.problem}`;
        throw error;
      }
      return 'not refused';
    };
    expect(at(page('## x', '{{% code_sample file="../../../secret.yaml" %}}'))).to.match(/^2: the example \.\.\/\.\.\/\.\.\/secret\.yaml is not inside the examples folder/);
    expect(at(page('## x', '{{% code_sample file="/etc/passwd" %}}'))).to.match(/^2: .*absolute path/);
    expect(at(page('## x', '```shell', 'kubectl apply -f https://k8s.io/examples/../../secret.yaml', '```'))).to.match(/^3: .*not inside the examples folder/);
    expect(at(page('## x', '', '{{< codenew file="pods/escape.yaml" >}}'))).to.match(/^3: the example pods\/escape\.yaml resolves to .*secret\.yaml, outside the examples folder/);
  });

  it('a broken example manifest is reported at the shortcode\'s line, naming the file and its own line', () => {
    expect(() => parseLesson(page('## x', '', '{{% code_sample file="pods/broken.yaml" %}}'), 'p.md', { examples })).to.throw(LessonError, /^p\.md:3: pods\/broken\.yaml:4: YAML does not parse/);
  });

  it('finds content/en/examples above the page; an explicit folder that is not one is refused', () => {
    const lessonPath = path.join(s.page, 'run.md');
    expect(findExamplesFolder(lessonPath)?.dir).to.equal(s.examples);
    expect(findExamplesFolder(path.join(os.tmpdir(), 'nowhere', 'x.md'))).to.equal(undefined);
    expect(() => findExamplesFolder(lessonPath, { dir: path.join(s.root, 'nope'), origin: '--examples' })).to.throw(/is not a folder/);
  });
});

// npm run bench:course [-- 1,2,4,8] — how a course run scales with the number of lessons on one
// machine: N copies of the Jobs lesson (lessons/kubernetes-jobs.md) verified at once on one
// cluster (--jobs N), for each N. Prints wall time against N, the CPU the harness and the
// cluster used, their peak RSS, the machine's CPU use, and where it stops scaling.
// Goal (issue 12): 8 lessons in ≤ 2 × the time of one.
//
// The copies need no renaming: verify-course gives every lesson a namespace of its own (its
// objects, `countdown`, `job-2` …, are namespaced) and the Jobs lesson names no namespace, so
// the copies run side by side (src/course/verify-course.ts). They only need distinct paths.
// BENCH_COURSE_N (or the first argument): the N list, default 1,2,4,8. BENCH_COURSE_JOBS: a fixed
// --jobs instead of N (e.g. 2, the default of `npm run verify` on 2 cores).
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveProvider } from '../src/cluster-providers/resolve-provider.ts';
import { LocalClusterProvider } from '../src/cluster-providers/local/local-cluster-provider.ts';
import { projectRoot } from '../src/config/project-root.ts';
import { verifyCourse } from '../src/course/verify-course.ts';
import { allFindings } from '../src/report/verification-report.ts';

const counts = (process.argv[2] ?? process.env.BENCH_COURSE_N ?? '1,2,4,8').split(',').map(Number);
if (counts.some((n) => !Number.isInteger(n) || n < 1)) throw new TypeError(`Expected a list of positive integers such as 1,2,4,8, got \`${counts.join(',')}\``);
const fixedJobs = process.env.BENCH_COURSE_JOBS ? Number(process.env.BENCH_COURSE_JOBS) : undefined;
const lesson = path.join(projectRoot, 'lessons', 'kubernetes-jobs.md');
const ticks = 100; // USER_HZ: /proc times are in 1/100 s on Linux

interface ProcessSample { ppid: number; cpuSeconds: number; rssBytes: number }

async function readProcesses(): Promise<Map<number, ProcessSample & { cluster: boolean }>> {
  const found = new Map<number, ProcessSample & { cluster: boolean }>();
  await Promise.all((await readdir('/proc')).filter((e) => /^\d+$/.test(e)).map(async (e) => {
    const pid = Number(e);
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    // Fields after the command (which may hold spaces) start at state: ppid is 4th, utime 14th …
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.length < 22) return;
    const cpu = (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / ticks;
    const rss = Number(fields[21]) * 4096;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    const cgroup = await readFile(`/proc/${pid}/cgroup`, 'utf8').catch(() => '');
    const cluster = (stateRoot !== undefined && cmdline.includes(stateRoot)) || (cgroupRoot !== undefined && cgroup.includes(`${cgroupRoot}/`));
    found.set(pid, { ppid: Number(fields[1]), cpuSeconds: cpu, rssBytes: rss, cluster });
  }));
  return found;
}

/** How the local cluster's processes are recognised (as its teardown does): none for other providers. */
let stateRoot: string | undefined;
let cgroupRoot: string | undefined;

/** Descendants of the harness (sandboxes, kubectl, bash) and the cluster's processes, sampled every second. */
function sampleUsage(): { stop: () => Promise<{ harnessCpu: number; clusterCpu: number; harnessPeakRss: number; clusterPeakRss: number; machineBusy: number }> } {
  const firstCpu = new Map<number, number>();
  const lastCpu = new Map<number, { cpu: number; cluster: boolean }>();
  let harnessPeakRss = 0;
  let clusterPeakRss = 0;
  const machineAt = (): Promise<{ busy: number; total: number }> => readFile('/proc/stat', 'utf8').then((s) => {
    const cpu = (s.split('\n')[0] ?? '').split(/\s+/).slice(1).map(Number);
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
    const total = cpu.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  });
  const machineStart = machineAt();
  let running = true;
  let first = true;
  const sample = async (): Promise<void> => {
    const processes = await readProcesses();
    const ours = new Set<number>([process.pid]);
    // Repeat until no new descendant is found: /proc order is not parent-first.
    for (let grew = true; grew;) {
      grew = false;
      for (const [pid, p] of processes) if (!ours.has(pid) && ours.has(p.ppid) && !p.cluster) { ours.add(pid); grew = true; }
    }
    let harnessRss = 0;
    let clusterRss = 0;
    for (const [pid, p] of processes) {
      if (!ours.has(pid) && !p.cluster) continue;
      if (p.cluster) clusterRss += p.rssBytes;
      else harnessRss += p.rssBytes;
      // What ran before the first sample is not this run's; a process born later used all of its CPU here.
      if (!firstCpu.has(pid)) firstCpu.set(pid, first ? p.cpuSeconds : 0);
      lastCpu.set(pid, { cpu: p.cpuSeconds, cluster: p.cluster });
    }
    first = false;
    harnessPeakRss = Math.max(harnessPeakRss, harnessRss);
    clusterPeakRss = Math.max(clusterPeakRss, clusterRss);
  };
  const loop = (async () => {
    while (running) {
      await sample();
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      await sample();
      const [from, to] = [await machineStart, await machineAt()];
      let harnessCpu = 0;
      let clusterCpu = 0;
      for (const [pid, last] of lastCpu) {
        // The harness's own figure includes every child it waited for (cutime), so only it counts
        // for the harness side; a cluster process counts what it used while we watched.
        const used = last.cpu - (firstCpu.get(pid) ?? 0);
        if (pid === process.pid) harnessCpu += used;
        else if (last.cluster) clusterCpu += used;
      }
      return { harnessCpu, clusterCpu, harnessPeakRss, clusterPeakRss, machineBusy: (to.busy - from.busy) / Math.max(1, to.total - from.total) };
    },
  };
}

const { provider } = await resolveProvider({ provider: process.env.LESSON_HARNESS_PROVIDER ?? 'local' });
if (provider instanceof LocalClusterProvider) {
  stateRoot = provider.layout.root;
  cgroupRoot = provider.layout.cgroupRoot;
}
const startBegan = Date.now();
const cluster = await provider.start();
process.stderr.write(`cluster ${cluster.provider} ${cluster.version} started in ${((Date.now() - startBegan) / 1000).toFixed(1)} s\n`);

interface Row { n: number; jobs: number; wall: number; lessonMean: number; errors: string; harnessCpu: number; clusterCpu: number; harnessPeakRss: number; clusterPeakRss: number; machineBusy: number; load: number }
const rows: Row[] = [];
const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-course-'));
try {
  for (const n of counts) {
    const copies: string[] = [];
    for (let i = 1; i <= n; i++) {
      const copy = path.join(dir, `n${n}`, `jobs-${i}.md`);
      await mkdir(path.dirname(copy), { recursive: true });
      await copyFile(lesson, copy);
      copies.push(copy);
    }
    const jobs = fixedJobs ?? n;
    process.stderr.write(`N = ${n} (--jobs ${jobs})…\n`);
    const usage = sampleUsage();
    const began = Date.now();
    const course = await verifyCourse({ lessons: copies, cluster, jobs, log: (line) => { if (line.includes('▶')) process.stderr.write(`  ${line.trim()}\n`); } });
    const wall = (Date.now() - began) / 1000;
    const used = await usage.stop();
    // Each copy must find what one lesson alone finds: a differing count is the machine's load
    // showing in the lesson's timing, which the table should not hide.
    const errorCounts = course.results.map((r) => (r.report ? allFindings(r.report).filter((f) => f.severity === 'error').length : -1));
    const lessonMean = course.results.reduce((sum, r) => sum + (r.report?.durationMs ?? 0), 0) / n / 1000;
    rows.push({ n, jobs, wall, lessonMean, errors: [...new Set(errorCounts)].join('/'), ...used, load: os.loadavg()[0] ?? NaN });
    process.stderr.write(`N = ${n}: ${wall.toFixed(1)} s\n`);
  }
} finally {
  await cluster.stop();
  await rm(dir, { recursive: true, force: true });
}

const one = rows.find((r) => r.n === 1)?.wall ?? rows[0]?.wall ?? NaN;
const gib = (b: number): string => `${(b / 2 ** 30).toFixed(2)} GiB`;
process.stdout.write(`\ncourse benchmark: N copies of the Jobs lesson at once on one ${cluster.provider} cluster (${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB)\n`);
process.stdout.write(`${['N', 'jobs', 'wall', '× N=1', 'lesson avg', 'errors/lesson', 'harness CPU', 'cluster CPU', 'machine CPU', 'harness RSS', 'cluster RSS', 'load 1m'].map((h, i) => (i < 2 ? h.padStart(4) : h.padStart(13))).join(' ')}\n`);
for (const r of rows) {
  process.stdout.write(`${[String(r.n).padStart(4), String(r.jobs).padStart(4), `${r.wall.toFixed(1)} s`, `${(r.wall / one).toFixed(2)}`, `${r.lessonMean.toFixed(1)} s`, r.errors,
    `${r.harnessCpu.toFixed(1)} s`, `${r.clusterCpu.toFixed(1)} s`, `${(r.machineBusy * 100).toFixed(0)} %`, gib(r.harnessPeakRss), gib(r.clusterPeakRss), r.load.toFixed(1)].map((c, i) => (i < 2 ? c : c.padStart(13))).join(' ')}\n`);
}
// Scaling stops where adding lessons adds wall time: the first N whose wall time exceeds 1.2 ×
// the one-lesson run (the lessons' own waiting, sleeps and deadlines, no longer hides the work).
const stop = rows.find((r) => r.n > 1 && r.wall > 1.2 * one);
// The other limit: copies that find other errors than one lesson alone (N = 16 here: a starved
// machine shows in the lessons' timing: durations, watch transcripts).
const alone = rows.find((r) => r.n === 1)?.errors;
const differs = rows.find((r) => alone !== undefined && r.errors !== alone);
if (differs) process.stdout.write(`findings stop being the same at N = ${differs.n}: error findings per copy ${differs.errors}, against ${alone} for one lesson alone.\n`);
const eight = rows.find((r) => r.n === 8);
process.stdout.write(`\nharness/cluster CPU: seconds used during the run (the harness with every command it ran); machine CPU: all of the host's cores, other work included.\n`);
process.stdout.write(stop
  ? `scaling stops at N = ${stop.n} (${(stop.wall / one).toFixed(2)} × one lesson; machine CPU ${(stop.machineBusy * 100).toFixed(0)} %).\n`
  : `no N measured took more than 1.2 × one lesson.\n`);
if (eight) process.stdout.write(`goal: 8 lessons in ≤ 2 × one: ${(eight.wall / one).toFixed(2)} × → ${eight.wall <= 2 * one ? 'met' : 'NOT met'}\n`);

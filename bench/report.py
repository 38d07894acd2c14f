#!/usr/bin/env python3
"""bench/report.py — bench/run.sh's Markdown report: the machine, the data, one table.

  report.py RAW_TSV META_TSV > results.md

RAW_TSV: one line per timed run: system, work, threads, run, seconds, peak RSS (kB).
META_TSV: key<TAB>value lines (machine, versions, data sizes) written by run.sh.
Each cell is the median over the runs. MB are 10^6 bytes, MiB 2^20.
"""
import statistics
import sys

WORKS = [
    ("top-plain", "top 10 dstaddr, flows.log"),
    ("summary-plain", "summary, flows.log"),
    ("top-gz", "top 10 dstaddr, gzip tree"),
    ("summary-gz", "summary, gzip tree"),
    ("top-parquet", "top 10 dstaddr, Parquet"),
    ("summary-parquet", "summary, Parquet"),
]


def read_raw(path):
    runs = {}
    with open(path) as fh:
        for line in fh:
            system, work, threads, _run, seconds, rss = line.rstrip("\n").split("\t")
            runs.setdefault((system, work, int(threads)), []).append((float(seconds), int(rss)))
    return {k: (statistics.median(s for s, _ in v), statistics.median(r for _, r in v))
            for k, v in runs.items()}


def read_meta(path):
    with open(path) as fh:
        return dict(line.rstrip("\n").split("\t", 1) for line in fh if "\t" in line)


def fmt_seconds(s):
    return "%.3f" % s if s < 10 else "%.2f" % s if s < 100 else "%.1f" % s


def fmt_rate(r):
    return "%.0f" % r if r >= 100 else "%.1f" % r if r >= 1 else "%.2f" % r


class Table:
    def __init__(self, meta, medians):
        self.meta, self.medians, self.rows = meta, medians, []
        self.text_bytes = int(meta["text_bytes"])
        self.gz_bytes = int(meta["gz_bytes"])
        self.pq_bytes = int(meta.get("pq_bytes", 0))
        self.lines = int(meta["record_lines"])

    def add(self, system, work, threads, seconds, rss_kb, gzip=False, vs=None):
        mbs = fmt_rate(self.text_bytes / seconds / 1e6)
        if gzip:
            mbs += " (gz %s)" % fmt_rate(self.gz_bytes / seconds / 1e6)
        if work.endswith("-parquet"):
            mbs += " (pq %s)" % fmt_rate(self.pq_bytes / seconds / 1e6)
        base = self.medians.get(("vpcflow", vs or work, threads))
        ratio = "%.2f×" % (seconds / base[0]) if base else "—"
        self.rows.append([system, dict(WORKS)[work], str(threads), fmt_seconds(seconds), mbs,
                          "%.2f M" % (self.lines / seconds / 1e6), "%.0f MiB" % (rss_kb / 1024), ratio])

    def markdown(self):
        head = ["system", "work", "threads", "seconds", "MB/s", "records/s", "peak RSS",
                "× vpcflow"]
        out = ["| " + " | ".join(head) + " |",
               "|" + "|".join(["---", "---", "--:", "--:", "--:", "--:", "--:", "--:"]) + "|"]
        out += ["| " + " | ".join(r) + " |" for r in self.rows]
        return "\n".join(out)


def build_table(meta, med):
    t = Table(meta, med)
    threads = [int(x) for x in meta["threads"].split()]
    load = med.get(("postgres", "load", 1))
    for work, _ in WORKS:
        gz = work.endswith("-gz")
        for n in threads:
            v = med.get(("vpcflow", work, n))
            if v:
                name = "vpcflow top --no-dedup" if work.startswith("top") else "vpcflow summary"
                t.add(name, work, n, *v, gzip=gz)
            d = med.get(("duckdb", work, n))
            if d:
                reader = "read_parquet" if work.endswith("-parquet") else "read_csv"
                t.add("DuckDB %s + GROUP BY" % reader, work, n, *d, gzip=gz)
            q = med.get(("postgres", "query", n))
            if work == "top-plain" and q:
                if load:
                    t.add("PostgreSQL \\copy + GROUP BY", work, n, load[0] + q[0], max(load[1], q[1]))
                t.add("PostgreSQL GROUP BY (table loaded)", work, n, *q)
            if work == "top-plain" and load and n == 1:
                t.add("PostgreSQL \\copy only", work, 1, *load)
    if load and 1 not in threads:
        t.add("PostgreSQL \\copy only", "top-plain", 1, *load)
    return t.markdown()


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    med, m = read_raw(argv[1]), read_meta(argv[2])
    reps = int(m["reps"])
    print(f"""# vpcflow next to DuckDB and PostgreSQL ({m['date']})

| | |
|---|---|
| CPU | {m['cpu']}, {m['cores']} cores |
| memory | {m['memory']} |
| system | {m['os']}, {m['kernel']} |
| vpcflow | {m['vpcflow']} |
| DuckDB | {m['duckdb']} |
| PostgreSQL | {m['postgres']} |
| data | `vpcflow-gen --seed {m['seed']} --size {m['size']} --format default --layout both`: flows.log {int(m['text_bytes']) / 1e6:.1f} MB of text, {int(m['record_lines']):,} records ({int(m['records_ok']):,} OK); the same records as {int(m['gz_files']):,} gzip files of the S3 layout, {int(m['gz_bytes']) / 1e6:.1f} MB; and as one Parquet file (snappy, AWS's columns, written by DuckDB), {int(m.get('pq_bytes', 0)) / 1e6:.1f} MB |
| method | {'median of %d runs' % reps if reps > 1 else 'one run (--quick)'}, page cache warm; every run's answer checked; timer: {m['timer']}; load average when timing began: {m['load']} |

{build_table(m, med)}

- **top 10 dstaddr** is the same question everywhere: `vpcflow top --by dstaddr --no-dedup -n 10`
  and `SELECT dstaddr, sum(bytes) … WHERE log_status = 'OK' GROUP BY 1 ORDER BY 2 DESC, 1
  LIMIT 10`. All engines returned the same ten addresses and byte sums. **summary** does more
  (classification with the topology files, de-duplication of flows seen by two ENIs, cost)
  and matched truth.json; no SQL engine is timed on it.
- MB/s: bytes of flows.log text (10^6 bytes) per second; for the gzip tree also the compressed
  bytes per second, for Parquet also the Parquet file's bytes per second ("pq"). Parquet rows
  read the same records as flows.log, so their MB/s is text equivalent. records/s counts
  every record line, NODATA and SKIPDATA included.
  × vpcflow: seconds over vpcflow's for the same work and thread count.
- vpcflow and DuckDB read the text (or the Parquet file) on every run. DuckDB's seconds are the query alone, in an
  instance already started; its peak RSS is the whole Node.js process.
- PostgreSQL: a throw-away server, UNLOGGED table, `\\copy … WITH (FREEZE)`, fsync off; the
  load is single-threaded and timed alone, ANALYZE after it is not timed; threads N means
  max_parallel_workers_per_gather = N - 1 ({m['pg_plan']}); peak RSS is the leader backend's
  VmHWM (shared buffers it touched included, parallel workers not).""")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

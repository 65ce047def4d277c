#!/usr/bin/env bash
# Runs capdiff's benchmarks and prints the figures Benchmarks/README.md records.
# Usage: Benchmarks/run.sh [SIZES_MB...]   (default: 100 1000)
# Needs release builds (make bench does them); BENCH_BIN overrides their folder.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BENCH_BIN:-.build/release}
work=${BENCH_DIR:-/tmp/capdiff-bench}
sizes=("${@:-100 1000}")
mkdir -p "$work"
gcc -O2 -o "$work/aggregate" Benchmarks/reference/aggregate.c

seconds() { /usr/bin/time -f "%e %U %S %M" "$@" 2>&1 >/dev/null | tail -1; }

echo "== kmap ingest (generated current-format kmaps; $(nproc) cores)"
for mb in ${sizes[*]}; do
  dir=$work/$mb
  [ -s "$dir/kmap" ] || "$bin/capdiff-bench" generate --out "$dir" --size-mb "$mb" >/dev/null
  cat "$dir/kmap" > /dev/null   # page cache, as wc -l gets it
  read -r wc_s _ <<<"$(seconds wc -l "$dir/kmap")"
  read -r c_s _ <<<"$(seconds "$work/aggregate" "$dir/kmap")"
  line=$("$bin/capdiff-bench" ingest --symbols "$dir/System.map" "$dir/kmap")
  read -r e u s m <<<"$(seconds "$bin/capdiff-bench" ingest --symbols "$dir/System.map" "$dir/kmap")"
  echo "$mb MB: wc -l ${wc_s}s | C hash aggregation ${c_s}s | capdiff ${e}s wall, ${u}s user + ${s}s sys, peak RSS $((m / 1024)) MiB"
  echo "      $line"
  awk -v w="$wc_s" -v c="$c_s" -v e="$e" -v u="$u" -v s="$s" 'BEGIN {
    printf "      capdiff / wc -l = %.1fx, C / wc -l = %.1fx, cores busy = %.2f\n", e / (w > 0.005 ? w : 0.005), c / (w > 0.005 ? w : 0.005), (u + s) / e }'
  if [ "$mb" -le 200 ]; then
    read -r p_s _ <<<"$(seconds python3 Benchmarks/reference/python_parser.py "$dir/kmap")"
    awk -v p="$p_s" -v e="$e" 'BEGIN { printf "      Python line parser %.1fs = %.0fx capdiff\n", p, p / e }'
  fi
done

vmlinux=${VMLINUX:-/work/kdata/real-kernel-data/dbg/vmlinux-6.1.0-47-cloud-amd64}
if [ -s "$vmlinux" ]; then
  echo "== symbolization against $vmlinux"
  map=$(dirname "$vmlinux")/System.map-$(basename "$vmlinux" | sed 's/^vmlinux-//')
  awk '$2 ~ /^[Tt]$/ {print $1}' "$map" > "$work/faddrs.txt"
  read -r a2l _ <<<"$(seconds addr2line -f -e "$vmlinux" < "$work/faddrs.txt")"
  read -r ours _ <<<"$(seconds "$bin/capdiff-bench" symbolize --vmlinux "$vmlinux" --addresses "$work/faddrs.txt")"
  "$bin/capdiff-bench" symbolize --vmlinux "$vmlinux" --addresses "$work/faddrs.txt"
  awk -v a="$a2l" -v o="$ours" -v n="$(wc -l < "$work/faddrs.txt")" 'BEGIN {
    printf "%d addresses: addr2line -f %.2fs, capdiff %.2fs (functions, files and lines): %.1fx faster\n", n, a, o, a / o }'
fi

maintainers=${MAINTAINERS_DIR:-/work/kdata/real-kernel-data/src/6.12.117}
if [ -s "$maintainers/MAINTAINERS" ]; then
  echo "== MAINTAINERS attribution ($maintainers)"
  cat "$maintainers/paths.txt" "$maintainers/paths.txt" | head -100000 > "$work/paths-100k.txt" || true
  "$bin/capdiff-bench" maintainers --maintainers "$maintainers/MAINTAINERS" --paths "$work/paths-100k.txt"
fi

echo "== baseline lookup (a generated repository of 100,000 commits, the snapshot 10,000 commits back)"
"$bin/capdiff-bench" baseline --out "$work" --commits 100000 --distance 10000

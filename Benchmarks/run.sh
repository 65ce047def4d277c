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

# "WALL USER SYS MAXRSS_KB" of one run of a command (output discarded).
seconds() { /usr/bin/time -f "%e %U %S %M" "$@" 2>&1 >/dev/null | tail -1; }
# Wall seconds of a command to the millisecond, best of $1 runs.
best_wall() {
  local runs=$1 best= t0 t1
  shift
  for ((i = 0; i < runs; i++)); do
    t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N)
    if [ -z "$best" ] || [ $((t1 - t0)) -lt "$best" ]; then best=$((t1 - t0)); fi
  done
  awk -v t="$best" 'BEGIN { printf "%.3f", t / 1e9 }'
}
runs=${BENCH_RUNS:-2}   # each timing is the best of this many runs

echo "== kmap ingest (generated current-format kmaps; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg))"
declare -A rss
for mb in ${sizes[*]}; do
  dir=$work/$mb
  "$bin/capdiff-bench" generate --out "$dir" --size-mb "$mb" --reuse
  cat "$dir/kmap" > /dev/null   # page cache, as wc -l gets it
  wc_s=$(best_wall 3 wc -l "$dir/kmap")
  c_s=$(best_wall 1 "$work/aggregate" "$dir/kmap")
  # capdiff-bench ingest: best of $runs, with its own report and /usr/bin/time's.
  best=
  for ((i = 0; i < runs; i++)); do
    out=$(/usr/bin/time -f "TIME %e %U %S %M" "$bin/capdiff-bench" ingest --symbols "$dir/System.map" "$dir/kmap" 2>&1) ||
      { echo "$out" >&2; exit 1; }
    read -r _ e u s m <<<"$(grep '^TIME' <<<"$out")"
    if [ -z "$best" ] || awk -v a="$e" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$e; bu=$u; bs=$s; bm=$m; line=$(grep -v '^TIME' <<<"$out")
    fi
  done
  rss[$mb]=$bm
  echo "$mb MB: wc -l ${wc_s}s | C hash aggregation ${c_s}s | capdiff ingest ${best}s wall (${bu}s user + ${bs}s sys), max RSS $((bm / 1024)) MiB"
  echo "      $line"
  awk -v w="$wc_s" -v c="$c_s" -v e="$best" -v u="$bu" -v s="$bs" 'BEGIN {
    printf "      ingest / wc -l = %.0fx (target <= 10x), C / wc -l = %.0fx, cores busy = %.2f of %d\n", e / w, c / w, (u + s) / e, '"$(nproc)"' }'
  if [ "$mb" -le "${PYTHON_MAX_MB:-1000}" ]; then   # about 3 minutes a GB
    read -r p_s _ <<<"$(seconds python3 Benchmarks/reference/python_parser.py "$dir/kmap")"
    awk -v p="$p_s" -v e="$best" 'BEGIN { printf "      Python line parser %.1fs: python / ingest = %.1fx (target >= 30x)\n", p, p / e }'
  fi
done
if [ ${#sizes[*]} -gt 0 ] && [ -n "${rss[*]}" ]; then
  read -r small large <<<"$(printf '%s\n' "${!rss[@]}" | sort -n | sed -n '1p;$p' | xargs)"
  if [ -n "${large:-}" ] && [ "$large" != "$small" ]; then
    awk -v a="${rss[$large]}" -v b="${rss[$small]}" -v L="$large" -v S="$small" 'BEGIN {
      printf "memory %d MB / %d MB = %.2fx for %.0fx the file (target <= 1.5x)\n", L, S, a / b, L / S }'
  fi
fi

# What every command given a symbol map pays before its work: the
# benchmark's map, and real ones where they are (SYMBOL_MAPS, a list).
echo "== loading symbol maps (in one process, best and median of 30 loads)"
read -r first_size _ <<<"${sizes[*]}"
for map in "$work/$first_size/System.map" ${SYMBOL_MAPS:-/work/kdata/real-kernel-data/boot/System.map-*}; do
  if [ -s "$map" ]; then echo "      $(basename "$map"): $("$bin/capdiff-bench" load-symbols "$map")"; fi
done

vmlinux=${VMLINUX:-/work/kdata/real-kernel-data/dbg/vmlinux-6.1.0-47-cloud-amd64}
if [ -s "$vmlinux" ]; then
  echo "== symbolization against $vmlinux"
  map=${SYSTEM_MAP:-$(dirname "$vmlinux")/System.map-$(basename "$vmlinux" | sed 's/^vmlinux-//')}
  awk '$2 ~ /^[Tt]$/ {print $1}' "$map" > "$work/faddrs.txt"
  cat "$vmlinux" > /dev/null
  read -r a2l _ <<<"$(seconds addr2line -f -e "$vmlinux" < "$work/faddrs.txt")"
  best=
  for ((i = 0; i < runs; i++)); do
    out=$(/usr/bin/time -f "TIME %e %U %S %M" "$bin/capdiff-bench" symbolize --vmlinux "$vmlinux" --addresses "$work/faddrs.txt" 2>&1) ||
      { echo "$out" >&2; exit 1; }
    read -r _ e u s m <<<"$(grep '^TIME' <<<"$out")"
    if [ -z "$best" ] || awk -v a="$e" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$e; line=$(grep -v '^TIME' <<<"$out"); bm=$m
    fi
  done
  echo "      $line"
  awk -v a="$a2l" -v o="$best" -v m="$bm" -v n="$(wc -l < "$work/faddrs.txt")" 'BEGIN {
    printf "%d addresses: addr2line -f %.2fs, capdiff-bench symbolize %.2fs (max RSS %d MiB): addr2line / capdiff = %.1fx (target >= 4x)\n", n, a, o, m / 1024, a / o }'
  # A kmap laid over this kernel's own functions and data, recorded as a
  # reviewer would: with the System.map (names), then the vmlinux (files, lines).
  echo "== ingest of a 100 MB kmap over the real kernel's symbols"
  "$bin/capdiff-bench" generate --out "$work/real-100" --size-mb 100 --symbols-from "$map" --reuse
  for symbols in "$work/real-100/System.map" "$vmlinux"; do
    for ((i = 0; i < runs; i++)); do
      out=$(/usr/bin/time -f "TIME %e %U %S %M" "$bin/capdiff-bench" ingest --symbols "$symbols" "$work/real-100/kmap" 2>&1) ||
        { echo "$out" >&2; exit 1; }
      read -r _ e u s m <<<"$(grep '^TIME' <<<"$out")"
      echo "      $(basename "$symbols"): ${e}s wall (${u}s user + ${s}s sys), max RSS $((m / 1024)) MiB; $(grep -v '^TIME' <<<"$out")"
    done
  done
fi

maintainers=${MAINTAINERS_DIR:-/work/kdata/real-kernel-data/src/6.12.117}
if [ -s "$maintainers/MAINTAINERS" ]; then
  echo "== MAINTAINERS attribution ($maintainers)"
  cat "$maintainers/paths.txt" "$maintainers/paths.txt" | head -100000 > "$work/paths-100k.txt" || true
  "$bin/capdiff-bench" maintainers --maintainers "$maintainers/MAINTAINERS" --paths "$work/paths-100k.txt"
fi

echo "== baseline lookup (a generated repository of 100,000 commits, the snapshot 10,000 commits back)"
"$bin/capdiff-bench" baseline --out "$work" --commits 100000 --distance 10000

echo "== diff (two snapshots of 1,000,000 edges, head differing in about 1% of them; component granularity, dirs:1)"
for _ in $(seq "$runs"); do "$bin/capdiff-bench" diff --out "$work/diff" --edges 1000000; done

echo "== kR^X checks (three kallsyms samples of 200,000 symbols per side: FG-KASLR base, plain KASLR head)"
for _ in $(seq "$runs"); do "$bin/capdiff-bench" krx --out "$work/krx" --symbols 200000 --samples 3; done

echo "== reports (a diff of 10,000 findings: every report, then index.html in headless Chromium)"
"$bin/capdiff-bench" reports --out "$work/reports" --findings 10000
echo '<!DOCTYPE html><title>empty</title>' > "$work/empty.html"
for page in "$work/empty.html" "$work/reports/index.html"; do
  /usr/bin/time -f "chromium screenshot of $(basename "$page"): %e s wall" \
    chromium --headless=new --no-sandbox --disable-gpu --window-size=1200,1600 --screenshot="$work/shot.png" "file://$page" 2>&1 |
    grep "wall"
done

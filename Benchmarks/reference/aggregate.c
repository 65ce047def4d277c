/* The reference point of DESIGN §10: a plain single-threaded C hash
 * aggregation of a current-format kmap by (access_ip, alloc_ip, slab),
 * summing reads and writes. No symbolization, no validation. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry { uint64_t ip, alloc, slab, reads, writes; };
static struct entry *table;
static size_t capacity = 1 << 20, used;

static uint64_t mix(uint64_t a, uint64_t b, uint64_t c) {
  uint64_t h = a * 0x9E3779B97F4A7C15ull ^ b * 0xC2B2AE3D27D4EB4Full ^ c;
  return h ^ (h >> 29);
}

static void grow(void);

static void add(uint64_t ip, uint64_t alloc, uint64_t slab, uint64_t reads, uint64_t writes) {
  size_t i = mix(ip, alloc, slab) & (capacity - 1);
  while (table[i].ip && !(table[i].ip == ip && table[i].alloc == alloc && table[i].slab == slab))
    i = (i + 1) & (capacity - 1);
  if (!table[i].ip) {
    table[i].ip = ip; table[i].alloc = alloc; table[i].slab = slab; used++;
  }
  table[i].reads += reads; table[i].writes += writes;
  if (used * 2 > capacity) grow();
}

static void grow(void) {
  struct entry *old = table; size_t n = capacity;
  capacity *= 2; used = 0;
  table = calloc(capacity, sizeof *table);
  for (size_t i = 0; i < n; i++)
    if (old[i].ip) add(old[i].ip, old[i].alloc, old[i].slab, old[i].reads, old[i].writes);
  free(old);
}

int main(int argc, char **argv) {
  FILE *f = argc > 1 ? fopen(argv[1], "r") : stdin;
  if (!f) return 1;
  table = calloc(capacity, sizeof *table);
  char line[4096];
  uint64_t alloc = 0, slab = 0;
  while (fgets(line, sizeof line, f)) {
    if (line[0] == ' ') {
      char *p = line; while (*p == ' ') p++;
      if (!strncmp(p, "from:", 5)) p += 5;
      uint64_t ip = strtoull(p, &p, 16); p++;
      uint64_t writes = strtoull(p, &p, 10); p++;
      uint64_t reads = strtoull(p, &p, 10);
      add(ip, alloc, slab, reads, writes);
    } else {
      alloc = strtoull(line, NULL, 16);
      /* the slab is the second field from the right */
      char *end = line + strlen(line) - 1, *c = end; int commas = 0;
      while (c > line && commas < 2) if (*--c == ',') commas++;
      slab = 1469598103934665603ull;
      for (char *s = c + 1; *s && *s != ','; s++) slab = (slab ^ (unsigned char)*s) * 1099511628211ull;
    }
  }
  printf("%zu edges\n", used);
  return 0;
}

"""A straightforward line-by-line Python parser of a current-format kmap,
aggregating by (access_ip, alloc_ip, slab): the reference point for
"at least 30x faster than Python" (Benchmarks/README.md)."""
import sys

edges = {}
alloc = slab = None
with open(sys.argv[1]) as kmap:
    for line in kmap:
        if line.startswith(" "):
            fields = line.strip().split(",")
            ip = fields[0][5:] if fields[0].startswith("from:") else fields[0]
            key = (int(ip, 16), alloc, slab)
            writes, reads = int(fields[1]), int(fields[2])
            old = edges.get(key, (0, 0))
            edges[key] = (old[0] + reads, old[1] + writes)
        else:
            fields = line.rstrip("\n").split(",")
            alloc, slab = int(fields[0], 16), fields[-2]
print(len(edges), "edges")

#ifndef CPREFETCH_PREFETCH_H
#define CPREFETCH_PREFETCH_H
/* Swift has no prefetch: ingest asks for the hash-table slots of a batch of
   access lines before it reads them, so their cache misses overlap. */
static inline void capdiff_prefetch(const void *address) { __builtin_prefetch(address, 1, 3); }
#endif

#ifndef CXXHASH_SHIM_H
#define CXXHASH_SHIM_H
#include <xxhash.h>
/* The update that picks the widest vector unit the CPU has at run time. */
#include <xxh_x86dispatch.h>
#endif

#ifndef CDW_SHIM_H
#define CDW_SHIM_H
#include <gelf.h>
#include <libelf.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#endif

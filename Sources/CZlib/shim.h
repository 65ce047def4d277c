#ifndef CZLIB_SHIM_H
#define CZLIB_SHIM_H
#include <zlib.h>

/// inflateInit2 is a macro (it passes ZLIB_VERSION and the stream size), so
/// Swift cannot call it; this forwards it. windowBits 15+32 accepts gzip and
/// zlib headers alike.
static inline int CZlib_inflateInit2(z_streamp _Nonnull stream, int windowBits) {
  return inflateInit2(stream, windowBits);
}
#endif

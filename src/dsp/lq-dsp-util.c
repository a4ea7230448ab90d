/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The out-of-line parts of lq-dsp-util.h. */
#include "lq-dsp-util.h"

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#define LQ_HAVE_MXCSR 1
#endif

unsigned
lq_denormals_off (void)
{
#ifdef LQ_HAVE_MXCSR
  unsigned state = _mm_getcsr ();
  _mm_setcsr (state | 0x8040); /* FTZ (bit 15) | DAZ (bit 6) */
  return state;
#else
  return 0;
#endif
}

void
lq_denormals_restore (unsigned state)
{
#ifdef LQ_HAVE_MXCSR
  _mm_setcsr (state);
#else
  (void) state;
#endif
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Internal API of LqCompressor for the other kernels (lq-multiband.c).
 */
#pragma once

#include <stddef.h>

#include "lq-compressor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One sub-block's gain ramp: frame i (0-based) of sub-block j is multiplied by
 * g0[j] + (i + 1) * dg[j], per channel; the product computed as lq_compressor_process() does
 * (so a caller applying it gets the same samples, bit for bit). */
typedef struct
{
  float g0[2]; /* gain before the sub-block's first frame, per channel */
  float dg[2]; /* gain step per frame */
} LqCompressorRamp;

/* Like lq_compressor_process() on a buffer that holds no NaN or infinity, but leaves the gain
 * to the caller: x goes through the lookahead delay only, and ramp[j] (for each of the
 * ceil (frames / LQ_COMPRESSOR_SUB_BLOCK) sub-blocks) receives the gain ramp that
 * lq_compressor_process() would have applied. Returns nonzero (and then has applied
 * everything itself, exactly as lq_compressor_process(), with ramp[] set to unity) when the
 * state turned non-finite. */
int _lq_compressor_process_ramps (LqCompressor *self, float *x, size_t frames,
                                  LqCompressorRamp *ramp);

#ifdef __cplusplus
}
#endif
